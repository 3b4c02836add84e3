namespace ConsortiumPortal.Contracts.Insurance;

/// <summary>How a product turns covered outage time into money.</summary>
public static class PayoutBases
{
    /// <summary>A rate per hour of covered outage beyond the deductible.</summary>
    public const string Hourly = "hourly";

    /// <summary>A rate per kWh of load lost beyond the deductible, estimated from the customer's own meter history.</summary>
    public const string LostLoad = "lost-load";

    public static readonly IReadOnlyList<string> All = [Hourly, LostLoad];
}

/// <summary>Customer classes a product can be sold to; the applicant declares one and the insurer underwrites it.</summary>
public static class CustomerClasses
{
    public const string Industrial = "industrial";
    public const string Commercial = "commercial";
    public const string Residential = "residential";
    public static readonly IReadOnlyList<string> All = [Industrial, Commercial, Residential];
}

/// <summary>The premium rate for one class: basis points of the per-period cap (the sum insured) per 365 days of cover.</summary>
public sealed record ClassRate(string CustomerClass, long RateBasisPoints);

/// <summary>
/// What an insurer sells. Trigger: an unplanned outage lasting more than <see cref="ThresholdMinutes"/> (planned ones are
/// excluded). Payout: beyond <see cref="DeductibleMinutes"/> of covered time, <see cref="RatePerHourFen"/> per hour
/// (hourly) or <see cref="RatePerKwhFen"/> per kWh of estimated lost load (lost-load), capped per event and per policy
/// period. Industries empty = any industry.
/// </summary>
public sealed record ProductTerms(
    string Name, IReadOnlyList<string> EligibleClasses, IReadOnlyList<string> EligibleIndustries,
    long ThresholdMinutes, long DeductibleMinutes, string PayoutBasis, long RatePerHourFen, long RatePerKwhFen,
    long PerEventCapFen, long PerPeriodCapFen, IReadOnlyList<ClassRate> PremiumRates);

/// <summary>One published version of a product. Versions never change; a policy keeps the one it was sold under.</summary>
public sealed record ProductVersion(string ProductId, int Version, string InsurerId, ProductTerms Terms, long PublishedAt, string PublishedBy, string TxId);

/// <summary>The product's head: its insurer, latest version and whether it is still on sale.</summary>
public sealed record ProductHead(string ProductId, string InsurerId, int LatestVersion, bool OnSale);

public static class PolicyStatuses
{
    /// <summary>Applied and quoted; nothing paid yet.</summary>
    public const string Applied = "applied";
    /// <summary>The premium sits in escrow (payer: the holder, payee: the insurer) until the insurer accepts or declines.</summary>
    public const string PremiumHeld = "premium-held";
    public const string Active = "active";
    public const string Declined = "declined";
    public const string Cancelled = "cancelled";
    /// <summary>Closed after its period (and a grace for late restorations): no further claims.</summary>
    public const string Closed = "closed";
}

/// <summary>
/// A policy on one meter for [Start, End). <see cref="CoverEnd"/> is End, or the cancellation time. Claimed and paid
/// totals count against the per-period cap.
/// </summary>
public sealed record Policy(
    string PolicyId, string ProductId, int ProductVersion, string InsurerId, string HolderId, string MeterId,
    string CustomerClass, string Industry, long Start, long End, long CoverEnd, long PremiumFen, string Status,
    long ClaimedFen, long PaidFen, int Claims, long AppliedAt, string AppliedBy, long? ActivatedAt, long? ClosedAt,
    string? Reason, long RefundedFen, string FeederId, string Province);

public static class ClaimStatuses
{
    /// <summary>Owed but not yet paid (the insurer's account was short); retried by payUnpaid or a later evaluation.</summary>
    public const string Confirmed = "confirmed";
    public const string Paid = "paid";
    public const string Declined = "declined";
}

/// <summary>A span of covered outage time [From, To) counted by a claim; a later overlapping outage does not count it again.</summary>
public sealed record CoveredSpan(long From, long To);

/// <summary>A customer's contest of a declined claim and the insurer's answer.</summary>
public sealed record Dispute(
    string Evidence, string? EvidenceSm3, long ContestedAt, string ContestedBy,
    string? Answer, bool? Upheld, long? AmountFen, long? AnsweredAt, string? AnsweredBy);

/// <summary>
/// The outcome of one outage for one policy, keyed by both: there is never a second claim for the same pair, so a
/// replayed evaluation pays at most once. Amount is 0 for a declined claim.
/// </summary>
public sealed record Claim(
    string PolicyId, string OutageId, string ProductId, int ProductVersion, string InsurerId, string HolderId, string MeterId,
    string Status, string? Reason, long OutageStart, long OutageEnd, long CoveredMs, long ExcessMs, long LostWh, long AmountFen,
    IReadOnlyList<CoveredSpan> Spans, long EvaluatedAt, string EvaluatedTx, long? PaidAt, string? PaidTx, Dispute? Dispute);
