using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;

namespace ConsortiumPortal.Contracts.Credit;

/// <summary>
/// Credit behaviour recorded by the contracts that observe it (settlement defaults, late payments, demand-response
/// performance, exits), and the rating computed from it. Recording recomputes the rating in the same transaction, so
/// a rating is always the formula of docs/registry.md applied to the recorded events at the block time it names.
/// Integer arithmetic only.
/// </summary>
public static class CreditEvents
{
    public const long BaseScore = 750;
    public const long MaxScore = 1_000;
    public const long OneYearMs = 365L * 86_400_000;
    private const long Yuan = 100; // fen

    /// <summary>Grades from the top: the lowest score of each grade and the receivable financing limit it allows (fen).</summary>
    public static readonly IReadOnlyList<(string Grade, long MinScore, long LimitFen)> Grades =
    [
        ("AAA", 900, 50_000_000 * Yuan),
        ("AA", 800, 20_000_000 * Yuan),
        ("A", 700, 10_000_000 * Yuan),
        ("BBB", 600, 5_000_000 * Yuan),
        ("BB", 500, 2_000_000 * Yuan),
        ("B", 400, 500_000 * Yuan),
        ("C", 0, 0),
    ];

    /// <summary>Records one event for an organisation and recomputes its rating. Called inside other contracts' transactions.</summary>
    public static CreditEvent Record(ContractState state, string organisationId, CreditEventKind kind, long amount, string reference, long blockTime, string recordedBy = "")
    {
        ContractContext.Require(state.Exists(MembershipContract.Keys.Organisation(organisationId ?? "")), $"organisation \"{organisationId}\" is not a member");
        ContractContext.Require(Enum.IsDefined(kind), "unknown credit event kind");
        ContractContext.Require(!string.IsNullOrWhiteSpace(reference) && reference.Length <= 128, "a credit event needs a reference of 1..128 characters");
        ContractContext.Require(kind switch
        {
            CreditEventKind.SettlementDefault => amount > 0 && amount <= Chain.Encoding.CanonicalJson.MaxSafeInteger,
            CreditEventKind.LatePayment => amount is > 0 and <= 3_650,
            CreditEventKind.DemandResponse => amount is >= 0 and <= 200,
            CreditEventKind.Exit => amount is 0 or 1,
            _ => false,
        }, $"amount {amount} is out of range for {kind}");
        var seq = state.GetInteger(CreditKeys.Sequence(organisationId!)) + 1;
        state.PutInteger(CreditKeys.Sequence(organisationId!), seq);
        var recorded = new CreditEvent(organisationId!, seq, kind, amount, reference, blockTime, recordedBy);
        state.Put(CreditKeys.Event(organisationId!, seq), recorded);
        Recompute(state, organisationId!, blockTime);
        return recorded;
    }

    public static IReadOnlyList<CreditEvent> EventsOf(ContractState state, string organisationId) =>
        state.Scan<CreditEvent>(CreditKeys.Events(organisationId)).Select(p => p.Value).ToList();

    /// <summary>Recomputes and stores the rating at <paramref name="now"/> (events older than a year count half).</summary>
    public static CreditRating Recompute(ContractState state, string organisationId, long now)
    {
        var rating = Compute(organisationId, EventsOf(state, organisationId), now);
        state.Put(CreditKeys.Rating(organisationId), rating);
        return rating;
    }

    /// <summary>The stored rating, or the base rating of an organisation with no recorded behaviour.</summary>
    public static CreditRating Rating(ContractState state, string organisationId, long now) =>
        state.Get<CreditRating>(CreditKeys.Rating(organisationId)) ?? Compute(organisationId, [], now);

    /// <summary>What other applications read: how much receivable an organisation may finance, in fen.</summary>
    public static long FinancingLimitFen(ContractState state, string organisationId, long now) => Rating(state, organisationId, now).FinancingLimitFen;

    /// <summary>The formula, line by line (docs/registry.md). Pure: the same events and time give the same rating.</summary>
    public static CreditRating Compute(string organisationId, IReadOnlyList<CreditEvent> events, long now)
    {
        var lines = new List<RatingLine> { new("Base score", "every member starts here", BaseScore, null) };
        var score = BaseScore;
        foreach (var e in events)
        {
            var (label, detail, points) = Points(e);
            if (points != 0 && now - e.At > OneYearMs)
            {
                points /= 2; // integer division toward zero: old behaviour counts half
                detail += "; older than a year, counts half";
            }
            lines.Add(new RatingLine(label, $"{detail} ({e.Reference})", points, e.Seq));
            score += points;
        }
        var clamped = Math.Clamp(score, 0, MaxScore);
        if (clamped != score) lines.Add(new RatingLine("Bounded to 0..1000", $"sum was {score}", clamped - score, null));
        var (grade, minScore, limit) = Grades.First(g => clamped >= g.MinScore);
        lines.Add(new RatingLine("Grade", $"{grade}: score {clamped} >= {minScore}; receivable financing limit {limit / Yuan} yuan", 0, null));
        return new CreditRating(organisationId, clamped, grade, limit, now, events.Count, lines);
    }

    private static (string Label, string Detail, long Points) Points(CreditEvent e) => e.Kind switch
    {
        // 80 points, plus 1 per 100,000 yuan defaulted, at most 120 more.
        CreditEventKind.SettlementDefault => ("Settlement default", $"{e.Amount / Yuan} yuan defaulted: -80 - min(120, yuan / 100000)",
            -(80 + Math.Min(120, e.Amount / (100_000 * Yuan)))),
        // 5 points, plus 1 per day late, at most 25 more.
        CreditEventKind.LatePayment => ("Late payment", $"{e.Amount} day(s) late: -5 - min(25, days)", -(5 + Math.Min(25, e.Amount))),
        // Half a point per percent above or below 90% delivered, between -40 and +15.
        CreditEventKind.DemandResponse => ("Demand response", $"{e.Amount}% of the committed reduction delivered: (percent - 90) / 2 within -40..+15",
            Math.Clamp((e.Amount - 90) / 2, -40, 15)),
        CreditEventKind.Exit => e.Amount == 1 ? ("Forced exit", "removed from the market by a trading centre: -100", -100) : ("Voluntary exit", "left the market: no effect", 0),
        _ => ("Unknown", "", 0),
    };
}
