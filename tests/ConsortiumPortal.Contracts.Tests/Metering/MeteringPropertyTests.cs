using ConsortiumPortal.Contracts.Metering;
using CsCheck;
using static ConsortiumPortal.Contracts.Tests.Metering.MeteringTestChain;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>
/// Random batches (several meters, overlapping runs of intervals, values up to capacity) submitted twice, the second
/// time in the same or a later block and possibly split differently: every interval is recorded exactly once with
/// the value first submitted, and the resubmission records nothing and reports every reading as already recorded.
/// Random corrections after that: the reading holds the last corrected value and its original, and the correction
/// history chains from the original to the current value.
/// </summary>
public sealed class MeteringPropertyTests
{
    private static readonly string[] MeterIds = ["M-A", "M-B", "M-C"];
    private const long CapacityW = 40_000; // 10,000 Wh per interval

    /// <summary>A run of readings: which meter, which interval of the test day it starts at, its values.</summary>
    public sealed record Run(int Meter, int Slot, long[] Wh);

    public sealed record Correction(int Meter, int Pick, long Wh);

    private static readonly Gen<Run> OneRun =
        Gen.Select(Gen.Int[0, MeterIds.Length - 1], Gen.Int[0, 90], Gen.Long[0, CapacityW / 4].Array[1, 6], (m, s, wh) => new Run(m, s, wh));

    private static readonly Gen<Correction> OneCorrection =
        Gen.Select(Gen.Int[0, MeterIds.Length - 1], Gen.Int[0, 1000], Gen.Long[0, CapacityW / 4], (m, p, wh) => new Correction(m, p, wh));

    [Fact]
    public void The_same_batch_twice_records_each_interval_once_and_corrections_keep_history()
    {
        Gen.Select(OneRun.Array[1, 8], Gen.Bool, Gen.Bool, OneCorrection.Array[0, 6])
            .Sample((runs, sameBlock, reverse, corrections) => Check(runs, sameBlock, reverse, corrections), iter: 25, threads: 1);
    }

    private static void Check(Run[] runs, bool sameBlock, bool reverse, Correction[] corrections)
    {
        using var chain = Create();
        foreach (var meter in MeterIds) chain.RegisterOk(EastReader, meter, capacityW: CapacityW);

        // A batch must not name an interval twice: keep the first value of each interval, as the API does.
        var expected = new SortedDictionary<(string, long), long>();
        foreach (var run in runs)
            for (var i = 0; i < run.Wh.Length; i++)
                expected.TryAdd((MeterIds[run.Meter], Day + (run.Slot + i) * Q), run.Wh[i]);
        var batch = expected.Select(e => Series(e.Key.Item1, e.Key.Item2, e.Value)).ToArray();
        var resubmitted = reverse ? batch.Reverse().ToArray() : batch;

        var first = chain.Readings(EastReader, batch);
        var second = chain.Readings(EastReader, resubmitted);
        var results = sameBlock ? chain.Commit(first, second) : [chain.CommitOne(first), chain.CommitOne(second)];
        Assert.All(results, TestChain.AssertOk);
        Assert.Equal(expected.Count, results[0].Long("recorded"));
        Assert.Equal(0, results[1].Long("recorded"));
        Assert.Equal(expected.Count, results[1].Long("alreadyRecorded"));
        Assert.Empty(results[1].Events);
        Assert.Equal(expected.Count, chain.ReadingRows());
        var stored = MeterIds.SelectMany(m => chain.ReadingsOf(m)).ToDictionary(r => (r.MeterId, r.IntervalStart), r => r.Wh);
        Assert.Equal(expected, new SortedDictionary<(string, long), long>(stored));

        // Corrections: the current value follows them, the original stays, the history chains.
        var current = new Dictionary<(string, long), long>(expected);
        var keys = expected.Keys.ToArray();
        var counts = new Dictionary<(string, long), int>();
        foreach (var c in corrections)
        {
            var key = keys[c.Pick % keys.Length];
            var tx = chain.Correct(EastReader, key.Item1, key.Item2, c.Wh, $"correction {c.Pick}");
            if (current[key] == c.Wh) { chain.Refuse(tx, "already reads"); continue; }
            TestChain.AssertOk(chain.CommitOne(tx));
            current[key] = c.Wh;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        foreach (var key in keys)
        {
            var reading = MeteringState.Reading(chain.Ledger.Store, key.Item1, key.Item2)!;
            Assert.Equal(current[key], reading.Wh);
            var history = MeteringState.Corrections(chain.Ledger.Store, key.Item1, key.Item2);
            Assert.Equal(counts.GetValueOrDefault(key), history.Count);
            Assert.Equal(counts.GetValueOrDefault(key), reading.Corrections);
            if (history.Count == 0) { Assert.Null(reading.OriginalWh); continue; }
            Assert.Equal(expected[key], reading.OriginalWh);
            Assert.Equal(expected[key], history[0].PreviousWh);
            for (var i = 1; i < history.Count; i++) Assert.Equal(history[i - 1].CorrectedWh, history[i].PreviousWh);
            Assert.Equal(current[key], history[^1].CorrectedWh);
        }

        // After corrections, the original batch is still harmless and the corrections stand.
        var third = chain.CommitOne(chain.Readings(EastReader, batch));
        TestChain.AssertOk(third);
        Assert.Equal(0, third.Long("recorded"));
        Assert.Equal(expected.Count, chain.ReadingRows());
        foreach (var key in keys) Assert.Equal(current[key], MeteringState.Reading(chain.Ledger.Store, key.Item1, key.Item2)!.Wh);
    }
}
