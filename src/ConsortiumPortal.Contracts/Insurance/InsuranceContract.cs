using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Contracts.Insurance;

/// <summary>
/// Parametric outage insurance (after Etherisc's product / policy / claim / payout state machines, with the metering
/// contract as the oracle). Rules this contract enforces:
/// <list type="bullet">
/// <item>Only an Insurer publishes products; every publication is a new immutable version; a policy keeps the version it was sold under.</item>
/// <item>A Consumer applies for a meter of its own organisation (consumption or both), a class and industry the product
/// accepts, and a period of 1..366 days. Cover may start up to 30 days before the application only if the insurer, who alone
/// bears that risk, activates it with AcceptBackdated (migrated or renewed cover); otherwise it starts no earlier than the
/// application, so nobody buys cover for an outage already under way. The premium is
/// quoted by the contract, paid into escrow (holder -> insurer) and captured only when the insurer activates; declining
/// or cancelling before activation returns it in full; cancelling an active policy refunds the unexpired share unless a
/// claim was confirmed, and ends cover at once.</item>
/// <item>Claims come only from <c>evaluateOutage</c>, which reads the restored outage and the meter history on chain: no
/// caller supplies a number, so anyone in the consortium may trigger it. A (policy, outage) pair gets one claim ever:
/// replays and retries pay at most once.</item>
/// <item>Payouts go from the insurer's settlement account to the holder's. If the insurer is short, the claim stays
/// <c>confirmed</c> (owed, listed under insurance/unpaid/) and <c>payUnpaid</c> or a later evaluation of the outage pays it
/// once funds arrive; confirmed amounts count against the period cap at once, so retries never pay more.</item>
/// <item>A holder may contest a declined claim with evidence; the insurer answers on chain and, upholding, pays at most the per-event cap.</item>
/// </list>
/// </summary>
public sealed partial class InsuranceContract : Contract
{
    public const string ContractName = "insurance";
    public override string Name => ContractName;

    public const int DefaultPage = 500;
    public const int MaxPage = 2_000;
    public const long MinPeriodMs = MeteringState.DayMs;
    public const long MaxPeriodMs = 366 * MeteringState.DayMs;

    /// <summary>How long after its end a policy stays open for claims on outages restored late.</summary>
    public const long ClaimGraceMs = 7 * MeteringState.DayMs;

    /// <summary>How far before its application a policy may start, with the insurer's explicit acceptance.</summary>
    public const long MaxBackdateMs = 30 * MeteringState.DayMs;

    public sealed record PublishProductArgs(string ProductId, ProductTerms Terms);
    public sealed record ProductOnSaleArgs(string ProductId, bool OnSale);
    public sealed record ApplyArgs(string PolicyId, string ProductId, string MeterId, string CustomerClass, string Industry, long Start, long End);
    public sealed record PolicyArgs(string PolicyId);
    public sealed record ActivateArgs(string PolicyId, bool AcceptBackdated = false);
    public sealed record DeclinePolicyArgs(string PolicyId, string Reason);
    public sealed record EvaluateOutageArgs(string OutageId, string? Cursor = null, int? Limit = null);
    public sealed record PayUnpaidArgs(string InsurerId, int? Limit = null);
    public sealed record ContestArgs(string PolicyId, string OutageId, string Evidence, string? EvidenceSm3 = null);
    public sealed record AnswerArgs(string PolicyId, string OutageId, bool Uphold, long AmountFen, string Answer);

    public sealed record EvaluationResult(string OutageId, int Evaluated, int Paid, int Confirmed, int Declined, long PaidFen, string? NextCursor);

    // ---- products -----------------------------------------------------------------------------------------------

    [ContractMethod("publishProduct")]
    public object PublishProduct(ContractContext ctx, PublishProductArgs args)
    {
        ctx.RequireRole(Roles.Insurer);
        RequireId(args.ProductId, "product id");
        RequireTerms(args.Terms);
        var head = ctx.State.Get<ProductHead>(InsuranceState.ProductKey(args.ProductId));
        ContractContext.Require(head is null || head.InsurerId == ctx.Caller.OrganisationId,
            $"product {args.ProductId} belongs to {head?.InsurerId}");
        var version = (head?.LatestVersion ?? 0) + 1;
        ctx.State.Put(InsuranceState.ProductVersionKey(args.ProductId, version),
            new ProductVersion(args.ProductId, version, ctx.Caller.OrganisationId, args.Terms, ctx.BlockTime, ctx.Caller.CertificateId, ctx.TxId));
        ctx.State.Put(InsuranceState.ProductKey(args.ProductId), new ProductHead(args.ProductId, ctx.Caller.OrganisationId, version, true));
        ctx.Emit("ProductPublished", new { productId = args.ProductId, version, insurerId = ctx.Caller.OrganisationId });
        return new { productId = args.ProductId, version };
    }

