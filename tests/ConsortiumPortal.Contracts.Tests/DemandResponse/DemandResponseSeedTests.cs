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
        foreach (var wave in consortium.Waves(KeyFor, chain.Ledger.Height))
            Assert.All(chain.CommitWave(consortium, wave), TestChain.AssertOk);

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
}
