namespace ConsortiumPortal.Contracts.DemandResponse;

/// <summary>
/// A demand-response programme of a grid company (OpenADR 3 "program"). Prices are fen per kWh; the minimum
/// performance is permille of the committed energy below which the shortfall is penalised at the penalty price.
/// Enrolment closes <see cref="NoticeMs"/> before an event starts (the notice deadline).
/// </summary>
public sealed record DrProgram(
    string ProgramId, string Name, string GridCompanyId, string BaselineMethod, long IncentiveFenPerKwh, long PenaltyFenPerKwh,
    long MinPerformancePermille, long NoticeMs, long MinCommittedW, IReadOnlyList<string> Provinces, long CreatedAt, string CreatedBy);

public static class DrEventStatus
{
    public const string Published = "published";
    public const string Cancelled = "cancelled";
    public const string Settled = "settled";
}

/// <summary>
/// An event (OpenADR 3 "event"): a window of whole 15-minute intervals within one UTC day on a feeder and/or in a
/// province, and the reduction the grid company wants (W). Counters follow enrolment and settlement.
/// </summary>
public sealed record DrEvent(
    string EventId, string ProgramId, string GridCompanyId, string? FeederId, string? Province, long Start, long End,
    long TargetW, string Status, int Version, long PublishedAt, long NoticeDeadline,
    int Participants, long CommittedW, int Settled, long IncentiveFen, long PenaltyFen, long DeliveredWh, string? CancelReason)
{
    public int Intervals => (int)((End - Start) / Baselines.IntervalMs);
}

public static class DrParticipantKinds
{
    public const string Consumer = "consumer";
    public const string Aggregator = "aggregator";
}

/// <summary>An organisation's opt-in to an event: its meters bid as one with a committed reduction (W).</summary>
public sealed record DrEnrolment(
    string EventId, string ParticipantId, string Kind, IReadOnlyList<string> MeterIds, long CommittedW, string EnrolledBy, long EnrolledAt);

/// <summary>A meter's owner lets an aggregator enrol it (and receive its payout, which the aggregator passes on pro rata).</summary>
public sealed record DrMembership(string AggregatorId, string MeterId, string OwnerId, string AuthorisedBy, long AuthorisedAt);

/// <summary>One meter's part of a settled participant (the baseline report and the delta-usage report of one meter).</summary>
public sealed record DrMeterReport(
    string MeterId, string OwnerId, IReadOnlyList<long> DaysUsed, long AdjustmentPermille, IReadOnlyList<long> BaselineWh,
    IReadOnlyList<long> ActualWh, long DeliveredWh, bool OutageDuringEvent);

/// <summary>A member's share of an aggregator's payout.</summary>
public sealed record DrShare(string OrganisationId, long DeliveredWh, long AmountFen);

/// <summary>
/// A settled participant (OpenADR 3 "report"): per event interval the portfolio's baseline, actual and delivered
/// reduction (floored at 0), the credited energy (delivered capped at the commitment), and the money that moved.
/// </summary>
public sealed record DrResult(
    string EventId, string ParticipantId, string Kind, long CommittedW, IReadOnlyList<long> BaselineWh, IReadOnlyList<long> ActualWh,
    IReadOnlyList<long> DeliveredWh, long CreditedWh, long RequiredWh, long IncentiveFen, long PenaltyFen, long PenaltyCollectedFen,
    long PerformancePermille, IReadOnlyList<DrShare> Shares, IReadOnlyList<DrMeterReport> Meters, long SettledAt, string TxId);
