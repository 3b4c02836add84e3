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
    private static readonly string[] Payers = ["steel-works", "data-park", "retail-one", "gen-wind", "px-center", "grid-east"];

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
        var committed = await SubmitToEveryNodeAsync(_nodes, perNode: 4, "round 1");
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
        await SubmitToEveryNodeAsync(_nodes, perNode: 2, "before the kill");
        var leader = await ClusterWaits.LeaderAsync(_nodes);
        var survivors = _nodes.Where(n => n != leader).ToList();
        var height = (await survivors[0].StatusAsync()).Height;

        var clock = Stopwatch.StartNew();
        leader.Kill();
        // Ask both survivors at once; whichever commits first shows the cluster takes writes again.
        var first = await Task.WhenAny(survivors.Select((node, i) => SubmitUntilCommittedAsync(node, Payers[i], $"after the kill {i}", height)));
        var (txId, committedAt) = await first;
        clock.Stop();
        output.WriteLine($"{leader.NodeId} killed; a write committed at height {committedAt} after {clock.Elapsed.TotalSeconds:N2} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the first write after the leader's SIGKILL took {clock.Elapsed.TotalSeconds:N2} s");
        var newLeader = await ClusterWaits.LeaderAsync(survivors);
        Assert.NotEqual(leader.NodeId, newLeader.NodeId);

        await SubmitToEveryNodeAsync(survivors, perNode: 2, "two of three");
        await leader.StartAsync(Timeout);
        await ClusterWaits.WaitForClusterAsync(_nodes, 3);
        await SubmitToEveryNodeAsync(_nodes, perNode: 2, "after the restart");
        await ClusterWaits.WaitForSameHeadAsync(_nodes);
        Assert.Equal(("committed", committedAt), ((await leader.Http.TransactionAsync(txId)).State, (await leader.Http.TransactionAsync(txId)).Height));

        await ClusterWaits.AssertStoppedNodesAgreeAsync(_nodes);
    }

    // ---- helpers ----

    private async Task<List<(string TxId, long Height)>> SubmitToEveryNodeAsync(IReadOnlyList<ClusterNode> nodes, int perNode, string memo)
    {
        var height = (await nodes[0].StatusAsync()).Height;
        var results = await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, perNode).Select(async i =>
        {
            var payer = Payers[(n * perNode + i) % Payers.Length];
            var tx = _signers.Transfer($"{payer}/operator", Payers[(n * perNode + i + 1) % Payers.Length], 1 + i, height, $"{memo} via {node.NodeId} #{i}");
            var answer = await node.Http.SubmitAsync(tx);
            Assert.True(answer.IsCommitted, $"{node.NodeId}: {answer}\n{node.Log}");
            return (tx.IdHex, answer.Json.GetProperty("height").GetInt64());
        })));
        return results.ToList();
    }

    /// <summary>Submits a fresh transfer (wait=true) until one commits; a 503 (no leader yet) or a lost connection is retried.</summary>
    private async Task<(string TxId, long Height)> SubmitUntilCommittedAsync(ClusterNode node, string payer, string memo, long height)
    {
        var deadline = DateTime.UtcNow + Timeout;
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            var tx = _signers.Transfer($"{payer}/operator", "grid-east", 1, height, $"{memo} #{attempt}");
            try
            {
                var answer = await node.Http.SubmitAsync(tx);
                if (answer.IsCommitted) return (tx.IdHex, answer.Json.GetProperty("height").GetInt64());
                if (answer.Status != HttpStatusCode.ServiceUnavailable && answer.Status != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"{node.NodeId}: {answer}");
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{node.NodeId} committed nothing within {Timeout}:\n{node.Log}");
    }
}