    [ContractMethod("setProductOnSale")]
    public object SetProductOnSale(ContractContext ctx, ProductOnSaleArgs args)
    {
        ctx.RequireRole(Roles.Insurer);
        var head = ctx.State.Get<ProductHead>(InsuranceState.ProductKey(args.ProductId)) ?? throw new ContractException($"product {args.ProductId} is not published");
        ContractContext.Require(head.InsurerId == ctx.Caller.OrganisationId, $"product {args.ProductId} belongs to {head.InsurerId}");
        ctx.State.Put(InsuranceState.ProductKey(args.ProductId), head with { OnSale = args.OnSale });
        ctx.Emit("ProductOnSaleChanged", new { productId = args.ProductId, onSale = args.OnSale });
        return new { productId = args.ProductId, onSale = args.OnSale };
    }

    // ---- policies -----------------------------------------------------------------------------------------------

    /// <summary>Applies for cover and quotes the premium (the contract computes it from the product's class rate).</summary>
    [ContractMethod("apply")]
    public object Apply(ContractContext ctx, ApplyArgs args)
    {
        ctx.RequireRole(Roles.Consumer);
        ContractContext.Require(args.PolicyId is not null && PolicyIdPattern().IsMatch(args.PolicyId), "policy id must be 1..48 characters of [a-z0-9._-], starting with a letter or digit");
        ContractContext.Require(!ctx.State.Exists(InsuranceState.PolicyKey(args.PolicyId)), $"policy {args.PolicyId} already exists");
        var head = ctx.State.Get<ProductHead>(InsuranceState.ProductKey(args.ProductId)) ?? throw new ContractException($"product {args.ProductId} is not published");
        ContractContext.Require(head.OnSale, $"product {args.ProductId} is not on sale");
        var product = ctx.State.Get<ProductVersion>(InsuranceState.ProductVersionKey(args.ProductId, head.LatestVersion))!;
        var meter = MeteringState.GetMeter(ctx.State, args.MeterId) ?? throw new ContractException($"meter {args.MeterId} is not registered");
        ContractContext.Require(meter.OrganisationId == ctx.Caller.OrganisationId, $"meter {args.MeterId} belongs to {meter.OrganisationId}, not {ctx.Caller.OrganisationId}");
        ContractContext.Require(meter.Type != MeterTypes.Generation, $"meter {args.MeterId} is a generation meter; outage cover is for load");
        ContractContext.Require(product.Terms.EligibleClasses.Contains(args.CustomerClass), $"product {args.ProductId} is not sold to class {args.CustomerClass}");
        ContractContext.Require(product.Terms.EligibleIndustries.Count == 0 || product.Terms.EligibleIndustries.Contains(args.Industry),
            $"product {args.ProductId} is not sold to industry {args.Industry}");
        ContractContext.Require(args.Start >= ctx.BlockTime - MaxBackdateMs, "cover cannot start more than 30 days before the application");
        ContractContext.Require(args.End - args.Start is >= MinPeriodMs and <= MaxPeriodMs, "a policy period is 1 to 366 days");
        var premium = ClaimCalculator.Premium(product.Terms, args.CustomerClass, args.Start, args.End);
        ContractContext.Require(premium > 0, "the quoted premium rounds to zero fen");
        var policy = new Policy(args.PolicyId, product.ProductId, product.Version, product.InsurerId, meter.OrganisationId, meter.MeterId,
            args.CustomerClass, args.Industry, args.Start, args.End, args.End, premium, PolicyStatuses.Applied, 0, 0, 0,
            ctx.BlockTime, ctx.Caller.CertificateId, null, null, null, 0, meter.FeederId, meter.Province);
        ctx.State.Put(InsuranceState.PolicyKey(policy.PolicyId), policy);
        ctx.Emit("PolicyApplied", new { policyId = policy.PolicyId, productId = policy.ProductId, version = policy.ProductVersion, holderId = policy.HolderId, insurerId = policy.InsurerId, premiumFen = premium });
        return new { policyId = policy.PolicyId, productVersion = policy.ProductVersion, premiumFen = premium };
    }

