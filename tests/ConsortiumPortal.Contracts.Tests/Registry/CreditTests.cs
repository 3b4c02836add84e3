using ConsortiumPortal.Contracts.Credit;
using static ConsortiumPortal.Contracts.Tests.Registry.RegistryFixtures;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>Ratings computed on chain from recorded behaviour, explainable line by line, and the limits they feed.</summary>
public sealed class CreditTests : IDisposable
{
    private readonly RegistryChain _chain = new();
    public void Dispose() => _chain.Dispose();

    private CreditRating Rating(string org) => _chain.Read<CreditRating>(CreditKeys.Rating(org))!;

    private void Report(string by, string org, CreditEventKind kind, long amount, string reference = "ref") =>
        _chain.Ok(_chain.Credit(by, "recordEvent", new CreditContract.RecordArgs(org, kind, amount, reference)));

    [Fact]
    public void An_organisation_without_behaviour_has_the_base_rating_and_its_limit()
    {
        var rating = CreditEvents.Rating(_chain.View(), "retail-one", _chain.Now);
        Assert.Equal((750L, "A", 10_000_000_00L), (rating.Score, rating.Grade, rating.FinancingLimitFen));
        Assert.Equal(10_000_000_00L, CreditEvents.FinancingLimitFen(_chain.View(), "retail-one", _chain.Now));
        Assert.Equal(["Base score", "Grade"], rating.Lines.Select(l => l.Label));
    }

    [Fact]
    public void Each_event_is_one_line_and_the_lines_add_up_to_the_score()
    {
        Report(Center, "retail-one", CreditEventKind.SettlementDefault, 25_000_000_00, "settlement 2026-10"); // 25m yuan: -80 - min(120, 250) = -200
        Report(Center, "retail-one", CreditEventKind.LatePayment, 3, "invoice 88");                         // -5 - 3 = -8
        Report("grid-east", "retail-one", CreditEventKind.DemandResponse, 120, "DR event 7");               // (120-90)/2 = +15
        Report(Center, "retail-one", CreditEventKind.DemandResponse, 40, "DR event 8");                     // (40-90)/2 = -25
        var rating = Rating("retail-one");
        Assert.Equal([750L, -200, -8, 15, -25, 0], rating.Lines.Select(l => l.Points));
        Assert.Equal(532, rating.Score);
        Assert.Equal(rating.Score, rating.Lines.Sum(l => l.Points));
        Assert.Equal(("BB", 2_000_000_00L), (rating.Grade, rating.FinancingLimitFen));
        Assert.Equal(4, rating.EventCount);
        Assert.Equal([1L, 2, 3, 4], rating.Lines.Where(l => l.EventSeq is not null).Select(l => l.EventSeq!.Value));
        Assert.Contains("settlement 2026-10", rating.Lines[1].Detail);
    }

    [Fact]
    public void Scores_are_bounded_and_old_behaviour_counts_half_after_a_refresh()
    {
        for (var i = 0; i < 5; i++) Report(Center, "gen-wind", CreditEventKind.SettlementDefault, 100_000_000_00, $"d{i}"); // -200 each
        var rating = Rating("gen-wind");
        Assert.Equal((0L, "C", 0L), (rating.Score, rating.Grade, rating.FinancingLimitFen));
        Assert.Equal("Bounded to 0..1000", rating.Lines[^2].Label);
        Assert.Equal(0, rating.Lines.Sum(l => l.Points));

        _chain.Now += CreditEvents.OneYearMs + 10_000;
        _chain.Ok(_chain.Credit("nea-reg", "refresh", new CreditContract.RefreshArgs("gen-wind")));
        rating = Rating("gen-wind");
        Assert.Equal(250, rating.Score); // 750 - 5 * 100
        Assert.All(rating.Lines.Where(l => l.EventSeq is not null), l => Assert.Contains("counts half", l.Detail));
    }

    [Fact]
    public void Only_market_operators_report_and_never_on_themselves()
    {
        _chain.Refuse(_chain.Credit("retail-one", "recordEvent", new CreditContract.RecordArgs("gen-wind", CreditEventKind.LatePayment, 1, "r")), "cannot be reported by this caller");
        _chain.Refuse(_chain.Credit("grid-east", "recordEvent", new CreditContract.RecordArgs("gen-wind", CreditEventKind.SettlementDefault, 1, "r")), "cannot be reported");
        _chain.Refuse(_chain.Credit(Center, "recordEvent", new CreditContract.RecordArgs("gen-wind", CreditEventKind.Exit, 1, "r")), "cannot be reported");
        _chain.Refuse(_chain.Credit(Center, "recordEvent", new CreditContract.RecordArgs(Center, CreditEventKind.LatePayment, 1, "r")), "cannot report on its own credit");
        _chain.Refuse(_chain.Credit(Center, "recordEvent", new CreditContract.RecordArgs("ghost", CreditEventKind.LatePayment, 1, "r")), "is not a member");
        _chain.Refuse(_chain.Credit(Center, "recordEvent", new CreditContract.RecordArgs("gen-wind", CreditEventKind.LatePayment, 0, "r")), "out of range");
        _chain.Refuse(_chain.Credit(Center, "recordEvent", new CreditContract.RecordArgs("gen-wind", CreditEventKind.DemandResponse, 201, "r")), "out of range");
        _chain.Refuse(_chain.Credit(Center, "recordEvent", new CreditContract.RecordArgs("gen-wind", CreditEventKind.LatePayment, 1, "")), "reference");
    }

    [Fact]
    public void Other_contracts_record_behaviour_through_the_static_registry()
    {
        _chain.Ok(_chain.Tx(Center, "probe", "credit", new ObligationProbeContract.CreditArgs("steel-works", CreditEventKind.LatePayment, 30, "receivable R-1")));
        var rating = Rating("steel-works");
        Assert.Equal(750 - 30, rating.Score);
        Assert.Equal("probe", Assert.Single(_chain.Scan<CreditEvent>(CreditKeys.Events("steel-works"))).RecordedBy);
    }
}
