using ConsortiumPortal.Chain.Raft.Consensus;
using DotNext.Net.Cluster.Consensus.Raft;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Tests;

public sealed class SingleNodeRaftLogTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(10);
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private RaftOptions Options(System.Net.IPEndPoint? endPoint = null, bool coldStart = true, int snapshotInterval = 1024) => new()
    {
        DataDirectory = dir.Sub("node"),
        LocalEndPoint = endPoint ?? Net.FreeLoopbackEndPoint(),
        ColdStart = coldStart,
        SnapshotInterval = snapshotInterval,
        Metadata = new Dictionary<string, string> { ["http"] = "http://127.0.0.1:5001", ["node"] = "n1" },
    };

    private async Task<RaftLog> StartAsync(RaftOptions options, IReplicatedStateMachine ledger)
    {
        var log = new RaftLog(options, ledger, new XunitLoggerFactory(output));
        await log.StartAsync(CancellationToken.None);
        await log.WaitForLeadershipAsync(LeaderTimeout, CancellationToken.None);
        return log;
    }

    [Fact]
    public async Task Single_node_elects_itself_and_applies_entries_in_order_exactly_once()
    {
        var ledger = new FakeLedger();
        await using var log = await StartAsync(Options(), ledger);

        Assert.True(log.IsLeader);
        Assert.False(log.LeadershipToken.IsCancellationRequested);
        Assert.Equal("http://127.0.0.1:5001", log.LeaderMetadata("http"));
        Assert.Null(log.LeaderMetadata("missing"));

        for (long h = 1; h <= 100; h++)
        {
            Assert.True(await log.ReplicateAsync(FakeLedger.Block(h), CancellationToken.None));
            // ReplicateAsync returns only after the local apply: the block is visible immediately.
            Assert.Equal(h, ledger.AppliedHeight);
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), ledger.Applied);
        Assert.Equal(0, ledger.Skipped);
        Assert.Equal(0, ledger.OutOfOrder);
        Assert.Equal(0, ledger.EmptyPayloads);
    }

    [Fact]
    public async Task Large_payloads_spanning_wal_chunks_are_delivered_intact()
    {
        // 3 MiB entries against 8 MiB chunks: some entries straddle two chunk files (multi-segment payload path).
        var received = new List<byte[]>();
        var ledger = new RecordingLedger(received);
        await using var log = await StartAsync(Options(), ledger);

        var sent = Enumerable.Range(1, 6).Select(i => FakeLedger.Block(i, 3 * 1024 * 1024 + 17 * i)).ToArray();
        foreach (var block in sent)
            Assert.True(await log.ReplicateAsync(block, CancellationToken.None));

        Assert.Equal(sent.Length, received.Count);
        for (var i = 0; i < sent.Length; i++)
            Assert.True(sent[i].AsSpan().SequenceEqual(received[i]), $"block {i + 1} differs");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restart_on_same_directory_keeps_entries_dedupes_and_appends(bool coldStartOnRestart)
    {
        var heightFile = dir.Sub("ledger-height.txt");
        var endPoint = Net.FreeLoopbackEndPoint();

        var first = new FakeLedger(heightFile);
        await using (var log = await StartAsync(Options(endPoint), first))
        {
            for (long h = 1; h <= 20; h++)
                Assert.True(await log.ReplicateAsync(FakeLedger.Block(h), CancellationToken.None));
        }
        Assert.Equal(20, first.AppliedHeight);

        // Restart with a fresh ledger object that reloads its persisted height (as the SQLite ledger does).
        var second = new FakeLedger(heightFile);
        await using (var log = await StartAsync(Options(endPoint, coldStartOnRestart), second))
        {
            Assert.True(log.IsLeader);
            // No snapshot yet (interval 1024): the WAL replayed all 20 committed entries; the ledger skipped them all.
            Assert.Equal(20, second.Skipped);
            Assert.Empty(second.Applied);
            Assert.Equal(20, second.AppliedHeight);

            for (long h = 21; h <= 30; h++)
                Assert.True(await log.ReplicateAsync(FakeLedger.Block(h), CancellationToken.None));
            Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), second.Applied);
        }

        // A ledger that lost everything (empty SQLite) gets the whole history replayed from the WAL, in order.
        var fresh = new FakeLedger();
        await using (var log = await StartAsync(Options(endPoint, coldStartOnRestart), fresh))
        {
            Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), fresh.Applied);
            Assert.Equal(0, fresh.OutOfOrder);
            Assert.Equal(0, fresh.EmptyPayloads);
        }
    }

    [Fact]
    public async Task Restart_after_snapshots_only_redelivers_entries_after_the_snapshot()
    {
        var heightFile = dir.Sub("ledger-height.txt");
        var endPoint = Net.FreeLoopbackEndPoint();

        await using (var log = await StartAsync(Options(endPoint, snapshotInterval: 8), new FakeLedger(heightFile)))
        {
            for (long h = 1; h <= 21; h++)
                Assert.True(await log.ReplicateAsync(FakeLedger.Block(h), CancellationToken.None));
        }

        var second = new FakeLedger(heightFile);
        await using (var log = await StartAsync(Options(endPoint, snapshotInterval: 8), second))
        {
            // The snapshot (ledger height) was restored and reported; only the tail after it was replayed.
            var snapshotHeight = Assert.Single(second.SnapshotCallbacks);
            Assert.InRange(snapshotHeight, 8, 21);
            Assert.Equal(snapshotHeight, log.SnapshotHeight);
            Assert.InRange(second.Skipped, 0, 21 - 8);

            Assert.True(await log.ReplicateAsync(FakeLedger.Block(22), CancellationToken.None));
            Assert.Equal([22L], second.Applied);
        }
    }

    [Fact]
    public async Task Empty_and_raft_internal_entries_never_reach_the_ledger()
    {
        var ledger = new FakeLedger();
        var endPoint = Net.FreeLoopbackEndPoint();
        await using (var log = await StartAsync(Options(endPoint), ledger))
        {
            await Assert.ThrowsAsync<ArgumentException>(() => log.ReplicateAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None));
            Assert.True(await log.ReplicateAsync(FakeLedger.Block(1), CancellationToken.None));
        }

        // Restart: a new term, the leader's no-op entry and the replay of the log; the ledger still only sees blocks.
        var replayed = new FakeLedger();
        await using (var log = await StartAsync(Options(endPoint), replayed))
            Assert.True(await log.ReplicateAsync(FakeLedger.Block(2), CancellationToken.None));

        Assert.Equal([1L], ledger.Applied);
        Assert.Equal([1L, 2L], replayed.Applied);
        Assert.Equal(0, ledger.EmptyPayloads + replayed.EmptyPayloads);
    }

    [Fact]
    public async Task Not_started_or_non_leader_usage_fails_fast()
    {
        await using var log = new RaftLog(Options(), new FakeLedger());
        Assert.False(log.IsLeader);
        Assert.Null(log.LeaderMetadata("http"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => log.ReplicateAsync(FakeLedger.Block(1), CancellationToken.None));
    }

    [Fact]
    public async Task Joining_node_without_cold_start_waits_in_standby_and_rejects_writes()
    {
        var options = Options(coldStart: false);
        await using var log = new RaftLog(options, new FakeLedger());
        await log.StartAsync(CancellationToken.None);

        Assert.False(log.IsLeader);
        await Assert.ThrowsAsync<NotLeaderException>(() => log.ReplicateAsync(FakeLedger.Block(1), CancellationToken.None));
        await Assert.ThrowsAsync<TimeoutException>(() => log.WaitForLeadershipAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    private sealed class RecordingLedger(List<byte[]> received) : IReplicatedStateMachine
    {
        public long AppliedHeight => received.Count;

        public ValueTask ApplyAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
        {
            received.Add(payload.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
