using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Tests.Metering;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.DemandResponse;
using ConsortiumPortal.Seed.Metering;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

/// <summary>The demo's demand response commits through a real ledger, and its Jiangsu event settles once its readings arrive.</summary>
public sealed class DemandResponseSeedTests
{
    [Fact]
    public void The_demo_programmes_and_events_commit_and_the_steel_works_is_paid_for_its_reduction()
    {
        var keys = new System.Collections.Concurrent.ConcurrentDictionary<string, Sm2KeyPair>();
        Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        var genesisTime = TestChain.GenesisTime;
        var consortium = new DemoConsortium(KeyFor, new Chain.Membership.ConsortiumNode("node-1", "grid-east", "", "127.0.0.1:1", "http://127.0.0.1:2"), genesisTime);
        using var chain = new TestChain(consortium.Genesis, KeyFor, "node-1");
        chain.CommitDemo(consortium, KeyFor);

        var js = DemandResponseSeed.EventId(genesisTime, "JS");
        Assert.Equal(DrEventStatus.Published, chain.Event(js).Status);
        Assert.Equal(1, chain.Event(js).Participants);
        Assert.Equal(1, chain.Event(DemandResponseSeed.EventId(genesisTime, "ZJ")).Participants);
        Assert.Equal(DrEventStatus.Cancelled, chain.Event(DemandResponseSeed.EventId(genesisTime, "X")).Status);

        // The day after: the steel works' genesis day and event day are recorded, halving its load during the event.
        var ev = chain.Event(js);
        var day = Baselines.DayStartOf(genesisTime);
        chain.Now = ev.End + Baselines.DayMs;
        var simulator = new MeterSimulator(MeteringSeed.SimulatorSeed);
        foreach (var meter in MeteringSeed.Meters.Where(m => m.OrganisationId == "steel-works"))
        {
            var wh = simulator.Readings(meter.Simulated, day, ev.End, []).Select(r => r.Start >= ev.Start ? r.Wh / 2 : r.Wh).ToArray();
            TestChain.AssertOk(chain.CommitOne(chain.Readings("grid-east/operator", new MeteringContract.ReadingSeries(meter.MeterId, day, wh))));
        }
        var before = chain.Balance("steel-works");
        TestChain.AssertOk(chain.CommitOne(chain.Settle("grid-east/operator", js)));
        var result = chain.Result(js, "steel-works")!;
        Assert.Equal(DrEventStatus.Settled, chain.Event(js).Status);
        Assert.All(result.Meters, m => Assert.NotEmpty(m.DaysUsed));                   // the seeded week is the baseline
        Assert.True(result.IncentiveFen > 0, "the halved load earns an incentive");
        Assert.Equal(before + result.IncentiveFen - result.PenaltyCollectedFen, chain.Balance("steel-works"));
    }

    [Fact]
    public void The_demo_history_has_two_settled_past_events_with_payouts_and_reports_and_block_time_never_goes_back()
    {
        var keys = new System.Collections.Concurrent.ConcurrentDictionary<string, Sm2KeyPair>();
        Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        var now = TestChain.GenesisTime + 13 * Baselines.HourMs + 7;   // the seeding moment: an afternoon
        var consortium = new DemoConsortium(KeyFor, new Chain.Membership.ConsortiumNode("node-1", "grid-east", "", "127.0.0.1:1", "http://127.0.0.1:2"), now);
        Assert.Equal(now - DemoConsortium.HistoryMs, consortium.Genesis.Timestamp);
        Assert.Equal(now, DemoConsortium.SeedingTimeOf(consortium.Genesis.Timestamp));
        using var chain = new TestChain(consortium.Genesis, KeyFor, "node-1");
        var waves = consortium.Waves(KeyFor, chain.Ledger.Height);
        foreach (var wave in waves)
            Assert.All(chain.CommitWave(consortium, wave), TestChain.AssertOk);

        // Block time never goes back, the dated waves carry their dates, and everything undated is at or after the seeding moment.
        var stamps = Enumerable.Range(0, (int)chain.Ledger.Height + 1).Select(h => chain.Ledger.Store.GetBlockHeader(h)!.Header.Timestamp).ToList();
        Assert.Equal(stamps.Order(), stamps);
        Assert.Equal(consortium.Genesis.Timestamp, stamps[0]);
        Assert.Equal(waves.Where(w => w.At is not null).Select(w => w.At!.Value), stamps.Skip(1).Take(waves.Count(w => w.At is not null)));
        Assert.All(stamps.Skip(1 + waves.Count(w => w.At is not null)), t => Assert.True(t > now));

        var (peakId, peakStart, _) = DemandResponseSeed.PastPeakEvent(now);
        var (fastId, _, _) = DemandResponseSeed.PastFastEvent(now);
        var peak = chain.Event(peakId);
        var fast = chain.Event(fastId);
        Assert.Equal((DrEventStatus.Settled, 1, 1), (peak.Status, peak.Participants, peak.Settled));
        Assert.Equal((DrEventStatus.Settled, 1, 1), (fast.Status, fast.Participants, fast.Settled));
        Assert.Equal(DemandResponseSeed.PeakProgram, peak.ProgramId);
        Assert.Equal(DemandResponseSeed.FastProgram, fast.ProgramId);

        // Full delivery in the peak event: the whole commitment is credited, no penalty.
        var peakResult = chain.Result(peakId, "data-park")!;
        Assert.Equal(1000, peakResult.PerformancePermille);
        Assert.Equal(DemandResponseSeed.HistoryCommittedW / 4 * peak.Intervals, peakResult.CreditedWh);
        Assert.Equal(peakResult.CreditedWh * 300 / 1000, peakResult.IncentiveFen);
        Assert.Equal(0, peakResult.PenaltyFen);
        Assert.Equal(peakResult.IncentiveFen, peak.IncentiveFen);
        Assert.Equal(Baselines.DayStartOf(peakStart) + Baselines.DayMs + 2 * Baselines.HourMs, peakResult.SettledAt);
        // About 40 % in the fast event: below the programme's 70 % minimum, so a penalty is collected.
        var fastResult = chain.Result(fastId, "data-park")!;
        Assert.InRange(fastResult.PerformancePermille, 1, 699);
        Assert.True(fastResult.IncentiveFen > 0 && fastResult.PenaltyFen > 0 && fastResult.PenaltyCollectedFen == fastResult.PenaltyFen);
        Assert.Equal(fastResult.PenaltyCollectedFen, fast.PenaltyFen);

        // The reports: per-interval baseline and actual of the meter, from recorded days; the peak day is not in the fast
        // event's baseline (a prior event day of the meter).
        foreach (var (ev, result) in new[] { (peak, peakResult), (fast, fastResult) })
        {
            var meter = Assert.Single(result.Meters);
            Assert.Equal(DemandResponseSeed.HistoryMeter.MeterId, meter.MeterId);
            Assert.Equal(ev.Intervals, result.BaselineWh.Count);
            Assert.Equal(ev.Intervals, result.ActualWh.Count);
            Assert.NotEmpty(meter.DaysUsed);
        }
        Assert.DoesNotContain(Baselines.DayStartOf(peakStart), fastResult.Meters[0].DaysUsed);

        // The upcoming event is still open.
        var upcoming = chain.Event(DemandResponseSeed.EventId(now, "JS"));
        Assert.Equal((DrEventStatus.Published, 0), (upcoming.Status, upcoming.Settled));
        Assert.Null(chain.Result(upcoming.EventId, "steel-works"));
        Assert.True(upcoming.Start > now);
    }
}