    /// <summary>The holder pays the quoted premium into escrow; the insurer receives it only by activating the policy.</summary>
    [ContractMethod("payPremium")]
    public object PayPremium(ContractContext ctx, PolicyArgs args)
    {
        var policy = RequireHolder(ctx, args.PolicyId);
        ContractContext.Require(policy.Status == PolicyStatuses.Applied, $"policy {policy.PolicyId} is {policy.Status}, not applied");
        ContractContext.Require(ctx.BlockTime < policy.End, $"policy {policy.PolicyId}'s period is over");
        SettlementAccounts.Hold(ctx.State, InsuranceState.PremiumEscrowId(policy.PolicyId), policy.HolderId, policy.InsurerId, policy.PremiumFen,
            ctx.BlockTime, null, $"premium of policy {policy.PolicyId}");
        Save(ctx, policy with { Status = PolicyStatuses.PremiumHeld });
        ctx.Emit("PremiumPaid", new { policyId = policy.PolicyId, holderId = policy.HolderId, insurerId = policy.InsurerId, premiumFen = policy.PremiumFen });
        return new { policyId = policy.PolicyId, status = PolicyStatuses.PremiumHeld };
    }

    [ContractMethod("activate")]
    public object Activate(ContractContext ctx, ActivateArgs args)
    {
        var policy = RequireInsurer(ctx, args.PolicyId);
        ContractContext.Require(policy.Start >= policy.AppliedAt || args.AcceptBackdated,
            $"policy {policy.PolicyId}'s cover starts before its application; activate it with acceptBackdated to take on outages since then");
        ContractContext.Require(policy.Status == PolicyStatuses.PremiumHeld, $"policy {policy.PolicyId} is {policy.Status}; it can be activated once its premium is held");
        ContractContext.Require(ctx.BlockTime < policy.End, $"policy {policy.PolicyId}'s period is over");
        SettlementAccounts.Capture(ctx.State, InsuranceState.PremiumEscrowId(policy.PolicyId));
        Save(ctx, policy with { Status = PolicyStatuses.Active, ActivatedAt = ctx.BlockTime });
        ctx.State.PutInteger(InsuranceState.MeterPolicyKey(policy.MeterId, policy.PolicyId), 1);
        OpenObligations.Open(ctx.State, policy.InsurerId, InsuranceState.ObligationKind, policy.PolicyId);
        ctx.Emit("PolicyActivated", new { policyId = policy.PolicyId, holderId = policy.HolderId, insurerId = policy.InsurerId, meterId = policy.MeterId });
        return new { policyId = policy.PolicyId, status = PolicyStatuses.Active };
    }

    /// <summary>The insurer declines an application; a premium in escrow goes back to the holder in full.</summary>
    [ContractMethod("decline")]
    public object Decline(ContractContext ctx, DeclinePolicyArgs args)
    {
        var policy = RequireInsurer(ctx, args.PolicyId);
        RequireText(args.Reason, 256, "a reason");
        ContractContext.Require(policy.Status is PolicyStatuses.Applied or PolicyStatuses.PremiumHeld, $"policy {policy.PolicyId} is {policy.Status}; only an application can be declined");
        var refund = ReleasePremium(ctx, policy);
        Save(ctx, policy with { Status = PolicyStatuses.Declined, Reason = args.Reason, RefundedFen = refund, ClosedAt = ctx.BlockTime });
        ctx.Emit("PolicyDeclined", new { policyId = policy.PolicyId, holderId = policy.HolderId, reason = args.Reason, refundFen = refund });
        return new { policyId = policy.PolicyId, refundFen = refund };
    }

