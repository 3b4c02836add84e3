using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Tests.Metering;
using static ConsortiumPortal.Contracts.Tests.Insurance.InsuranceTestChain;

namespace ConsortiumPortal.Contracts.Tests.Insurance;

/// <summary>Who may do what with products, policies and claims; every refusal leaves state unchanged.</summary>
public sealed class InsuranceRulesTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public InsuranceRulesTests() => TestChain.AssertOk(_chain.CommitOne(_chain.Publish(Underwriter, "cover", Hourly())));

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Only_an_insurer_publishes_and_only_the_owner_publishes_new_versions()
    {
        _chain.Refuse(_chain.Publish(SteelBuyer, "x", Hourly()), "only a Insurer may do this");
        _chain.Refuse(_chain.Publish(Auditor, "x", Hourly()), "only a Insurer may do this");
        _chain.Refuse(_chain.Publish(OtherUnderwriter, "cover", Hourly()), "product cover belongs to pic-insure");
        _chain.Refuse(_chain.Publish(Underwriter, "x", Hourly(eventCap: 10, periodCap: 5)), "caps");
        _chain.Refuse(_chain.Publish(Underwriter, "x", Hourly() with { PremiumRates = [] }), "one premium rate per eligible class");
        _chain.Refuse(_chain.Publish(Underwriter, "x", Hourly() with { PayoutBasis = "vibes" }), "payout basis");
        TestChain.AssertOk(_chain.CommitOne(_chain.Publish(Underwriter, "cover", Hourly(ratePerHour: 1))));
        Assert.Equal(2, InsuranceState.GetProduct(_chain.Ledger.Store, "cover")!.LatestVersion);
        Assert.Equal(10_000, InsuranceState.GetVersion(_chain.Ledger.Store, "cover", 1)!.Terms.RatePerHourFen);
    }

    [Fact]
    public void Applications_need_a_consumer_of_the_meters_organisation_an_eligible_class_and_a_future_period()
    {
        _chain.Refuse(_chain.Apply(Underwriter, "p1"), "only a Consumer may do this");
        _chain.Refuse(_chain.Apply(SteelAdmin, "p1"), "only a Consumer may do this");
        _chain.Refuse(_chain.Apply(DataBuyer, "p1", meterId: "M-STEEL"), "meter M-STEEL belongs to steel-works, not data-park");
        _chain.Refuse(_chain.Apply(SteelBuyer, "p1", customerClass: CustomerClasses.Residential), "not sold to class residential");
        _chain.Refuse(_chain.Apply(SteelBuyer, "p1", start: G - 31 * Day), "cover cannot start more than 30 days before the application");
        _chain.Refuse(_chain.Apply(SteelBuyer, "p1", start: G + Hour, end: G + 2 * Hour), "1 to 366 days");
        _chain.Refuse(_chain.Apply(SteelBuyer, "P 1"), "policy id");
        _chain.Refuse(_chain.Apply(SteelBuyer, "p1", productId: "nope"), "not published");
        TestChain.AssertOk(_chain.CommitOne(_chain.Publish(Underwriter, "steel-only", Hourly(industries: ["steel"]))));
        _chain.Refuse(_chain.Apply(SteelBuyer, "p1", productId: "steel-only", industry: "textiles"), "not sold to industry textiles");
        var result = _chain.CommitOne(_chain.Apply(SteelBuyer, "p2"));
        TestChain.AssertOk(result);
        _chain.Refuse(_chain.Apply(SteelBuyer, "p2"), "policy p2 already exists");
        Assert.Equal(_chain.PolicyOf("p2").PremiumFen, result.Long("premiumFen"));
        Assert.Equal(8_219, _chain.PolicyOf("p2").PremiumFen);              // 5,000,000 x 2% x 30/365
    }

    [Fact]
    public void The_premium_is_escrowed_and_reaches_the_insurer_only_on_activation()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Apply(SteelBuyer, "p1")));
        _chain.Refuse(_chain.Activate(Underwriter, "p1"), "can be activated once its premium is held");
        _chain.Refuse(_chain.Policy(DataBuyer, "payPremium", "p1"), "only a Consumer of steel-works");
        var (holder, insurer) = (_chain.Balance("steel-works"), _chain.Balance("pic-insure"));
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "payPremium", "p1")));
        Assert.Equal(holder - 8_219, _chain.Balance("steel-works"));
        Assert.Equal(insurer, _chain.Balance("pic-insure"));
        _chain.Refuse(_chain.Policy(SteelBuyer, "payPremium", "p1"), "is premium-held, not applied");
        _chain.Refuse(_chain.Activate(OtherUnderwriter, "p1"), "only an Insurer of pic-insure");
        _chain.Refuse(_chain.Activate(SteelBuyer, "p1"), "only an Insurer of pic-insure");
        TestChain.AssertOk(_chain.CommitOne(_chain.Activate(Underwriter, "p1")));
        Assert.Equal(insurer + 8_219, _chain.Balance("pic-insure"));
        Assert.Equal(PolicyStatuses.Active, _chain.PolicyOf("p1").Status);
        Assert.True(_chain.State().ContainsKey(OpenObligations.Key("pic-insure", InsuranceState.ObligationKind, "p1")));
    }

    [Fact]
    public void Backdated_cover_needs_the_insurers_explicit_acceptance_and_then_covers_earlier_outages()
    {
        _chain.Outage("earlier", G - 2 * Day, G - 2 * Day + 3 * Hour);
        TestChain.AssertOk(_chain.CommitOne(_chain.Apply(SteelBuyer, "back", start: G - 3 * Day, end: G + 30 * Day)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "payPremium", "back")));
        _chain.Refuse(_chain.Activate(Underwriter, "back"), "activate it with acceptBackdated");
        TestChain.AssertOk(_chain.CommitOne(_chain.Activate(Underwriter, "back", acceptBackdated: true)));
        _chain.EvaluateOk("earlier");
        Assert.Equal(25_000, _chain.ClaimOf("back", "earlier")!.AmountFen);
    }

    [Fact]
    public void Declining_or_cancelling_before_activation_returns_the_escrowed_premium_in_full()
    {
        var holder = _chain.Balance("steel-works");
        TestChain.AssertOk(_chain.CommitOne(_chain.Apply(SteelBuyer, "p1")));
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "payPremium", "p1")));
        _chain.Refuse(_chain.Call(Underwriter, "decline", new InsuranceContract.DeclinePolicyArgs("p1", "")), "a reason");
        TestChain.AssertOk(_chain.CommitOne(_chain.Call(Underwriter, "decline", new InsuranceContract.DeclinePolicyArgs("p1", "site survey failed"))));
        Assert.Equal(holder, _chain.Balance("steel-works"));
        _chain.Refuse(_chain.Policy(SteelBuyer, "cancel", "p1"), "is declined; it cannot be cancelled");

        TestChain.AssertOk(_chain.CommitOne(_chain.Apply(SteelBuyer, "p2")));
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "payPremium", "p2")));
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "cancel", "p2")));
        Assert.Equal(holder, _chain.Balance("steel-works"));
        Assert.Equal(PolicyStatuses.Cancelled, _chain.PolicyOf("p2").Status);
        _chain.Refuse(_chain.Activate(Underwriter, "p2"), "is cancelled");
    }

    [Fact]
    public void Cancelling_an_active_policy_refunds_in_full_before_cover_pro_rata_during_it_and_nothing_after_a_claim()
    {
        var holder = _chain.Balance("steel-works");
        _chain.Buy("before", start: G + Day, end: G + 11 * Day);
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "cancel", "before")));
        Assert.Equal(holder, _chain.Balance("steel-works"));

        _chain.Buy("during", start: G + Hour, end: G + Hour + 10 * Day);
        var premium = _chain.PolicyOf("during").PremiumFen;
        _chain.Now = G + Hour + 5 * Day;
        var paidBefore = _chain.Balance("steel-works");
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "cancel", "during")));
        var policy = _chain.PolicyOf("during");
        Assert.Equal(premium * (policy.End - policy.ClosedAt!.Value) / (policy.End - policy.Start), policy.RefundedFen);
        Assert.Equal(paidBefore + policy.RefundedFen, _chain.Balance("steel-works"));
        Assert.Equal(policy.ClosedAt, policy.CoverEnd);

        // An outage after cancellation is not covered.
        _chain.Outage("later", policy.CoverEnd + Hour, policy.CoverEnd + 5 * Hour);
        _chain.EvaluateOk("later");
        Assert.Null(_chain.ClaimOf("during", "later"));
    }

    [Fact]
    public void A_cancellation_after_a_confirmed_claim_refunds_nothing()
    {
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 5 * Hour);
        _chain.EvaluateOk("o1");
        var holder = _chain.Balance("steel-works");
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "cancel", "p1")));
        Assert.Equal(0, _chain.PolicyOf("p1").RefundedFen);
        Assert.Equal(holder, _chain.Balance("steel-works"));
    }

    [Fact]
    public void A_premium_needs_the_holders_funds_and_a_refund_the_insurers_or_the_policy_stays_as_it_was()
    {
        using var chain = Create(insurerFunds: 0);
        TestChain.AssertOk(chain.CommitOne(chain.Publish(Underwriter, "cover", Hourly())));
        TestChain.AssertOk(chain.CommitOne(chain.Apply(SteelBuyer, "p1", start: G + Day, end: G + 31 * Day)));
        TestChain.AssertOk(chain.CommitOne(chain.Transfer(SteelBuyer, "data-park", chain.Balance("steel-works") - 100)));
        chain.Refuse(chain.Policy(SteelBuyer, "payPremium", "p1"), "insufficient funds");
        TestChain.AssertOk(chain.CommitOne(chain.Deposit(Teller, "steel-works", 1_000_000)));
        TestChain.AssertOk(chain.CommitOne(chain.Policy(SteelBuyer, "payPremium", "p1")));
        TestChain.AssertOk(chain.CommitOne(chain.Activate(Underwriter, "p1")));
        // The insurer spent the premium it received: it cannot refund, so the cancellation is refused.
        TestChain.AssertOk(chain.CommitOne(chain.Transfer(Underwriter, "data-park", chain.Balance("pic-insure"))));
        chain.Refuse(chain.Policy(SteelBuyer, "cancel", "p1"), "insufficient funds");
        Assert.Equal(PolicyStatuses.Active, chain.PolicyOf("p1").Status);
    }

    [Fact]
    public void A_policy_not_yet_active_gets_no_claim_and_an_unrestored_outage_cannot_be_evaluated()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Apply(SteelBuyer, "applied")));
        TestChain.AssertOk(_chain.CommitOne(_chain.Apply(SteelBuyer, "held")));
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(SteelBuyer, "payPremium", "held")));
        _chain.Outage("o1", G + 2 * Hour, G + 5 * Hour);
        _chain.EvaluateOk("o1");
        Assert.Null(_chain.ClaimOf("applied", "o1"));
        Assert.Null(_chain.ClaimOf("held", "o1"));

        TestChain.AssertOk(_chain.CommitOne(_chain.StartOutage(Grid, "open", ["M-STEEL"], null, G + 5 * Hour)));
        _chain.Refuse(_chain.Evaluate("open"), "outage open is not restored yet");
        _chain.Refuse(_chain.Evaluate("nope"), "outage nope is not recorded");
    }

    [Fact]
    public void An_outage_evaluated_twice_pays_once()
    {
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 5 * Hour);
        _chain.EvaluateOk("o1");
        var (holder, insurer) = (_chain.Balance("steel-works"), _chain.Balance("pic-insure"));
        var claimKey = InsuranceState.ClaimKey("p1", "o1");
        var claim = _chain.State()[claimKey];

        var again = _chain.EvaluateOk("o1");
        var third = _chain.CommitOne(_chain.Evaluate("o1", signer: SteelBuyer));   // anyone may trigger it; still once
        TestChain.AssertOk(third);

        Assert.Equal(0, again.Long("paid"));
        Assert.DoesNotContain(again.Events, e => e.Name == "ClaimPaid");
        Assert.Equal((holder, insurer), (_chain.Balance("steel-works"), _chain.Balance("pic-insure")));
        Assert.Equal(claim, _chain.State()[claimKey]);
        Assert.Equal(1, _chain.PolicyOf("p1").Claims);
    }

    [Fact]
    public void When_the_insurer_is_short_the_claim_stays_confirmed_and_is_paid_once_funds_arrive()
    {
        using var chain = Create(insurerFunds: 0);
        TestChain.AssertOk(chain.CommitOne(chain.Publish(Underwriter, "cover", Hourly())));
        chain.Buy("p1");                                                   // premium 8,219 fen: less than the 25,000 claim
        chain.Outage("o1", G + 2 * Hour, G + 5 * Hour);
        var holder = chain.Balance("steel-works");
        var result = chain.EvaluateOk("o1");

        var claim = chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Confirmed, claim.Status);
        Assert.Equal(25_000, claim.AmountFen);
        Assert.Null(claim.PaidAt);
        Assert.Equal(1, result.Long("confirmed"));
        Assert.Equal(holder, chain.Balance("steel-works"));
        Assert.True(chain.State().ContainsKey(InsuranceState.UnpaidKey("pic-insure", "p1", "o1")));
        chain.Refuse(chain.Policy(Underwriter, "close", "p1"), "stays open for claims");

        // A retry while still short changes nothing; after a deposit, payUnpaid pays it once.
        var before = chain.State();
        TestChain.AssertOk(chain.CommitOne(chain.Call(Grid, "payUnpaid", new InsuranceContract.PayUnpaidArgs("pic-insure"))));
        Assert.Equal(before, chain.State());
        TestChain.AssertOk(chain.CommitOne(chain.Deposit(Teller, "pic-insure", 1_000_000)));
        var paid = chain.CommitOne(chain.Call(Grid, "payUnpaid", new InsuranceContract.PayUnpaidArgs("pic-insure")));
        TestChain.AssertOk(paid);
        Assert.Equal(25_000, paid.Long("paidFen"));
        Assert.Equal(holder + 25_000, chain.Balance("steel-works"));
        Assert.Equal(ClaimStatuses.Paid, chain.ClaimOf("p1", "o1")!.Status);
        Assert.False(chain.State().ContainsKey(InsuranceState.UnpaidKey("pic-insure", "p1", "o1")));

        chain.EvaluateOk("o1");
        TestChain.AssertOk(chain.CommitOne(chain.Call(Grid, "payUnpaid", new InsuranceContract.PayUnpaidArgs("pic-insure"))));
        Assert.Equal(holder + 25_000, chain.Balance("steel-works"));
    }

    [Fact]
    public void A_re_evaluation_pays_a_confirmed_claim_once_the_insurer_has_funds()
    {
        using var chain = Create(insurerFunds: 0);
        TestChain.AssertOk(chain.CommitOne(chain.Publish(Underwriter, "cover", Hourly())));
        chain.Buy("p1");
        chain.Outage("o1", G + 2 * Hour, G + 5 * Hour);
        chain.EvaluateOk("o1");
        TestChain.AssertOk(chain.CommitOne(chain.Deposit(Teller, "pic-insure", 1_000_000)));
        var holder = chain.Balance("steel-works");
        var retry = chain.EvaluateOk("o1");
        Assert.Equal(1, retry.Long("paid"));
        Assert.Equal(holder + 25_000, chain.Balance("steel-works"));
        chain.EvaluateOk("o1");
        Assert.Equal(holder + 25_000, chain.Balance("steel-works"));
    }

    [Fact]
    public void A_large_outage_is_evaluated_in_pages_each_policy_once_in_a_fixed_order()
    {
        for (var i = 0; i < 5; i++) _chain.Buy($"s{i}");
        for (var i = 0; i < 2; i++) _chain.Buy($"d{i}", buyer: DataBuyer, meterId: "M-DATA");
        _chain.Outage("o1", G + 2 * Hour, G + 5 * Hour, feeder: "F-1");
        var holder = _chain.Balance("steel-works") + _chain.Balance("data-park");

        var cursors = new List<string?>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = _chain.EvaluateOk("o1", cursor, limit: 3);
            cursor = page.Output!.Value.GetProperty("nextCursor").GetString();
            cursors.Add(cursor);
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal(["M-STEEL/s0", "M-STEEL/s3", null], cursors);        // d0 d1 s0 | s1 s2 s3 | s4: meter, then policy order
        Assert.Equal(holder + 7 * 25_000, _chain.Balance("steel-works") + _chain.Balance("data-park"));
        _chain.Refuse(_chain.Evaluate("o1", cursor: "garbage"), "cursor must be");
        var replay = _chain.EvaluateOk("o1", "M-STEEL/s0", 3);
        Assert.Equal(0, replay.Long("paid"));
    }

    [Fact]
    public void A_declined_claim_can_be_contested_by_the_holder_and_answered_by_the_insurer_on_chain()
    {
        _chain.Buy("p1");
        _chain.Outage("o1", G + 2 * Hour, G + 2 * Hour + 50 * Minute);          // below the 60 min trigger
        _chain.EvaluateOk("o1");
        var contest = new InsuranceContract.ContestArgs("p1", "o1", "our SCADA log shows 75 minutes without supply", new string('a', 64));
        _chain.Refuse(_chain.Call(Underwriter, "contest", contest), "only a Consumer of steel-works");
        _chain.Refuse(_chain.Call(DataBuyer, "contest", contest), "only a Consumer of steel-works");
        _chain.Refuse(_chain.Call(SteelBuyer, "contest", contest with { EvidenceSm3 = "XYZ" }), "evidence hash");
        _chain.Refuse(_chain.Call(Underwriter, "answer", new InsuranceContract.AnswerArgs("p1", "o1", true, 100, "ok")), "no open contest");
        TestChain.AssertOk(_chain.CommitOne(_chain.Call(SteelBuyer, "contest", contest)));
        _chain.Refuse(_chain.Call(SteelBuyer, "contest", contest), "already been contested");

        var answer = new InsuranceContract.AnswerArgs("p1", "o1", true, 4_000, "SCADA log accepted: 15 min beyond the trigger");
        _chain.Refuse(_chain.Call(SteelBuyer, "answer", answer), "only an Insurer of pic-insure");
        _chain.Refuse(_chain.Call(Underwriter, "answer", answer with { AmountFen = 2_000_000 }), "an upheld contest pays 1..1000000 fen");
        var holder = _chain.Balance("steel-works");
        TestChain.AssertOk(_chain.CommitOne(_chain.Call(Underwriter, "answer", answer)));
        var claim = _chain.ClaimOf("p1", "o1")!;
        Assert.Equal(ClaimStatuses.Paid, claim.Status);
        Assert.True(claim.Dispute!.Upheld);
        Assert.Equal(holder + 4_000, _chain.Balance("steel-works"));
        _chain.Refuse(_chain.Call(Underwriter, "answer", answer), "no open contest");
        _chain.Refuse(_chain.Call(SteelBuyer, "contest", contest), "only a declined claim can be contested");
    }

    [Fact]
    public void A_policy_closes_after_its_period_and_grace_releasing_the_insurers_obligation()
    {
        _chain.Buy("p1", start: G + Hour, end: G + Hour + Day);
        _chain.Refuse(_chain.Policy(Underwriter, "close", "p1"), "stays open for claims until 7 days after its end");
        _chain.Now = G + Hour + 8 * Day + 1;
        _chain.Refuse(_chain.Policy(DataBuyer, "close", "p1"), "only pic-insure or steel-works may close");
        TestChain.AssertOk(_chain.CommitOne(_chain.Policy(Underwriter, "close", "p1")));
        Assert.Equal(PolicyStatuses.Closed, _chain.PolicyOf("p1").Status);
        Assert.False(_chain.State().ContainsKey(OpenObligations.Key("pic-insure", InsuranceState.ObligationKind, "p1")));
        Assert.False(_chain.State().ContainsKey(InsuranceState.MeterPolicyKey("M-STEEL", "p1")));
    }
}
