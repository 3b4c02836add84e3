using ConsortiumPortal.Contracts.Insurance;
using static ConsortiumPortal.Contracts.Tests.Insurance.InsuranceTestChain;

namespace ConsortiumPortal.Contracts.Tests.Insurance;

/// <summary>What an outage pays under a policy, computed by the contract from the outage record and the meter history alone.</summary>
public sealed class PayoutFormulaTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public void Dispose() => _chain.Dispose();

    private void Product(ProductTerms terms, string id = "cover") => TestChain.AssertOk(_chain.CommitOne(_chain.Publish(Underwriter, id, terms)));

    [Fact]
    public void An_unplanned_outage_beyond_the_threshold_pays_per_hour_beyond_the_deductible_from_the_insurer_to_the_holder()
    {
        Product(Hourly(threshold: 60, deductible: 30, ratePerHour: 10_000));
        _chain.Buy("p1");
        var (insurer, holder, total) = (_chain.Balance("pic-insure"), _chain.Balance("steel-works"), _chain.Total);
        _chain.Outage("o1", G + 2 * Hour, G + 5 * Hour);

        var result = _chain.EvaluateOk("o1");

        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Paid, claim.Status);
        Assert.Equal(3 * Hour, claim.CoveredMs);
        Assert.Equal(150 * Minute, claim.ExcessMs);
        Assert.Equal(25_000, claim.AmountFen);                       // 2.5 h x 10,000 fen
        Assert.Equal(result.TxId, claim.PaidTx);
        Assert.Equal(insurer - 25_000, _chain.Balance("pic-insure"));
        Assert.Equal(holder + 25_000, _chain.Balance("steel-works"));
        Assert.Equal(total, _chain.Total);
        Assert.Contains(result.Events, e => e.Name == "ClaimPaid" && e.Data.GetProperty("amountFen").GetInt64() == 25_000);
        Assert.Equal(25_000, _chain.PolicyOf("p1").PaidFen);
    }

    [Fact]
    public void An_outage_not_longer_than_the_threshold_is_declined_with_the_reason()
    {
        Product(Hourly(threshold: 60));
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 2 * Hour + 60 * Minute);
        _chain.EvaluateOk("o1");
        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Declined, claim.Status);
        Assert.Contains("lasted 60 min; the trigger needs more than 60 min", claim.Reason);
        Assert.Equal(0, claim.AmountFen);
    }

    [Fact]
    public void Covered_time_within_the_deductible_pays_nothing()
    {
        Product(Hourly(threshold: 60, deductible: 90));
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 2 * Hour + 80 * Minute);
        _chain.EvaluateOk("o1");
        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Declined, claim.Status);
        Assert.Contains("within the deductible of 90 min", claim.Reason);
    }

    [Fact]
    public void The_per_event_cap_limits_one_outage_and_the_period_cap_limits_the_policy()
    {
        Product(Hourly(threshold: 0, deductible: 0, ratePerHour: 10_000, eventCap: 50_000, periodCap: 80_000));
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 12 * Hour);          // 10 h = 100,000 fen, capped at 50,000
        _chain.EvaluateOk("o1");
        _chain.Outage("o2", G + Day, G + Day + 10 * Hour);          // 50,000 more would pass the period cap: 30,000
        _chain.EvaluateOk("o2");
        _chain.Outage("o3", G + 2 * Day, G + 2 * Day + 10 * Hour);  // nothing left
        _chain.EvaluateOk("o3");

        Assert.Equal(50_000, _chain.ClaimOf("p1", "o1")!.AmountFen);
        Assert.Equal(30_000, _chain.ClaimOf("p1", "o2")!.AmountFen);
        Assert.Equal(ClaimStatuses.Paid, _chain.ClaimOf("p1", "o2")!.Status);
        var third = _chain.ClaimOf("p1", "o3")!;
        Assert.Equal(ClaimStatuses.Declined, third.Status);
        Assert.Contains("period cap is used up", third.Reason);
        Assert.Equal(80_000, _chain.PolicyOf("p1").PaidFen);
    }

    [Fact]
    public void A_planned_outage_is_excluded()
    {
        Product(Hourly());
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 8 * Hour, planned: true);
        _chain.EvaluateOk("o1");
        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Declined, claim.Status);
        Assert.Contains("planned outage", claim.Reason);
    }

    [Fact]
    public void An_outage_spanning_the_policy_end_pays_for_the_covered_part_only_and_one_before_cover_is_not_insured()
    {
        Product(Hourly(threshold: 60, deductible: 30, ratePerHour: 10_000));
        _chain.Buy("p1", start: G + Hour, end: G + Day + Hour);
        _chain.Outage("before", G + 30 * Minute, G + 4 * Hour);        // began before cover: no claim at all
        _chain.Outage("o1", G + Day, G + Day + 3 * Hour);               // 1 h inside the period, 2 h after its end
        _chain.EvaluateOk("before");
        _chain.EvaluateOk("o1");

        Assert.Null(_chain.ClaimOf("p1", "before"));
        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(Hour, claim.CoveredMs);                           // trigger judged on the whole 3 h; payout on the covered hour
        Assert.Equal(5_000, claim.AmountFen);                          // (60 - 30) min x 10,000 fen/h
    }

    [Fact]
    public void Overlapping_outages_do_not_pay_the_same_time_twice()
    {
        Product(Hourly(threshold: 60, deductible: 30, ratePerHour: 10_000));
        _chain.Buy("p1");
        _chain.Outage("meter-fault", G + 2 * Hour, G + 5 * Hour, meters: ["M-STEEL"]);
        _chain.Outage("feeder-trip", G + 4 * Hour, G + 7 * Hour, feeder: "F-1");
        _chain.EvaluateOk("meter-fault");
        _chain.EvaluateOk("feeder-trip");

        Assert.Equal(25_000, _chain.ClaimOf("p1", "meter-fault")!.AmountFen);
        var second = _chain.ClaimOf("p1", "feeder-trip")!;
        Assert.Equal(2 * Hour, second.CoveredMs);                      // 04:00-05:00 was counted by the first claim
        Assert.Equal(15_000, second.AmountFen);                        // (2 h - 30 min) x 10,000
        Assert.Equal([new CoveredSpan(G + 5 * Hour, G + 7 * Hour)], second.Spans);
    }

    [Fact]
    public void Lost_load_is_estimated_from_the_same_quarter_hours_of_the_meters_last_seven_days()
    {
        Product(LostLoad(ratePerKwh: 500, threshold: 60, deductible: 30));
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 4 * Hour + 30 * Minute);
        _chain.EvaluateOk("o1");
        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Paid, claim.Status);
        Assert.Equal(8 * FlatWh, claim.LostWh);                         // 2 h beyond the deductible at 4 kW = 8 kWh
        Assert.Equal(4_000, claim.AmountFen);                          // 8 kWh x 500 fen
    }

    [Fact]
    public void The_calculator_splits_the_deductible_across_pieces_and_prorates_partial_quarter_hours()
    {
        var terms = LostLoad(ratePerKwh: 1_000, threshold: 0, deductible: 10);
        var readings = Enumerable.Range(0, 7).Select(d => new ConsortiumPortal.Contracts.Metering.IntervalReading("M", G - (d + 1) * Day + 8 * 900_000, 400, null, 0)).ToList();
        // Outage 02:00-02:20, but 02:00-02:05 already counted: covered 15 min, deductible 10 min, 5 min left in slot 02:15 (avg 400 Wh).
        var a = ClaimCalculator.Assess(terms, G, G + Day, ConsortiumPortal.Contracts.Metering.MeterTypes.Consumption, G + 2 * Hour, G + 2 * Hour + 20 * Minute, false,
            [new CoveredSpan(G + 2 * Hour, G + 2 * Hour + 5 * Minute)], (from, to) => readings.Where(r => r.IntervalStart >= from && r.IntervalStart < to).ToList());
        Assert.False(a.Pays);                                          // slot 02:15 has no history: only slot 02:00 has readings
        Assert.Equal(15 * Minute, a.CoveredMs);
        Assert.Equal(5 * Minute, a.ExcessMs);
        Assert.Contains("no consumption", a.DeclineReason);

        var b = ClaimCalculator.Assess(terms with { DeductibleMinutes = 5 }, G, G + Day, ConsortiumPortal.Contracts.Metering.MeterTypes.Consumption, G + 2 * Hour, G + 2 * Hour + 15 * Minute, false,
            [], (from, to) => readings.Where(r => r.IntervalStart >= from && r.IntervalStart < to).ToList());
        Assert.Equal(266, b.LostWh);                                   // 10 of 15 min of 400 Wh
        Assert.Equal(266, b.AmountFen);
    }

    [Fact]
    public void A_policy_keeps_the_product_version_it_was_sold_under()
    {
        Product(Hourly(ratePerHour: 10_000));
        _chain.Buy("p1");
        Product(Hourly(ratePerHour: 99_000));                          // version 2
        _chain.Buy("p2", buyer: DataBuyer, meterId: "M-DATA");
        _chain.Outage("o1", G + 2 * Hour, G + 5 * Hour, feeder: "F-1");
        _chain.EvaluateOk("o1");
        Assert.Equal(1, _chain.PolicyOf("p1").ProductVersion);
        Assert.Equal(25_000, _chain.ClaimOf("p1", "o1")!.AmountFen);
        Assert.Equal(2, _chain.PolicyOf("p2").ProductVersion);
        Assert.Equal(247_500, _chain.ClaimOf("p2", "o1")!.AmountFen);
    }
}
