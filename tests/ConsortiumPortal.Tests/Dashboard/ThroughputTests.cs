using ConsortiumPortal.Components;
using ConsortiumPortal.Features.Dashboard;

namespace ConsortiumPortal.Tests.Dashboard;

public sealed class ThroughputTests
{
    private static BlockSummary B(long ts, int txs) => new(0, "", ts, txs, 0, "n", []);

    [Fact]
    public void Transactions_are_bucketed_by_ten_seconds_and_divided_by_the_bucket_length()
    {
        const long now = 1_000_000_005_000; // 5 s into a 10 s bucket
        var series = Throughput.Compute([B(now - 1000, 50), B(now - 4000, 30), B(now - 6000, 20), B(now - 65_000, 10), B(now - 400_000, 999)],
            now, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));

        Assert.Equal(30, series.TxPerSecond.Count);
        Assert.Equal(8.0, series.TxPerSecond[^1]);   // 50 + 30 in the current bucket
        Assert.Equal(2.0, series.TxPerSecond[^2]);   // 20, 6 s ago: the previous bucket
        Assert.Equal(1.0, series.TxPerSecond[^7]);   // 10, 65 s ago
        Assert.Equal(110, series.Transactions);      // the block 400 s ago is outside the window
        Assert.Equal(4, series.Blocks);
        Assert.Equal(now - 5000, series.BucketStarts[^1]);
        Assert.All(series.BucketStarts.Zip(series.BucketStarts.Skip(1)), p => Assert.Equal(10_000, p.Second - p.First));
    }

    [Fact]
    public void No_blocks_in_the_window_gives_zero_blocks()
    {
        var series = Throughput.Compute([B(0, 5)], 10_000_000, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));
        Assert.Equal(0, series.Blocks);
        Assert.All(series.TxPerSecond, v => Assert.Equal(0, v));
    }
}