    /// <summary>
    /// The holder cancels. Before activation: the escrowed premium returns in full. Active, before the cover starts: the
    /// insurer refunds the premium in full. Active, cover running: the unexpired share (by milliseconds, rounded down) is
    /// refunded unless a claim has been confirmed, and cover ends now. The refund needs the insurer's funds: if short,
    /// the cancellation is refused and the policy stays in force.
    /// </summary>
    [ContractMethod("cancel")]
    public object Cancel(ContractContext ctx, PolicyArgs args)
    {
        var policy = RequireHolder(ctx, args.PolicyId);
        long refund;
        var coverEnd = policy.CoverEnd;
        switch (policy.Status)
        {
            case PolicyStatuses.Applied or PolicyStatuses.PremiumHeld:
                refund = ReleasePremium(ctx, policy);
                break;
            case PolicyStatuses.Active:
                ContractContext.Require(ctx.BlockTime < policy.End, $"policy {policy.PolicyId}'s period is over; nothing to cancel");
                if (ctx.BlockTime <= policy.Start) { refund = policy.PremiumFen; coverEnd = policy.Start; }
                else
                {
                    refund = policy.ClaimedFen > 0 ? 0 : (long)((Int128)policy.PremiumFen * (policy.End - ctx.BlockTime) / (policy.End - policy.Start));
                    coverEnd = ctx.BlockTime;
                }
                if (refund > 0) SettlementAccounts.Transfer(ctx.State, policy.InsurerId, policy.HolderId, refund);
                break;
            default:
                throw new ContractException($"policy {policy.PolicyId} is {policy.Status}; it cannot be cancelled");
        }
        Save(ctx, policy with { Status = PolicyStatuses.Cancelled, CoverEnd = coverEnd, RefundedFen = refund, ClosedAt = ctx.BlockTime });
        ctx.Emit("PolicyCancelled", new { policyId = policy.PolicyId, holderId = policy.HolderId, insurerId = policy.InsurerId, refundFen = refund, coverEnd });
        return new { policyId = policy.PolicyId, refundFen = refund, coverEnd };
    }

    /// <summary>Closes an active policy after its period and the claim grace, once nothing is owed under it.</summary>
    [ContractMethod("close")]
    public object Close(ContractContext ctx, PolicyArgs args)
    {
        var policy = ctx.State.Get<Policy>(InsuranceState.PolicyKey(args.PolicyId)) ?? throw new ContractException($"policy {args.PolicyId} does not exist");
        ContractContext.Require(ctx.Caller.OrganisationId == policy.InsurerId || ctx.Caller.OrganisationId == policy.HolderId,
            $"only {policy.InsurerId} or {policy.HolderId} may close policy {policy.PolicyId}");
        ContractContext.Require(policy.Status is PolicyStatuses.Active or PolicyStatuses.Cancelled, $"policy {policy.PolicyId} is {policy.Status}");
        ContractContext.Require(policy.Status == PolicyStatuses.Cancelled || ctx.BlockTime >= policy.End + ClaimGraceMs,
            $"policy {policy.PolicyId} stays open for claims until 7 days after its end");
        ContractContext.Require(policy.ClaimedFen == policy.PaidFen, $"policy {policy.PolicyId} has confirmed claims not yet paid");
        ctx.State.Delete(InsuranceState.MeterPolicyKey(policy.MeterId, policy.PolicyId));
        if (OpenObligations.IsOpen(ctx.State, policy.InsurerId, InsuranceState.ObligationKind, policy.PolicyId))
            OpenObligations.Close(ctx.State, policy.InsurerId, InsuranceState.ObligationKind, policy.PolicyId);
        Save(ctx, policy with { Status = PolicyStatuses.Closed, ClosedAt = ctx.BlockTime });
        ctx.Emit("PolicyClosed", new { policyId = policy.PolicyId });
        return new { policyId = policy.PolicyId, status = PolicyStatuses.Closed };
    }

