using System.Diagnostics;
using System.Net;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// A consortium of three node processes on 127.0.0.1, made by `init --nodes 3 --demo`: node-1 forms the Raft cluster
/// and adds the others; every node accepts transactions (followers forward them to the leader, signed with their node
/// key); all nodes end with the same chain. Killing the leader with SIGKILL elects a new one that takes writes.
/// </summary>
public sealed class ThreeNodeClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Payers = DemoCluster.Payers;

    private DemoCluster _cluster = null!;
    private List<ClusterNode> _nodes => _cluster.Nodes;
    private DemoLedger _signers => _cluster.Signers;

    public async Task InitializeAsync() => _cluster = await DemoCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Three_nodes_elect_a_leader_accept_transactions_on_every_node_and_end_with_the_same_chain()
    {
        var statuses = await Task.WhenAll(_nodes.Select(n => n.StatusAsync()));
        Assert.Single(statuses.Select(s => s.GenesisHash).Distinct());
        Assert.Single(statuses, s => s.IsLeader);
        Assert.Single(statuses.Select(s => s.Leader).Distinct());
        output.WriteLine($"leader {statuses.Single(s => s.IsLeader).NodeId}");

        // Every node takes transactions; a follower's submitter gets the outcome once the block is applied there.
        var committed = await _cluster.SubmitToEveryNodeAsync(_nodes, perNode: 4, "round 1");
        Assert.Equal(12, committed.Count);

        await ClusterWaits.WaitForSameHeadAsync(_nodes);
        var heads = await Task.WhenAll(_nodes.Select(n => n.StatusAsync()));
        output.WriteLine(string.Join("\n", heads.Select(s => $"{s.NodeId}: height {s.Height} head {s.HeadHash} leader {s.Leader}")));
        foreach (var (txId, height) in committed)
            foreach (var node in _nodes)
                Assert.Equal(("committed", height), ((await node.Http.TransactionAsync(txId)).State, (await node.Http.TransactionAsync(txId)).Height));

        await ClusterWaits.AssertStoppedNodesAgreeAsync(_nodes);
    }

    [Fact]
    public async Task Killing_the_leader_elects_a_new_one_that_accepts_writes_within_5_s_and_the_restarted_node_converges()
    {
        await _cluster.SubmitToEveryNodeAsync(_nodes, perNode: 2, "before the kill");
        var leader = await ClusterWaits.LeaderAsync(_nodes);
        var survivors = _nodes.Where(n => n != leader).ToList();
        var height = (await survivors[0].StatusAsync()).Height;

        var clock = Stopwatch.StartNew();
        leader.Kill();
        // Ask both survivors at once; whichever commits first shows the cluster takes writes again.
        var first = await Task.WhenAny(survivors.Select((node, i) => _cluster.SubmitUntilCommittedAsync(node, Payers[i], $"after the kill {i}", height)));
        var (txId, committedAt) = await first;
        clock.Stop();
        output.WriteLine($"{leader.NodeId} killed; a write committed at height {committedAt} after {clock.Elapsed.TotalSeconds:N2} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the first write after the leader's SIGKILL took {clock.Elapsed.TotalSeconds:N2} s");
        var newLeader = await ClusterWaits.LeaderAsync(survivors);
        Assert.NotEqual(leader.NodeId, newLeader.NodeId);

        await _cluster.SubmitToEveryNodeAsync(survivors, perNode: 2, "two of three");
        await leader.StartAsync(Timeout);
        await ClusterWaits.WaitForClusterAsync(_nodes, 3);
        await _cluster.SubmitToEveryNodeAsync(_nodes, perNode: 2, "after the restart");
        await ClusterWaits.WaitForSameHeadAsync(_nodes);
        Assert.Equal(("committed", committedAt), ((await leader.Http.TransactionAsync(txId)).State, (await leader.Http.TransactionAsync(txId)).Height));

        await ClusterWaits.AssertStoppedNodesAgreeAsync(_nodes);
    }
}
