using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Metering;

namespace ConsortiumPortal.Tests.Metering;

/// <summary>The readings CSV parser (row by row, with line numbers) and how valid rows are packed into transactions.</summary>
public sealed class ReadingsCsvTests
{
    [Fact]
    public void Columns_may_come_in_any_order_with_quotes_a_bom_comments_and_extra_columns()
    {
        var parsed = ReadingsCsv.Parse("\uFEFFWh,Note,Meter_ID,Interval_Start\n# exported 2026-11-30\n\n120,\"night, calm\",M-1,2026-11-29T00:15:00+08:00\n\"7\",x,\"M-2\",1764374400000\n");
        Assert.Empty(parsed.Rejected);
        Assert.Equal(2, parsed.Rows.Count);
        Assert.Equal(new ReadingRow(4, "M-1", new DateTimeOffset(2026, 11, 28, 16, 15, 0, TimeSpan.Zero), 120), parsed.Rows[0]);
        Assert.Equal(5, parsed.Rows[1].Line);
        Assert.Equal(1_764_374_400_000, parsed.Rows[1].IntervalStart!.Value.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("M-1,2026-11-29T00:15:00,1", "not an ISO 8601 time with an offset")]   // a local time would mean different instants
    [InlineData("M-1,29/11/2026,1", "not an ISO 8601 time")]
    [InlineData("M-1,2026-11-29T00:15:00Z,1.5", "not a whole number")]
    [InlineData("M-1,2026-11-29T00:15:00Z,1 000", "not a whole number")]
    [InlineData("M-1,2026-11-29T00:15:00Z", "expected 3 fields, found 2")]
    [InlineData("M-1,2026-11-29T00:15:00Z,1,extra", "expected 3 fields, found 4")]
    [InlineData(",2026-11-29T00:15:00Z,1", "meter id is empty")]
    [InlineData("\"M-1,2026-11-29T00:15:00Z,1", "unbalanced quotes")]
    public void A_malformed_line_is_rejected_with_its_line_number_and_reason(string line, string reason)
    {
        var parsed = ReadingsCsv.Parse($"meter_id,interval_start,wh\nM-0,2026-11-29T00:00:00Z,5\n{line}\n");
        var rejected = Assert.Single(parsed.Rejected);
        Assert.Equal(3, rejected.Line);
        Assert.Contains(reason, rejected.Reason);
        Assert.Single(parsed.Rows);
    }

    [Fact]
    public void A_file_without_the_header_is_refused_as_a_whole()
    {
        Assert.Contains("header meter_id,interval_start,wh", Assert.Throws<MeteringRequestException>(() => ReadingsCsv.Parse("M-1,2026-11-29T00:00:00Z,5\n")).Message);
        Assert.Contains("empty", Assert.Throws<MeteringRequestException>(() => ReadingsCsv.Parse("\n# nothing\n")).Message);
    }

    [Fact]
    public void What_write_produces_parses_back_the_same()
    {
        var readings = Enumerable.Range(0, 5).Select(i => ("M-9", DateTimeOffset.FromUnixTimeMilliseconds(1_764_374_400_000 + i * MeteringState.IntervalMs), (long)i * 1000)).ToList();
        var parsed = ReadingsCsv.Parse(ReadingsCsv.Write(readings));
        Assert.Empty(parsed.Rejected);
        Assert.Equal(readings, parsed.Rows.Select(r => (r.MeterId!, r.IntervalStart!.Value, r.Wh!.Value)));
    }

    [Fact]
    public void Consecutive_intervals_become_one_series_and_gaps_start_a_new_one()
    {
        const long t = 1_764_374_400_000, q = MeteringState.IntervalMs;
        var series = ReadingBatcher.ToSeries([("B", t, 1), ("A", t + q, 2), ("A", t, 1), ("A", t + 3 * q, 4), ("B", t + q, 2)]);
        Assert.Equal([("A", t, 2), ("A", t + 3 * q, 1), ("B", t, 2)], series.Select(s => (s.MeterId, s.Start, s.Wh.Count)));
        Assert.Equal([1L, 2], series[0].Wh);
    }

    [Fact]
    public void Batches_stay_inside_a_transaction_and_keep_every_reading_once()
    {
        const long t = 1_764_374_400_000, q = MeteringState.IntervalMs;
        // 300 meters x a week of 8-digit values: far more than one transaction holds.
        var readings = Enumerable.Range(0, 300).SelectMany(m => Enumerable.Range(0, 672).Select(i => ($"M-{m:D4}", t + i * q, 10_000_000L + i))).ToList();
        var batches = ReadingBatcher.ToBatches(ReadingBatcher.ToSeries(readings));
        Assert.True(batches.Count > 1);
        var builder = new TxBuilder("chain", "grid-east", Sm2.Generate());
        foreach (var batch in batches)
        {
            Assert.InRange(batch.Series.Sum(s => s.Wh.Count), 1, MeteringContract.MaxReadingsPerBatch);
            var tx = builder.Build(MeteringContract.ContractName, "recordReadings", batch, 1);
            Assert.True(tx.BodyBytes.Length < SignedTransaction.MaxBodyBytes, $"a batch's transaction body is {tx.BodyBytes.Length} bytes");
        }
        var unpacked = batches.SelectMany(b => b.Series).SelectMany(s => s.Wh.Select((wh, i) => (s.MeterId, s.Start + i * q, wh))).ToList();
        Assert.Equal(readings.OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2), unpacked);
    }
}