    // ---- claims -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Evaluates every policy in force on the outage's meters, in (meter id, policy id) order, at most
    /// <see cref="EvaluateOutageArgs.Limit"/> per transaction: the result's NextCursor (the last pair visited) continues
    /// it in the next transaction, null when done. A policy that already has a claim for this outage is not assessed
    /// again; a confirmed one still owed is paid if the insurer now can. Any certificate holder may call this: every
    /// number comes from the ledger.
    /// </summary>
    [ContractMethod("evaluateOutage")]
    public EvaluationResult EvaluateOutage(ContractContext ctx, EvaluateOutageArgs args)
    {
        var outage = MeteringState.GetOutage(ctx.State, args.OutageId) ?? throw new ContractException($"outage {args.OutageId} is not recorded");
        ContractContext.Require(outage.End is not null, $"outage {outage.OutageId} is not restored yet");
        var limit = args.Limit ?? DefaultPage;
        ContractContext.Require(limit is > 0 and <= MaxPage, $"limit is 1..{MaxPage}");
        var done = ctx.State.Scan<object>(InsuranceState.OutageClaimsPrefix(outage.OutageId))
            .Select(p => p.Key[InsuranceState.OutageClaimsPrefix(outage.OutageId).Length..]).ToHashSet(StringComparer.Ordinal);
        int visited = 0, paid = 0, confirmed = 0, declined = 0;
        long paidFen = 0;
        string? nextCursor = null, last = null;
        foreach (var (meter, policyId) in PoliciesOn(ctx, outage, args.Cursor))
        {
            // One more pair than the page holds: the next transaction continues after the last one assessed.
            if (visited == limit) { nextCursor = last; break; }
            visited++;
            last = $"{meter.MeterId}/{policyId}";
            var policy = ctx.State.Get<Policy>(InsuranceState.PolicyKey(policyId))!;
            if (done.Contains(policyId))
            {
                var existing = ctx.State.Get<Claim>(InsuranceState.ClaimKey(policyId, outage.OutageId))!;
                if (existing.Status == ClaimStatuses.Confirmed && TryPay(ctx, policy, existing)) { paid++; paidFen += existing.AmountFen; }
                continue;
            }
            if (!Covers(policy, outage)) continue;
            var claim = Assess(ctx, policy, meter, outage);
            switch (claim.Status)
            {
                case ClaimStatuses.Paid: paid++; paidFen += claim.AmountFen; break;
                case ClaimStatuses.Confirmed: confirmed++; break;
                default: declined++; break;
            }
        }
        ctx.Emit("OutageEvaluated", new { outageId = outage.OutageId, evaluated = visited, paid, confirmed, declined, paidFen, nextCursor });
        return new EvaluationResult(outage.OutageId, visited, paid, confirmed, declined, paidFen, nextCursor);
    }

    /// <summary>Pays an insurer's confirmed claims still owed, oldest key first, while its account covers them.</summary>
    [ContractMethod("payUnpaid")]
    public object PayUnpaid(ContractContext ctx, PayUnpaidArgs args)
    {
        var limit = args.Limit ?? DefaultPage;
        ContractContext.Require(limit is > 0 and <= MaxPage, $"limit is 1..{MaxPage}");
        int paid = 0, remaining = 0;
        long paidFen = 0;
        foreach (var (key, _) in ctx.State.Scan<object>(InsuranceState.UnpaidOfInsurerPrefix(args.InsurerId)).ToList())
        {
            var parts = key[InsuranceState.UnpaidOfInsurerPrefix(args.InsurerId).Length..].Split('/', 2);
            var claim = ctx.State.Get<Claim>(InsuranceState.ClaimKey(parts[0], parts[1]))!;
            if (paid == limit || !TryPay(ctx, ctx.State.Get<Policy>(InsuranceState.PolicyKey(parts[0]))!, claim)) { remaining++; continue; }
            paid++;
            paidFen += claim.AmountFen;
        }
        return new { insurerId = args.InsurerId, paid, paidFen, remaining };
    }

    // ---- disputes -----------------------------------------------------------------------------------------------

    [ContractMethod("contest")]
    public object Contest(ContractContext ctx, ContestArgs args)
    {
        var policy = RequireHolder(ctx, args.PolicyId);
        var claim = ctx.State.Get<Claim>(InsuranceState.ClaimKey(args.PolicyId, args.OutageId)) ?? throw new ContractException($"policy {args.PolicyId} has no claim for outage {args.OutageId}");
        ContractContext.Require(claim.Status == ClaimStatuses.Declined, $"the claim is {claim.Status}; only a declined claim can be contested");
        ContractContext.Require(claim.Dispute is null, "the claim has already been contested");
        RequireText(args.Evidence, 2_000, "evidence");
        ContractContext.Require(args.EvidenceSm3 is null || Sm3Pattern().IsMatch(args.EvidenceSm3), "evidence hash must be 64 lower-case hex characters (SM3)");
        var dispute = new Dispute(args.Evidence, args.EvidenceSm3, ctx.BlockTime, ctx.Caller.CertificateId, null, null, null, null, null);
        ctx.State.Put(InsuranceState.ClaimKey(claim.PolicyId, claim.OutageId), claim with { Dispute = dispute });
        ctx.Emit("ClaimContested", new { policyId = policy.PolicyId, outageId = claim.OutageId, holderId = policy.HolderId, insurerId = policy.InsurerId });
        return new { policyId = policy.PolicyId, outageId = claim.OutageId };
    }

