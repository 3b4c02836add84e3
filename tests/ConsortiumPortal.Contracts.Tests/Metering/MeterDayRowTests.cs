using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using CsCheck;
using static ConsortiumPortal.Contracts.Tests.Metering.MeteringTestChain;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>
/// The packed meter-day rows (<see cref="MeterDay"/>, what demand-response baselines read) hold exactly what the
/// per-reading rows hold, whatever sequence of batches, resubmissions, refused batches and corrections wrote them.
/// </summary>
public sealed class MeterDayRowTests
{
    private static readonly string[] MeterIds = ["M-A", "M-B"];
    private const long CapacityW = 40_000; // 10,000 Wh per interval
    private const long FirstDay = Day - MeteringState.DayMs;
    private const int Slots = 2 * MeteringState.IntervalsPerDay; // two UTC days: runs cross midnight

    /// <summary>
    /// Kind 0-1: a run of readings from <see cref="Slot"/> (intervals already recorded are resubmitted as recorded, or
    /// with a different value when <see cref="Conflict"/>, which refuses the batch); kind 2: a correction of a recorded
    /// interval picked by <see cref="Slot"/>. <see cref="SameBlock"/> commits it in the block of the step before.
    /// </summary>
    public sealed record Step(int Kind, int Meter, int Slot, long[] Wh, bool Conflict, bool SameBlock);

    private static readonly Gen<Step> OneStep = Gen.Select(
        Gen.Int[0, 2], Gen.Int[0, MeterIds.Length - 1], Gen.Int[0, Slots - 1], Gen.Long[0, CapacityW / 4].Array[1, 12],
        Gen.Int[0, 9].Select(i => i == 0), Gen.Bool,
        (kind, meter, slot, wh, conflict, sameBlock) => new Step(kind, meter, slot, wh, conflict, sameBlock));

    [Fact]
    public void Day_rows_equal_the_reading_rows_after_random_records_and_corrections()
    {
        OneStep.Array[1, 14].Sample(Check, iter: 25, threads: 1);
    }

    private static void Check(Step[] steps)
    {
        using var chain = Create();
        foreach (var meter in MeterIds) chain.RegisterOk(EastReader, meter, capacityW: CapacityW);
        var current = new Dictionary<(int Meter, int Slot), long>();
        var original = new Dictionary<(int Meter, int Slot), long>();
        var block = new List<SignedTransaction>();
        void Flush()
        {
            if (block.Count > 0) Assert.All(chain.Commit([.. block]), TestChain.AssertOk);
            block.Clear();
        }

        foreach (var step in steps)
        {
            if (!step.SameBlock) Flush();
            if (step.Kind < 2)
            {
                var wh = step.Wh.Take(Slots - step.Slot).ToArray();
                var conflict = false;
                for (var i = 0; i < wh.Length; i++)
                {
                    if (!current.TryGetValue((step.Meter, step.Slot + i), out var recorded)) continue;
                    var first = original.GetValueOrDefault((step.Meter, step.Slot + i), recorded);
                    var other = recorded > 0 ? recorded - 1 : 1; // within capacity
                    var differs = step.Conflict && other != first;
                    conflict |= differs;
                    wh[i] = differs ? other : recorded;
                }
                var tx = chain.Readings(EastReader, Series(MeterIds[step.Meter], FirstDay + step.Slot * Q, wh));
                if (conflict) { Flush(); chain.Refuse(tx, "already recorded"); continue; }
                block.Add(tx);
                for (var i = 0; i < wh.Length; i++) current.TryAdd((step.Meter, step.Slot + i), wh[i]);
            }
            else
            {
                var recorded = current.Keys.Where(k => k.Meter == step.Meter).OrderBy(k => k.Slot).ToArray();
                if (recorded.Length == 0) continue;
                var key = recorded[step.Slot % recorded.Length];
                var value = step.Wh[0] == current[key] ? (step.Wh[0] + 1) % (CapacityW / 4) : step.Wh[0];
                block.Add(chain.Correct(EastReader, MeterIds[key.Meter], FirstDay + key.Slot * Q, value, "re-read"));
                original.TryAdd(key, current[key]);
                current[key] = value;
            }
        }
        Flush();

        var store = chain.Ledger.Store;
        foreach (var (meterId, m) in MeterIds.Select((id, m) => (id, m)))
        {
            var rows = MeteringState.Readings(store, meterId, FirstDay, Day + MeteringState.DayMs);
            var expected = current.Where(c => c.Key.Meter == m).OrderBy(c => c.Key.Slot).Select(c => c.Value).ToArray();
            Assert.Equal(expected, rows.Select(r => r.Wh).ToArray());
            Assert.Equal(rows, MeteringState.Days(store, meterId, FirstDay, Day + MeteringState.DayMs).Readings());

            // A day row exists exactly for the days with readings.
            var daysWithReadings = rows.Select(r => MeteringState.DayStartOf(r.IntervalStart)).Distinct().ToArray();
            Assert.Equal(daysWithReadings, store.Scan(MeteringState.DayPrefix + meterId + "/").Select(p => MeteringState.DayStartOfKey(p.Key)).ToArray());

            // Any sub-range, starting and ending mid-day, and the interval lookup used by baselines.
            foreach (var (from, to) in new[] { (FirstDay + 37 * Q, Day + 11 * Q), (Day + 5 * Q, Day + 90 * Q), (FirstDay, FirstDay + Q) })
            {
                var days = MeteringState.Days(store, meterId, from, to);
                Assert.Equal(MeteringState.Readings(store, meterId, from, to), days.Readings());
                for (var t = FirstDay; t < Day + MeteringState.DayMs; t += Q)
                    Assert.Equal(t >= from && t < to ? MeteringState.Reading(store, meterId, t)?.Wh : null, days.Wh(t));
            }
        }
    }

