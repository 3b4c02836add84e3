using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Metering;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>The demo metering data commits through a real ledger and reads back the way the portal shows it.</summary>
public sealed class MeteringSeedTests
{
    [Fact]
    public void The_demo_records_a_week_of_readings_for_every_meter_and_two_restored_outages()
    {
        var keys = new System.Collections.Concurrent.ConcurrentDictionary<string, ConsortiumPortal.Chain.Crypto.Sm2KeyPair>();
        ConsortiumPortal.Chain.Crypto.Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => ConsortiumPortal.Chain.Crypto.Sm2.Generate());
        var genesisTime = TestChain.GenesisTime;
        var consortium = new DemoConsortium(KeyFor, new ConsortiumPortal.Chain.Membership.ConsortiumNode("node-1", "grid-east", "", "127.0.0.1:1", "http://127.0.0.1:2"), genesisTime);
        using var chain = new TestChain(consortium.Genesis, KeyFor, "node-1");
        chain.CommitDemo(consortium, KeyFor);

        var state = chain.Ledger.Store;
        var from = MeteringSeed.FirstDay(genesisTime);
        var to = from + MeteringSeed.Days * MeteringState.DayMs;
        // Every demo meter, and the one the demand-response history registers for itself.
        Assert.Equal(MeteringSeed.Meters.Select(m => m.MeterId).Append(Seed.DemandResponse.DemandResponseSeed.HistoryMeter.MeterId).Order(StringComparer.Ordinal),
            MeteringState.Meters(state).Select(m => m.MeterId).Order(StringComparer.Ordinal));
        foreach (var meter in MeteringSeed.Meters)
        {
            var readings = MeteringState.Readings(state, meter.MeterId, from, to);
            Assert.Equal(MeteringSeed.Days * MeteringState.IntervalsPerDay, readings.Count);
            Assert.All(readings, r => Assert.InRange(r.Wh, 0, meter.CapacityW / 4));
        }
        // Later applications' seeds record outages of their own (insurance); these are the metering seed's two.
        var ids = MeteringSeed.Outages(genesisTime).Select(o => o.OutageId).ToHashSet();
        var outages = MeteringState.Outages(state).Where(o => ids.Contains(o.OutageId)).ToList();
        Assert.Equal(2, outages.Count);
        Assert.All(outages, o => { Assert.NotNull(o.End); Assert.False(o.Planned); Assert.NotEmpty(o.MeterIds); });
        var typhoon = outages.Single(o => o.FeederId == "JS-F01");
        Assert.Equal(["M-RES-01", "M-WIND-01", "M-WIND-02"], typhoon.MeterIds);
        Assert.All(MeteringState.Readings(state, "M-WIND-01", typhoon.Start, typhoon.End!.Value), r => Assert.Equal(0, r.Wh));
        Assert.Contains(MeteringState.Readings(state, "M-SOLAR-01", from, to), r => r.Wh > 0);
    }
}