    /// <summary>The insurer answers a contest. Upholding pays the amount at once (within the per-event and remaining period cap).</summary>
    [ContractMethod("answer")]
    public object Answer(ContractContext ctx, AnswerArgs args)
    {
        var policy = RequireInsurer(ctx, args.PolicyId);
        var claim = ctx.State.Get<Claim>(InsuranceState.ClaimKey(args.PolicyId, args.OutageId)) ?? throw new ContractException($"policy {args.PolicyId} has no claim for outage {args.OutageId}");
        ContractContext.Require(claim.Dispute is { Answer: null }, "the claim has no open contest");
        RequireText(args.Answer, 2_000, "an answer");
        var dispute = claim.Dispute! with { Answer = args.Answer, Upheld = args.Uphold, AnsweredAt = ctx.BlockTime, AnsweredBy = ctx.Caller.CertificateId };
        if (!args.Uphold)
        {
            ContractContext.Require(args.AmountFen == 0, "a rejected contest pays nothing");
            ctx.State.Put(InsuranceState.ClaimKey(claim.PolicyId, claim.OutageId), claim with { Dispute = dispute with { AmountFen = 0 } });
            ctx.Emit("ContestAnswered", new { policyId = policy.PolicyId, outageId = claim.OutageId, holderId = policy.HolderId, upheld = false, amountFen = 0L });
            return new { policyId = policy.PolicyId, upheld = false };
        }
        var terms = ProductOf(ctx, policy).Terms;
        var room = Math.Min(terms.PerEventCapFen, terms.PerPeriodCapFen - policy.ClaimedFen);
        ContractContext.Require(args.AmountFen > 0 && args.AmountFen <= room, $"an upheld contest pays 1..{room} fen (per-event and remaining period cap)");
        SettlementAccounts.Transfer(ctx.State, policy.InsurerId, policy.HolderId, args.AmountFen);
        var settled = claim with
        {
            Status = ClaimStatuses.Paid, AmountFen = args.AmountFen, PaidAt = ctx.BlockTime, PaidTx = ctx.TxId,
            Reason = "paid on contest: " + claim.Reason, Dispute = dispute with { AmountFen = args.AmountFen },
        };
        ctx.State.Put(InsuranceState.ClaimKey(claim.PolicyId, claim.OutageId), settled);
        Save(ctx, policy with { ClaimedFen = policy.ClaimedFen + args.AmountFen, PaidFen = policy.PaidFen + args.AmountFen });
        ctx.Emit("ContestAnswered", new { policyId = policy.PolicyId, outageId = claim.OutageId, holderId = policy.HolderId, upheld = true, amountFen = args.AmountFen });
        EmitPaid(ctx, policy, settled);
        return new { policyId = policy.PolicyId, upheld = true, amountFen = args.AmountFen };
    }

    // ---- rules --------------------------------------------------------------------------------------------------

    /// <summary>A policy is affected when the outage starts inside its cover: an outage already under way when cover began is not insured.</summary>
    private static bool Covers(Policy policy, Outage outage) =>
        policy.Status is PolicyStatuses.Active or PolicyStatuses.Cancelled && policy.ActivatedAt is not null
        && outage.Start >= policy.Start && outage.Start < policy.CoverEnd;