    [Fact]
    public void A_correction_rewrites_the_interval_in_its_day_row_and_keeps_the_original()
    {
        using var chain = Create();
        chain.RegisterOk(EastReader, "M-A", capacityW: CapacityW);
        TestChain.AssertOk(chain.CommitOne(chain.Readings(EastReader, Series("M-A", Day, 100, 200, 300))));
        var before = Row(chain);
        Assert.Equal("111" + new string('0', 93), before.Present);
        Assert.Equal(new long[] { 100, 200, 300 }, before.Wh.Take(3));
        Assert.Null(before.Corrected);

        TestChain.AssertOk(chain.CommitOne(chain.Correct(EastReader, "M-A", Day + Q, 250, "register re-read")));
        TestChain.AssertOk(chain.CommitOne(chain.Correct(EastReader, "M-A", Day + Q, 260, "second re-read")));
        var after = Row(chain);
        Assert.Equal(before.Present, after.Present);
        Assert.Equal(new long[] { 100, 260, 300 }, after.Wh.Take(3));
        Assert.Equal(new[] { new CorrectedSlot(1, 200, 2) }, after.Corrected!);
        var reading = MeteringState.Days(chain.Ledger.Store, "M-A", Day, Day + MeteringState.DayMs).Readings()[1];
        Assert.Equal(new IntervalReading("M-A", Day + Q, 260, 200, 2), reading);

        // Resubmitting the original value changes nothing, the day row included; a refused correction neither.
        TestChain.AssertOk(chain.CommitOne(chain.Readings(EastReader, Series("M-A", Day, 100, 200, 300))));
        chain.Refuse(chain.Correct(EastReader, "M-A", Day + Q, 260, "same"), "already reads");
        Assert.Equal(after.Wh, Row(chain).Wh);
        Assert.Equal(after.Corrected, Row(chain).Corrected);
    }

    private static MeterDay Row(TestChain chain) =>
        MeteringState.Days(chain.Ledger.Store, "M-A", Day, Day + MeteringState.DayMs).ByDay[Day];
}
