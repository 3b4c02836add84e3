using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Tests.Metering;
using static ConsortiumPortal.Contracts.Tests.DemandResponse.DemandResponseTestChain;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

/// <summary>
/// Settlement with hand-computed figures. Every meter's history is flat at 1000 Wh per interval (4 kW), so its 10-in-10
/// baseline is 1000 Wh per interval with no adjustment; the programme pays 300 fen/kWh and charges 100 fen/kWh on the
/// shortfall below 500 permille of the committed energy.
/// </summary>
public sealed class SettlementTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public void Dispose() => _chain.Dispose();

    private void PublishAndEnrolEach(params (string Signer, string Meter, long CommittedW)[] bids)
    {
        _chain.Ok(_chain.Publish(Grid, "E-1"));
        foreach (var (signer, meter, committed) in bids) _chain.Ok(_chain.Enrol(signer, "E-1", committed, meter));
        _chain.AfterEvent();
    }

    [Fact]
    public void Full_partial_and_over_delivery_are_paid_as_computed_by_hand()
    {
        // Each commits 2000 W = 500 Wh per interval, 2000 Wh over the hour; the minimum is 1000 Wh.
        PublishAndEnrolEach((Consumer1, "M-1", 2000), (Consumer2, "M-2", 2000), (Consumer3, "M-3", 2000));
        _chain.RecordDay("M-1", 1000, 500, 500, 500, 500);      // full: delivers 500 per interval
        _chain.RecordDay("M-2", 1000, 0, 0, 0, 0);              // over: delivers 1000, credited 500
        _chain.RecordDay("M-3", 1000, 800, 800, 800, 800);      // partial: delivers 200

        var settled = _chain.CommitOne(_chain.Settle(Grid, "E-1"));
        TestChain.AssertOk(settled);
        Assert.Equal(["ParticipantsSettled", "EventSettled"], settled.Events.Select(e => e.Name));

        var full = _chain.Result("E-1", "consumer-one")!;
        Assert.Equal([1000, 1000, 1000, 1000], full.BaselineWh);
        Assert.Equal([500, 500, 500, 500], full.DeliveredWh);
        Assert.Equal(2000, full.CreditedWh);
        Assert.Equal(600, full.IncentiveFen);                      // 2000 Wh x 300 fen/kWh
        Assert.Equal(0, full.PenaltyFen);
        Assert.Equal(1000, full.PerformancePermille);

        var over = _chain.Result("E-1", "consumer-two")!;
        Assert.Equal([1000, 1000, 1000, 1000], over.DeliveredWh);
        Assert.Equal(2000, over.CreditedWh);                       // capped at the commitment
        Assert.Equal(600, over.IncentiveFen);

        var partial = _chain.Result("E-1", "consumer-three")!;
        Assert.Equal(800, partial.CreditedWh);
        Assert.Equal(1000, partial.RequiredWh);
        Assert.Equal(240, partial.IncentiveFen);                   // 800 Wh x 300
        Assert.Equal(20, partial.PenaltyFen);                      // (1000 - 800) Wh x 100
        Assert.Equal(20, partial.PenaltyCollectedFen);
        Assert.Equal(400, partial.PerformancePermille);

        Assert.Equal(600, _chain.Balance("consumer-one"));
        Assert.Equal(600, _chain.Balance("consumer-two"));
        Assert.Equal(220, _chain.Balance("consumer-three"));
        Assert.Equal(GridFunds - 600 - 600 - 240 + 20, _chain.Balance("grid-east"));
        Assert.Equal(GridFunds, _chain.Total);                     // money only moved

        var ev = _chain.Event("E-1");
        Assert.Equal(DrEventStatus.Settled, ev.Status);
        Assert.Equal(3, ev.Settled);
        Assert.Equal(1440, ev.IncentiveFen);
        Assert.Equal(20, ev.PenaltyFen);
        Assert.Empty(_chain.Ledger.Store.Scan(OpenObligations.Prefix));      // settling met every enrolment's obligation
    }

    [Fact]
    public void An_aggregator_split_sums_exactly_to_its_payout_by_largest_remainder()
    {
        foreach (var (signer, meter) in new[] { (Consumer1, "M-1"), (Consumer2, "M-2"), (Consumer3, "M-3") }) _chain.Ok(_chain.Authorise(signer, meter));
        _chain.Ok(_chain.Publish(Grid, "E-1"));
        _chain.Ok(_chain.Enrol(Aggregator, "E-1", 3000, "M-1", "M-2", "M-3"));   // 750 Wh per interval, bid as one
        _chain.AfterEvent();
        _chain.RecordDay("M-1", 1000, 900, 900, 900, 900);      // 100 per interval: 400 Wh
        _chain.RecordDay("M-2", 1000, 800, 800, 800, 800);      // 200: 800 Wh
        _chain.RecordDay("M-3", 1000, 667, 667, 667, 667);      // 333: 1332 Wh
        _chain.Ok(_chain.Settle(Grid, "E-1"));

        var result = _chain.Result("E-1", "vpp")!;
        Assert.Equal(DrParticipantKinds.Aggregator, result.Kind);
        Assert.Equal([633, 633, 633, 633], result.DeliveredWh);
        Assert.Equal(2532, result.CreditedWh);
        Assert.Equal(759, result.IncentiveFen);                     // 2532 x 300 / 1000 = 759.6, floored
        // 759 x 400/2532 = 119.9, x 800/2532 = 239.8, x 1332/2532 = 399.3: floors 119 + 239 + 399 = 757, two fen to the largest remainders.
        Assert.Equal([new DrShare("consumer-one", 400, 120), new DrShare("consumer-three", 1332, 399), new DrShare("consumer-two", 800, 240)],
            result.Shares.OrderBy(s => s.OrganisationId, StringComparer.Ordinal));
        Assert.Equal(result.IncentiveFen, result.Shares.Sum(s => s.AmountFen));
        Assert.Equal(120, _chain.Balance("consumer-one"));
        Assert.Equal(240, _chain.Balance("consumer-two"));
        Assert.Equal(399, _chain.Balance("consumer-three"));
        Assert.Equal(0, _chain.Balance("vpp"));
    }

    [Fact]
    public void An_event_settled_twice_pays_once()
    {
        PublishAndEnrolEach((Consumer1, "M-1", 2000));
        _chain.RecordDay("M-1", 1000, 500, 500, 500, 500);
        _chain.Ok(_chain.Settle(Grid, "E-1"));
        var balances = _chain.Balances();
        _chain.Refuse(_chain.Settle(Grid, "E-1"), "already settled");
        _chain.Refuse(_chain.Settle(Grid, "E-1", ["consumer-one"]), "already settled");
        Assert.Equal(balances, _chain.Balances());
        Assert.Equal(600, _chain.Balance("consumer-one"));
    }

    [Fact]
    public void Settlement_in_pages_settles_each_participant_once()
    {
        PublishAndEnrolEach((Consumer1, "M-1", 2000), (Consumer2, "M-2", 2000), (Consumer3, "M-3", 2000));
        foreach (var meter in new[] { "M-1", "M-2", "M-3" }) _chain.RecordDay(meter, 1000, 500, 500, 500, 500);
        var first = _chain.CommitOne(_chain.Settle(Grid, "E-1", limit: 2));
        Assert.Equal(2, first.Long("settled"));
        Assert.Equal(1, first.Long("remaining"));
        Assert.Equal(DrEventStatus.Published, _chain.Event("E-1").Status);
        // Pages go in participant-id order: consumer-one and consumer-three came first.
        _chain.Refuse(_chain.Settle(Grid, "E-1", ["consumer-one", "consumer-three"]), "already settled");
        var last = _chain.CommitOne(_chain.Settle(Grid, "E-1", ["consumer-two"]));
        Assert.Equal(0, last.Long("remaining"));
        Assert.Equal(DrEventStatus.Settled, _chain.Event("E-1").Status);
        _chain.Refuse(_chain.Settle(Grid, "E-1"), "already settled");
        Assert.All(new[] { "consumer-one", "consumer-two", "consumer-three" }, o => Assert.Equal(600, _chain.Balance(o)));
    }

    [Fact]
    public void A_participant_waits_until_its_event_readings_are_recorded()
    {
        PublishAndEnrolEach((Consumer1, "M-1", 2000), (Consumer2, "M-2", 2000));
        _chain.RecordDay("M-1", 1000, 500, 500, 500, 500);
        var first = _chain.CommitOne(_chain.Settle(Grid, "E-1"));
        Assert.Equal(1, first.Long("settled"));
        Assert.Equal(1, first.Long("pending"));
        _chain.Refuse(_chain.Settle(Grid, "E-1"), "not all recorded yet");
        _chain.RecordDay("M-2", 1000, 500, 500, 500, 500);
        _chain.Ok(_chain.Settle(Grid, "E-1"));
        Assert.Equal(DrEventStatus.Settled, _chain.Event("E-1").Status);
    }

    [Fact]
    public void A_cancelled_event_pays_nothing_and_releases_its_participants()
    {
        _chain.Ok(_chain.Publish(Grid, "E-1"));
        _chain.Ok(_chain.Enrol(Consumer1, "E-1", 2000, "M-1"));
        Assert.Single(_chain.Ledger.Store.Scan(OpenObligations.Prefix + "consumer-one/"));
        _chain.Ok(_chain.Cancel(Grid, "E-1"));
        _chain.AfterEvent();
        _chain.RecordDay("M-1", 1000, 0, 0, 0, 0);
        var balances = _chain.Balances();
        _chain.Refuse(_chain.Settle(Grid, "E-1"), "cancelled");
        Assert.Equal(balances, _chain.Balances());
        Assert.Equal(0, _chain.Balance("consumer-one"));
        Assert.Null(_chain.Result("E-1", "consumer-one"));
        Assert.Equal(DrEventStatus.Cancelled, _chain.Event("E-1").Status);
        Assert.Empty(_chain.Ledger.Store.Scan(OpenObligations.Prefix + "consumer-one/"));
        Assert.Null(_chain.Ledger.Store.Get(DemandResponseState.MeterEventsKey("M-1")));
    }

    [Fact]
    public void A_grid_company_that_cannot_pay_settles_nothing()
    {
        using var chain = new TestChain(Organisations);
        chain.IssuePerson("grid-east", "dispatch", Chain.Execution.Roles.GridCompany);
        chain.IssuePerson("consumer-one", "energy", Chain.Execution.Roles.Consumer);
        chain.RegisterOk(Grid, "M-1", "consumer-one", ConsortiumPortal.Contracts.Metering.MeterTypes.Consumption, null, 40_000, "F-1");
        chain.Ok(chain.DefineProgram(Grid, Program));
        chain.Ok(chain.Publish(Grid, "E-1"));
        chain.Ok(chain.Enrol(Consumer1, "E-1", 2000, "M-1"));
        chain.AfterEvent();
        chain.RecordDay("M-1", 1000, 500, 500, 500, 500);
        chain.Refuse(chain.Settle(Grid, "E-1"), "grid-east cannot pay 600 fen to consumer-one");
    }

    [Fact]
    public void Prior_event_days_and_outage_days_are_left_out_of_the_baseline_on_chain()
    {
        var friday = EventDay - 3 * Baselines.DayMs;                  // 2026-01-02
        var outageDay = EventDay - 5 * Baselines.DayMs;               // 2025-12-31
        _chain.Ok(_chain.Publish(Grid, "E-FRI", friday + 10 * H, friday + 11 * H));
        _chain.Ok(_chain.Enrol(Consumer1, "E-FRI", 2000, "M-1"));
        _chain.Ok(_chain.Publish(Grid, "E-1"));
        _chain.Ok(_chain.Enrol(Consumer1, "E-1", 2000, "M-1"));
        _chain.Ok(_chain.StartOutage(Grid, "O-1", ["M-1"], null, outageDay + 3 * H, planned: true));
        _chain.AfterEvent();
        _chain.Ok(_chain.Restore(Grid, "O-1", outageDay + 5 * H));
        _chain.RecordDay("M-1", 1000, 500, 500, 500, 500);
        _chain.Ok(_chain.Settle(Grid, "E-1"));
        var days = _chain.Result("E-1", "consumer-one")!.Meters.Single().DaysUsed;
        Assert.Equal(10, days.Count);
        Assert.DoesNotContain(friday, days);
        Assert.DoesNotContain(outageDay, days);
        Assert.Equal(EventDay - 4 * Baselines.DayMs, days[0]);           // Thursday Jan 1 is the most recent used
    }
}
