using ConsortiumPortal.Contracts.Metering;
using static ConsortiumPortal.Contracts.Tests.Metering.MeteringTestChain;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>Who may write metering data and which readings are refused; every refusal leaves state unchanged.</summary>
public sealed class MeteringRulesTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public MeteringRulesTests()
    {
        _chain.RegisterOk(EastReader, "M-WIND-1", capacityW: 4_000_000);            // 1,000,000 Wh per interval
        _chain.RegisterOk(EastReader, "M-LOAD-1", "consumer-one", MeterTypes.Consumption, null, 400_000, "F-2");
        _chain.RegisterOk(WestReader, "M-WEST-1", "consumer-one", MeterTypes.Consumption, null, 400_000, "F-9");
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void A_meter_records_the_grid_company_that_registered_it()
    {
        var meter = MeteringState.GetMeter(_chain.Ledger.Store, "M-WIND-1")!;
        Assert.Equal("gen-one", meter.OrganisationId);
        Assert.Equal("grid-east", meter.GridCompanyId);
        Assert.Equal(1_000_000, meter.MaxIntervalWh);
        Assert.Equal(["M-WIND-1"], MeteringState.FeederMeterIds(_chain.Ledger.Store, "F-1"));
    }

    [Fact]
    public void Only_a_grid_company_person_registers_meters()
    {
        _chain.Refuse(_chain.Register(GeneratorOps, "M-X"), "only a GridCompany may do this");
        _chain.Refuse(_chain.Register(EastAdminOnly, "M-X"), "only a GridCompany may do this");
        _chain.Refuse(_chain.Register(RegulatorAuditor, "M-X"), "only a GridCompany may do this");
    }

    [Fact]
    public void Registration_checks_its_fields()
    {
        _chain.Refuse(_chain.Register(EastReader, "M-WIND-1"), "already registered");
        _chain.Refuse(_chain.Register(EastReader, "M-X", organisation: "ghost-org"), "not a member");
        _chain.Refuse(_chain.Register(EastReader, "M-X", type: "storage"), "type must be");
        _chain.Refuse(_chain.Register(EastReader, "M-X", technology: null), "needs a technology");
        _chain.Refuse(_chain.Register(EastReader, "M-X", technology: "nuclear-fusion"), "needs a technology");
        _chain.Refuse(_chain.Register(EastReader, "M-X", type: MeterTypes.Consumption, technology: MeterTechnologies.Solar), "no generation technology");
        _chain.Refuse(_chain.Register(EastReader, "M-X", capacityW: 0), "capacity");
        _chain.Refuse(_chain.Register(EastReader, "bad/id"), "meter id");
        _chain.Refuse(_chain.Register(EastReader, "M-X", feeder: ""), "feeder id");
        _chain.Refuse(_chain.Register(EastReader, "M-X", province: " "), "province");
    }

    [Fact]
    public void Readings_are_recorded_and_announced()
    {
        var result = _chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10, 20, 30), Series("M-LOAD-1", Day + Q, 5)));
        TestChain.AssertOk(result);
        Assert.Equal(4, result.Long("recorded"));
        var recorded = Assert.Single(result.Events);
        Assert.Equal("ReadingsRecorded", recorded.Name);
        Assert.Equal(["M-LOAD-1", "M-WIND-1"], recorded.Data.GetProperty("meterIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Day, recorded.Data.GetProperty("from").GetInt64());
        Assert.Equal(Day + 3 * Q, recorded.Data.GetProperty("to").GetInt64());
        Assert.Equal(4, recorded.Data.GetProperty("count").GetInt64());
        Assert.Equal([10L, 20, 30], _chain.ReadingsOf("M-WIND-1").Select(r => r.Wh));
        Assert.Equal([Day, Day + Q, Day + 2 * Q], _chain.ReadingsOf("M-WIND-1").Select(r => r.IntervalStart));
    }

    [Fact]
    public void A_reading_above_capacity_refuses_the_whole_batch()
    {
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10, 1_000_001)), "exceeds its capacity of 1000000 Wh");
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 1_000_000))));
        _chain.Refuse(_chain.Readings(EastReader, Series("M-LOAD-1", Day, -1)), "cannot be negative");
    }

    [Fact]
    public void A_reading_for_a_meter_served_by_another_grid_company_is_refused()
    {
        _chain.Refuse(_chain.Readings(WestReader, Series("M-WIND-1", Day, 10)), "served by grid-east, not grid-west");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10), Series("M-WEST-1", Day, 10)), "served by grid-west, not grid-east");
    }

    [Fact]
    public void Meter_owners_and_other_roles_cannot_write_readings()
    {
        // The generator owns M-WIND-1 but does not meter it: the grid company does.
        _chain.Refuse(_chain.Readings(GeneratorOps, Series("M-WIND-1", Day, 10)), "only a GridCompany may do this");
        _chain.Refuse(_chain.Readings("gen-one", Series("M-WIND-1", Day, 10)), "only a GridCompany may do this");
        _chain.Refuse(_chain.Readings(EastAdminOnly, Series("M-WIND-1", Day, 10)), "only a GridCompany may do this");
        _chain.Refuse(_chain.Readings(RegulatorAuditor, Series("M-WIND-1", Day, 10)), "only a GridCompany may do this");
    }

    [Fact]
    public void Misaligned_unknown_future_and_empty_readings_are_refused()
    {
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day + 60_000, 10)), "not on a 15-minute boundary");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-NOPE", Day, 10)), "meter M-NOPE is not registered");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", TestChain.GenesisTime + MeteringState.DayMs, 10)), "has not ended yet");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", 0, 10)), "out of range");
        _chain.Refuse(_chain.Readings(EastReader), "at least one reading");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day)), "1..10000 readings");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day, new long[10_001])), "1..10000 readings");
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day, 1, 2), Series("M-WIND-1", Day + Q, 2)), "appears twice in the batch");
    }

    [Fact]
    public void A_different_value_for_a_recorded_interval_needs_a_correction()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10, 20))));
        _chain.Refuse(_chain.Readings(EastReader, Series("M-WIND-1", Day + Q, 21)), "already recorded as 20 Wh; change it with a correction");

        var again = _chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10, 20, 30)));
        TestChain.AssertOk(again);
        Assert.Equal(1, again.Long("recorded"));
        Assert.Equal(2, again.Long("alreadyRecorded"));
        Assert.Equal([10L, 20, 30], _chain.ReadingsOf("M-WIND-1").Select(r => r.Wh));
    }

    [Fact]
    public void A_batch_of_only_known_readings_changes_nothing_and_announces_nothing()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10, 20))));
        var before = _chain.State();
        var again = _chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10, 20)));
        TestChain.AssertOk(again);
        Assert.Empty(again.Events);
        Assert.Equal(0, again.Long("recorded"));
        Assert.Equal(before, _chain.State());
    }

    [Fact]
    public void A_correction_keeps_the_original_and_every_step()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10))));
        var first = _chain.CommitOne(_chain.Correct(EastReader, "M-WIND-1", Day, 12, "CT ratio was wrong"));
        TestChain.AssertOk(first);
        var corrected = Assert.Single(first.Events);
        Assert.Equal("ReadingCorrected", corrected.Name);
        Assert.Equal(10, corrected.Data.GetProperty("previousWh").GetInt64());
        Assert.Equal(12, corrected.Data.GetProperty("correctedWh").GetInt64());
        Assert.Equal("CT ratio was wrong", corrected.Data.GetProperty("reason").GetString());
        TestChain.AssertOk(_chain.CommitOne(_chain.Correct(EastReader, "M-WIND-1", Day, 11, "second look")));

        var reading = MeteringState.Reading(_chain.Ledger.Store, "M-WIND-1", Day)!;
        Assert.Equal((11L, 10L, 2), (reading.Wh, reading.OriginalWh!.Value, reading.Corrections));
        var history = MeteringState.Corrections(_chain.Ledger.Store, "M-WIND-1", Day);
        Assert.Equal([(10L, 12L), (12L, 11L)], history.Select(c => (c.PreviousWh, c.CorrectedWh)));
        Assert.All(history, c => Assert.Equal(EastReader, c.CorrectedBy));

        // Resubmitting the original batch is still harmless: the original value counts as already recorded.
        var again = _chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10)));
        TestChain.AssertOk(again);
        Assert.Equal(1, again.Long("alreadyRecorded"));
        Assert.Equal(11, MeteringState.Reading(_chain.Ledger.Store, "M-WIND-1", Day)!.Wh);
    }

    [Fact]
    public void Corrections_are_checked_like_readings()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, 10))));
        _chain.Refuse(_chain.Correct(EastReader, "M-WIND-1", Day, 12, ""), "correction reason");
        _chain.Refuse(_chain.Correct(EastReader, "M-WIND-1", Day + Q, 12), "no reading for");
        _chain.Refuse(_chain.Correct(EastReader, "M-WIND-1", Day, 1_000_001), "exceeds its capacity");
        _chain.Refuse(_chain.Correct(EastReader, "M-WIND-1", Day, 10), "already reads 10 Wh");
        _chain.Refuse(_chain.Correct(WestReader, "M-WIND-1", Day, 12), "served by grid-east");
        _chain.Refuse(_chain.Correct(GeneratorOps, "M-WIND-1", Day, 12), "only a GridCompany");
        _chain.Refuse(_chain.Correct(EastReader, "M-WIND-1", Day + 1, 12), "15-minute boundary");
    }

    [Fact]
    public void A_feeder_outage_names_its_meters_and_is_restored_once()
    {
        _chain.RegisterOk(EastReader, "M-WIND-2", feeder: "F-1");
        var started = _chain.CommitOne(_chain.StartOutage(EastReader, "OUT-1", null, "F-1", Day + Q));
        TestChain.AssertOk(started);
        var startedEvent = Assert.Single(started.Events);
        Assert.Equal("OutageStarted", startedEvent.Name);
        Assert.Equal("F-1", startedEvent.Data.GetProperty("feederId").GetString());
        Assert.Equal(["M-WIND-1", "M-WIND-2"], startedEvent.Data.GetProperty("meterIds").EnumerateArray().Select(e => e.GetString()));
        Assert.False(startedEvent.Data.GetProperty("planned").GetBoolean());

        _chain.Refuse(_chain.Restore(WestReader, "OUT-1", Day + 2 * Q), "only it may restore it");
        _chain.Refuse(_chain.Restore(EastReader, "OUT-1", Day), "after the outage started");
        _chain.Refuse(_chain.Restore(EastReader, "OUT-1", TestChain.GenesisTime + MeteringState.DayMs), "cannot be in the future");
        var restored = _chain.CommitOne(_chain.Restore(EastReader, "OUT-1", Day + 5 * Q));
        TestChain.AssertOk(restored);
        Assert.Equal("OutageRestored", Assert.Single(restored.Events).Name);
        Assert.Equal(Day + 5 * Q, MeteringState.GetOutage(_chain.Ledger.Store, "OUT-1")!.End);
        _chain.Refuse(_chain.Restore(EastReader, "OUT-1", Day + 6 * Q), "already restored");
    }

    [Fact]
    public void Outages_are_refused_for_others_meters_and_bad_input()
    {
        _chain.Refuse(_chain.StartOutage(WestReader, "OUT-2", ["M-WIND-1"], null, Day), "served by grid-east");
        _chain.Refuse(_chain.StartOutage(WestReader, "OUT-2", null, "F-1", Day), "served by grid-east");
        _chain.Refuse(_chain.StartOutage(GeneratorOps, "OUT-2", ["M-WIND-1"], null, Day), "only a GridCompany");
        _chain.Refuse(_chain.StartOutage(EastReader, "OUT-2", ["M-WIND-1"], "F-1", Day), "not both");
        _chain.Refuse(_chain.StartOutage(EastReader, "OUT-2", null, null, Day), "not both");
        _chain.Refuse(_chain.StartOutage(EastReader, "OUT-2", null, "F-EMPTY", Day), "no registered meters");
        _chain.Refuse(_chain.StartOutage(EastReader, "OUT-2", ["M-WIND-1", "M-WIND-1"], null, Day), "each meter once");
        _chain.Refuse(_chain.StartOutage(EastReader, "OUT-2", ["M-WIND-1"], null, TestChain.GenesisTime + MeteringState.DayMs), "cannot start in the future");
        _chain.Refuse(_chain.Restore(EastReader, "OUT-404", Day), "not recorded");

        // A planned outage may be announced ahead.
        TestChain.AssertOk(_chain.CommitOne(_chain.StartOutage(EastReader, "OUT-3", ["M-LOAD-1"], null, TestChain.GenesisTime + MeteringState.DayMs, planned: true, cause: "maintenance")));
        _chain.Refuse(_chain.StartOutage(EastReader, "OUT-3", ["M-LOAD-1"], null, Day), "already recorded");
    }

    [Fact]
    public void A_both_meter_records_net_energy_either_way_within_capacity()
    {
        _chain.RegisterOk(EastReader, "M-NET-1", "consumer-one", MeterTypes.Both, MeterTechnologies.Solar, 40_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-NET-1", Day, -10_000, 10_000, 0))));
        _chain.Refuse(_chain.Readings(EastReader, Series("M-NET-1", Day + 3 * Q, -10_001)), "exceeds its capacity");
    }

    [Fact]
    public void Readings_across_days_come_back_in_time_order()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day - 2 * Q, 1, 2, 3, 4))));
        Assert.Equal([1L, 2, 3, 4], MeteringState.Readings(_chain.Ledger.Store, "M-WIND-1", Day - MeteringState.DayMs, Day + MeteringState.DayMs).Select(r => r.Wh));
        Assert.Equal([2L, 3], MeteringState.Readings(_chain.Ledger.Store, "M-WIND-1", Day - Q, Day + Q).Select(r => r.Wh));
    }
}