    private static Claim Assess(ContractContext ctx, Policy policy, Meter meter, Outage outage)
    {
        var terms = ProductOf(ctx, policy).Terms;
        // A policy without claims has no counted time: skip the scan (most policies, in a large outage).
        var earlier = policy.Claims == 0 ? [] : ctx.State.Scan<Claim>(InsuranceState.ClaimsOfPolicyPrefix(policy.PolicyId))
            .Where(c => c.Value.Status != ClaimStatuses.Declined).SelectMany(c => c.Value.Spans).ToList();
        var assessment = ClaimCalculator.Assess(terms, policy.Start, policy.CoverEnd, meter.Type, outage.Start, outage.End!.Value, outage.Planned, earlier,
            (from, to) => MeteringState.Readings(ctx.State, meter.MeterId, from, to));
        var amount = assessment.AmountFen;
        var reason = assessment.DeclineReason;
        if (assessment.Pays)
        {
            var room = terms.PerPeriodCapFen - policy.ClaimedFen;
            if (room <= 0) { reason = "the policy's period cap is used up"; amount = 0; }
            else if (amount > room) { amount = room; reason = null; }
        }
        var status = reason is null ? ClaimStatuses.Confirmed : ClaimStatuses.Declined;
        var claim = new Claim(policy.PolicyId, outage.OutageId, policy.ProductId, policy.ProductVersion, policy.InsurerId, policy.HolderId, policy.MeterId,
            status, reason, outage.Start, outage.End!.Value, assessment.CoveredMs, assessment.ExcessMs, assessment.LostWh, amount,
            status == ClaimStatuses.Confirmed ? assessment.Spans : [], ctx.BlockTime, ctx.TxId, null, null, null);
        ctx.State.Put(InsuranceState.ClaimKey(policy.PolicyId, outage.OutageId), claim);
        ctx.State.PutInteger(InsuranceState.OutageClaimKey(outage.OutageId, policy.PolicyId), 1);
        policy = policy with { Claims = policy.Claims + 1, ClaimedFen = policy.ClaimedFen + amount };
        Save(ctx, policy);
        if (status == ClaimStatuses.Declined)
        {
            ctx.Emit("ClaimDeclined", new { policyId = policy.PolicyId, outageId = outage.OutageId, holderId = policy.HolderId, reason });
            return claim;
        }
        ctx.State.PutInteger(InsuranceState.UnpaidKey(policy.InsurerId, policy.PolicyId, outage.OutageId), 1);
        ctx.Emit("ClaimConfirmed", new { policyId = policy.PolicyId, outageId = outage.OutageId, holderId = policy.HolderId, amountFen = amount });
        return TryPay(ctx, policy, claim) ? claim with { Status = ClaimStatuses.Paid } : claim;
    }

    /// <summary>Pays a confirmed claim if the insurer's account covers it; otherwise leaves it owed (no partial payments).</summary>
    private static bool TryPay(ContractContext ctx, Policy policy, Claim claim)
    {
        if (SettlementAccounts.Balance(ctx.State, policy.InsurerId) < claim.AmountFen) return false;
        SettlementAccounts.Transfer(ctx.State, policy.InsurerId, policy.HolderId, claim.AmountFen);
        var paid = claim with { Status = ClaimStatuses.Paid, PaidAt = ctx.BlockTime, PaidTx = ctx.TxId };
        ctx.State.Put(InsuranceState.ClaimKey(claim.PolicyId, claim.OutageId), paid);
        ctx.State.Delete(InsuranceState.UnpaidKey(policy.InsurerId, claim.PolicyId, claim.OutageId));
        var current = ctx.State.Get<Policy>(InsuranceState.PolicyKey(policy.PolicyId))!;
        Save(ctx, current with { PaidFen = current.PaidFen + claim.AmountFen });
        EmitPaid(ctx, current, paid);
        return true;
    }

    private static void EmitPaid(ContractContext ctx, Policy policy, Claim claim) =>
        ctx.Emit("ClaimPaid", new { policyId = policy.PolicyId, outageId = claim.OutageId, holderId = policy.HolderId, insurerId = policy.InsurerId, meterId = policy.MeterId, amountFen = claim.AmountFen });

    /// <summary>The policies indexed on the outage's meters, in (meter id, policy id) order, after the cursor.</summary>
    private static IEnumerable<(Meter Meter, string PolicyId)> PoliciesOn(ContractContext ctx, Outage outage, string? cursor)
    {
        var (cursorMeter, cursorPolicy) = ParseCursor(cursor);
        foreach (var meterId in outage.MeterIds.Distinct().Order(StringComparer.Ordinal))
        {
            if (cursorMeter is not null && string.CompareOrdinal(meterId, cursorMeter) < 0) continue;
            if (MeteringState.GetMeter(ctx.State, meterId) is not { } meter) continue;
            var prefix = $"{InsuranceState.MeterPolicyPrefix}{meterId}/";
            foreach (var (key, _) in ctx.State.Scan<object>(prefix).ToList())
            {
                var policyId = key[prefix.Length..];
                if (meterId == cursorMeter && string.CompareOrdinal(policyId, cursorPolicy) <= 0) continue;
                yield return (meter, policyId);
            }
        }
    }

