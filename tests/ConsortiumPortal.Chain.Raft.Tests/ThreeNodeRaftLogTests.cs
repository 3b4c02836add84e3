using System.Net;
using ConsortiumPortal.Chain.Raft.Consensus;
using DotNext.Net.Cluster.Consensus.Raft;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Tests;

public sealed class ThreeNodeRaftLogTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempDir dir = new();
    private readonly List<RaftLog> nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
            await node.DisposeAsync();
        dir.Dispose();
    }

    private async Task<RaftLog> StartNodeAsync(int n, IPEndPoint endPoint, bool coldStart, FakeLedger ledger)
    {
        var log = new RaftLog(new RaftOptions
        {
            DataDirectory = dir.Sub("node" + n),
            LocalEndPoint = endPoint,
            ColdStart = coldStart,
            Metadata = new Dictionary<string, string> { ["http"] = $"http://127.0.0.1:{5000 + n}" },
        }, ledger, new XunitLoggerFactory(output));
        nodes.Add(log);
        await log.StartAsync(CancellationToken.None);
        return log;
    }

    [Fact]
    public async Task Cold_start_one_node_grow_to_three_and_all_apply_the_same_sequence()
    {
        var endPoints = Enumerable.Range(0, 3).Select(_ => Net.FreeLoopbackEndPoint()).ToArray();
        var ledgers = Enumerable.Range(0, 3).Select(_ => new FakeLedger()).ToArray();

        var leader = await StartNodeAsync(1, endPoints[0], coldStart: true, ledgers[0]);
        await leader.WaitForLeadershipAsync(Timeout, CancellationToken.None);

        // Entries written while still alone must reach the joiners too (log catch-up, no snapshot needed).
        for (long h = 1; h <= 5; h++)
            Assert.True(await leader.ReplicateAsync(FakeLedger.Block(h), CancellationToken.None));

        // Joiners start in standby (ColdStart = false, empty directory) and are added one at a time.
        var node2 = await StartNodeAsync(2, endPoints[1], coldStart: false, ledgers[1]);
        Assert.True(await leader.AddMemberAsync(endPoints[1], new CancellationTokenSource(Timeout).Token));
        var node3 = await StartNodeAsync(3, endPoints[2], coldStart: false, ledgers[2]);
        Assert.True(await leader.AddMemberAsync(endPoints[2], new CancellationTokenSource(Timeout).Token));

        Assert.True(leader.IsLeader);
        for (long h = 6; h <= 30; h++)
            Assert.True(await leader.ReplicateAsync(FakeLedger.Block(h, 1024), CancellationToken.None));

        var expected = Enumerable.Range(1, 30).Select(i => (long)i).ToArray();
        await Net.EventuallyAsync(() => ledgers.All(l => l.AppliedHeight == 30), Timeout, "all three ledgers at height 30");
        foreach (var ledger in ledgers)
        {
            Assert.Equal(expected, ledger.Applied);
            Assert.Equal(0, ledger.EmptyPayloads); // configuration entries of AddMemberAsync were filtered out
            Assert.Equal(0, ledger.OutOfOrder);
        }

        // Followers do not forward writes; they expose the leader's metadata so the caller can.
        Assert.False(node2.IsLeader);
        await Assert.ThrowsAsync<NotLeaderException>(() => node2.ReplicateAsync(FakeLedger.Block(31), CancellationToken.None));
        await Net.EventuallyAsync(() => node3.LeaderMetadata("http") == "http://127.0.0.1:5001", Timeout, "node3 learns leader url");
        Assert.Equal(3, leader.Members.Count);
    }
}
