using System.Text.Json.Serialization;

namespace ConsortiumPortal.Contracts.Credit;

/// <summary>
/// Behaviour that moves a credit rating. Amount means: SettlementDefault the defaulted amount in fen; LatePayment the
/// days late; DemandResponse the delivered share of the committed reduction in percent (0..200); Exit 1 for a forced
/// exit, 0 for a voluntary one.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CreditEventKind>))]
public enum CreditEventKind { SettlementDefault, LatePayment, DemandResponse, Exit }

public sealed record CreditEvent(string OrganisationId, long Seq, CreditEventKind Kind, long Amount, string Reference, long At, string RecordedBy);

/// <summary>One line of a rating's explanation: what it is, the figure it is based on, the points it adds (negative: takes).</summary>
public sealed record RatingLine(string Label, string Detail, long Points, long? EventSeq);

/// <summary>
/// A rating as computed on chain at <see cref="ComputedAt"/>: the score (0..1000), its grade, the receivable financing
/// limit it allows (fen) and the lines that add up to it.
/// </summary>
public sealed record CreditRating(string OrganisationId, long Score, string Grade, long FinancingLimitFen, long ComputedAt, long EventCount, IReadOnlyList<RatingLine> Lines);

public static class CreditKeys
{
    public const string EventPrefix = "credit/event/";
    public const string RatingPrefix = "credit/rating/";
    public const string SequencePrefix = "credit/seq/";
    public static string Events(string organisationId) => $"{EventPrefix}{organisationId}/";
    public static string Event(string organisationId, long seq) => $"{EventPrefix}{organisationId}/{seq:D8}";
    public static string Rating(string organisationId) => RatingPrefix + organisationId;
    public static string Sequence(string organisationId) => SequencePrefix + organisationId;
}