    private static (string? Meter, string? Policy) ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return (null, null);
        var slash = cursor.IndexOf('/');
        ContractContext.Require(slash > 0 && slash < cursor.Length - 1, "cursor must be the nextCursor of a previous evaluation");
        return (cursor[..slash], cursor[(slash + 1)..]);
    }

    private static ProductVersion ProductOf(ContractContext ctx, Policy policy) =>
        ctx.State.Get<ProductVersion>(InsuranceState.ProductVersionKey(policy.ProductId, policy.ProductVersion))!;

    private static long ReleasePremium(ContractContext ctx, Policy policy)
    {
        if (policy.Status != PolicyStatuses.PremiumHeld) return 0;
        SettlementAccounts.Release(ctx.State, InsuranceState.PremiumEscrowId(policy.PolicyId));
        return policy.PremiumFen;
    }

    private static Policy RequireHolder(ContractContext ctx, string policyId)
    {
        var policy = ctx.State.Get<Policy>(InsuranceState.PolicyKey(policyId)) ?? throw new ContractException($"policy {policyId} does not exist");
        ContractContext.Require(ctx.Caller.OrganisationId == policy.HolderId && ctx.Caller.Acts(Roles.Consumer),
            $"only a Consumer of {policy.HolderId} may do this for policy {policyId}");
        return policy;
    }

    private static Policy RequireInsurer(ContractContext ctx, string policyId)
    {
        var policy = ctx.State.Get<Policy>(InsuranceState.PolicyKey(policyId)) ?? throw new ContractException($"policy {policyId} does not exist");
        ContractContext.Require(ctx.Caller.OrganisationId == policy.InsurerId && ctx.Caller.Acts(Roles.Insurer),
            $"only an Insurer of {policy.InsurerId} may do this for policy {policyId}");
        return policy;
    }

    private static void Save(ContractContext ctx, Policy policy) => ctx.State.Put(InsuranceState.PolicyKey(policy.PolicyId), policy);

    private static void RequireTerms(ProductTerms t)
    {
        RequireText(t.Name, 128, "a product name");
        ContractContext.Require(t.EligibleClasses is { Count: > 0 } && t.EligibleClasses.All(CustomerClasses.All.Contains) && t.EligibleClasses.Distinct().Count() == t.EligibleClasses.Count,
            $"eligible classes: one or more of {string.Join(", ", CustomerClasses.All)}");
        ContractContext.Require(t.EligibleIndustries is not null && t.EligibleIndustries.Count <= 32 && t.EligibleIndustries.All(i => i is { Length: > 0 and <= 64 }),
            "eligible industries: up to 32 names of 1..64 characters (none = any)");
        ContractContext.Require(t.ThresholdMinutes is >= 0 and <= 10_080, "threshold is 0..10080 minutes");
        ContractContext.Require(t.DeductibleMinutes is >= 0 and <= 10_080, "deductible is 0..10080 minutes");
        ContractContext.Require(PayoutBases.All.Contains(t.PayoutBasis), $"payout basis is {string.Join(" or ", PayoutBases.All)}");
        ContractContext.Require(t.PayoutBasis != PayoutBases.Hourly || t.RatePerHourFen > 0, "an hourly product needs a rate per hour");
        ContractContext.Require(t.PayoutBasis != PayoutBases.LostLoad || t.RatePerKwhFen > 0, "a lost-load product needs a rate per kWh");
        ContractContext.Require(t.RatePerHourFen is >= 0 and <= 1_000_000_000 && t.RatePerKwhFen is >= 0 and <= 1_000_000, "rates are out of range");
        ContractContext.Require(t.PerEventCapFen > 0 && t.PerPeriodCapFen >= t.PerEventCapFen && t.PerPeriodCapFen <= 1_000_000_000_000,
            "caps: 0 < per event <= per period <= 10^12 fen");
        ContractContext.Require(t.PremiumRates is not null && t.EligibleClasses.All(c => t.PremiumRates.Count(r => r.CustomerClass == c) == 1),
            "one premium rate per eligible class");
        ContractContext.Require(t.PremiumRates!.All(r => r.RateBasisPoints is > 0 and <= 10_000), "premium rates are 1..10000 basis points");
    }

    private static void RequireId(string? id, string what) =>
        ContractContext.Require(id is not null && PolicyIdPattern().IsMatch(id), $"{what} must be 1..48 characters of [a-z0-9._-], starting with a letter or digit");

    private static void RequireText(string? text, int max, string what) =>
        ContractContext.Require(!string.IsNullOrWhiteSpace(text) && text.Length <= max, $"{what} of 1..{max} characters is required");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,47}$")]
    private static partial Regex PolicyIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sm3Pattern();
}
