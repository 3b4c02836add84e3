using System.Diagnostics;
using ConsortiumPortal.Chain.Raft.Consensus;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Tests;

/// <summary>Logs single-node ReplicateAsync latency/throughput (no timing asserts: CI machines vary).</summary>
public sealed class ReplicationLatencyTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(1024, 300)]
    [InlineData(256 * 1024, 100)]
    public async Task Single_node_sequential_replicate_latency(int size, int count)
    {
        var ledger = new FakeLedger();
        await using var log = new RaftLog(new RaftOptions
        {
            DataDirectory = dir.Sub("node"),
            LocalEndPoint = Net.FreeLoopbackEndPoint(),
            ColdStart = true,
        }, ledger);
        await log.StartAsync(CancellationToken.None);
        await log.WaitForLeadershipAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var latencies = new double[count];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var block = FakeLedger.Block(i + 1, size);
            var sw = Stopwatch.StartNew();
            Assert.True(await log.ReplicateAsync(block, CancellationToken.None));
            latencies[i] = sw.Elapsed.TotalMilliseconds;
        }
        total.Stop();

        Array.Sort(latencies);
        output.WriteLine($"{size} B x {count}: median {latencies[count / 2]:F2} ms, p90 {latencies[count * 9 / 10]:F2} ms, " +
                         $"max {latencies[^1]:F2} ms, {count / total.Elapsed.TotalSeconds:F0} entries/s");
        Assert.Equal(count, ledger.AppliedHeight);
    }
}
