using System.Globalization;
using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Components;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Insurance;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Seed.Insurance;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Claim = ConsortiumPortal.Contracts.Insurance.Claim;

namespace ConsortiumPortal.Tests.Insurance;

/// <summary>A fake insurance read model with the real visibility rules.</summary>
internal sealed class FakeInsuranceQueries : IInsuranceQueries
{
    public List<ProductView> Products { get; } = [];
    public List<Policy> Policies { get; } = [];
    public List<Claim> Claims { get; } = [];
    public List<ClaimFilter> ClaimRequests { get; } = [];

    public Task<IReadOnlyList<ProductView>> ProductsAsync() => Task.FromResult<IReadOnlyList<ProductView>>(Products);
    public Task<IReadOnlyList<ProductVersion>> VersionsAsync(string productId) => Task.FromResult<IReadOnlyList<ProductVersion>>([]);

    public Task<PolicyResults> PoliciesAsync(ClaimsPrincipal user, PolicyFilter filter)
    {
        var visible = Policies.Where(p => InsuranceAccess.MaySee(user, p)).ToList();
        return Task.FromResult(new PolicyResults(visible.Skip(filter.Page * filter.PageSize).Take(filter.PageSize).ToList(), visible.Count));
    }

    public Task<Policy?> PolicyAsync(ClaimsPrincipal user, string policyId) =>
        Task.FromResult(Policies.FirstOrDefault(p => p.PolicyId == policyId && InsuranceAccess.MaySee(user, p)));

    public Task<IReadOnlyList<Claim>> ClaimsOfAsync(ClaimsPrincipal user, string policyId) =>
        Task.FromResult<IReadOnlyList<Claim>>(Claims.Where(c => c.PolicyId == policyId && InsuranceAccess.MaySee(user, c)).ToList());

    public Task<ClaimResults> ClaimsAsync(ClaimsPrincipal user, ClaimFilter filter)
    {
        ClaimRequests.Add(filter);
        var visible = Claims.Where(c => InsuranceAccess.MaySee(user, c)).Where(c => filter.Status is null || c.Status == filter.Status).ToList();
        return Task.FromResult(new ClaimResults(visible.Skip(filter.Page * filter.PageSize).Take(filter.PageSize).ToList(), visible.Count));
    }

    public Task<IReadOnlyList<Meter>> MyMetersAsync(ClaimsPrincipal user) => Task.FromResult<IReadOnlyList<Meter>>(
        [new Meter("M-STEEL-01", "steel-works", "mill", MeterTypes.Consumption, null, 80_000_000, "Jiangsu", "Mill No. 1", "JS-F04", "grid-east", 0, 1)]);

    public Task<RiskView?> RiskAsync(ClaimsPrincipal user) => Task.FromResult<RiskView?>(InsuranceAccess.MaySeeRisk(user)
        ? new RiskView([new ExposureRow("JS-F04", 2, 20_000_000, 300_000)], [new ExposureRow("Jiangsu", 2, 20_000_000, 300_000)],
            [new ExposureRow("industrial", 2, 20_000_000, 300_000)], [new ProductBook("picc-outage-hourly", 300_000, 500_000, 0, 1, 1)], 4)
        : null);

    public Task<IReadOnlyList<BacktestRow>?> BacktestAsync(ClaimsPrincipal user, ProductTerms terms) => Task.FromResult<IReadOnlyList<BacktestRow>?>(
        [new BacktestRow("OUT-1", "M-STEEL-01", "steel-works", 0, 3 * 3_600_000, false, true, null, 500_000, 0, 1_000_000),
         new BacktestRow("OUT-2", "M-STEEL-01", "steel-works", 0, 40 * 60_000, false, false, "too short", 0, 0, 200_000)]);
}

/// <summary>A block feed over a node that never starts: pages subscribe to it, nothing is ever raised.</summary>
internal static class TestBlockFeed
{
    public static BlockFeed Create() => new(new ConsortiumPortal.Node.NodeHostedService(Microsoft.Extensions.Options.Options.Create(new ConsortiumPortal.Node.NodeSettings()),
        Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, null!, null!), Microsoft.Extensions.Logging.Abstractions.NullLogger<BlockFeed>.Instance);
}

/// <summary>Records what the pages ask to sign and answers with a committed outcome.</summary>
internal sealed class FakeInsuranceActions : IInsuranceActions
{
    public List<(string Method, object Args)> Calls { get; } = [];

    private Task<TxOutcome> Ok(string method, object args)
    {
        Calls.Add((method, args));
        return Task.FromResult(new TxOutcome(new string('a', 64), 7, 0, new TxResult(new string('a', 64), TxResult.Ok, null, [], null), null));
    }

    public Task<TxOutcome> PublishAsync(ClaimsPrincipal user, string productId, ProductTerms terms) => Ok("publishProduct", new InsuranceContract.PublishProductArgs(productId, terms));
    public Task<TxOutcome> SetOnSaleAsync(ClaimsPrincipal user, string productId, bool onSale) => Ok("setProductOnSale", onSale);
    public Task<TxOutcome> ApplyAsync(ClaimsPrincipal user, InsuranceContract.ApplyArgs args) => Ok("apply", args);
    public Task<TxOutcome> PayPremiumAsync(ClaimsPrincipal user, string policyId) => Ok("payPremium", policyId);
    public Task<TxOutcome> ActivateAsync(ClaimsPrincipal user, string policyId, bool acceptBackdated) => Ok("activate", acceptBackdated);
    public Task<TxOutcome> DeclineAsync(ClaimsPrincipal user, string policyId, string reason) => Ok("decline", reason);
    public Task<TxOutcome> CancelAsync(ClaimsPrincipal user, string policyId) => Ok("cancel", policyId);
    public Task<TxOutcome> CloseAsync(ClaimsPrincipal user, string policyId) => Ok("close", policyId);
    public Task<TxOutcome> EvaluateAsync(ClaimsPrincipal user, string outageId, string? cursor) => Ok("evaluateOutage", outageId);
    public Task<TxOutcome> PayUnpaidAsync(ClaimsPrincipal user, string insurerId) => Ok("payUnpaid", insurerId);
    public Task<TxOutcome> ContestAsync(ClaimsPrincipal user, string policyId, string outageId, string evidence, string? evidenceSm3) => Ok("contest", evidence);
    public Task<TxOutcome> AnswerAsync(ClaimsPrincipal user, string policyId, string outageId, bool uphold, long amountFen, string answer) => Ok("answer", (uphold, amountFen));
}

/// <summary>bunit: the products page per role, a policy's actions and claims, the claims list and the risk view.</summary>
public sealed class InsuranceComponentTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();
    private readonly FakeInsuranceQueries _queries = new();
    private readonly FakeInsuranceActions _actions = new();
    private ClaimsPrincipal _user = new(new ClaimsIdentity());

    public InsuranceComponentTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLocalization();
        _ctx.Services.AddSingleton<IInsuranceQueries>(_queries);
        _ctx.Services.AddSingleton<IInsuranceActions>(_actions);
        _ctx.Services.AddSingleton(TestBlockFeed.Create());
        _ctx.Services.AddCascadingValue(_ => Task.FromResult(new AuthenticationState(_user)));
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        _queries.Products.Add(new ProductView(InsuranceSeed.HourlyProduct, "pic-insure", 1, true, InsuranceSeed.Hourly, 0, new string('b', 64), 1));
        _queries.Policies.Add(Policy("p-steel", "steel-works", PolicyStatuses.Active));
        _queries.Policies.Add(Policy("p-held", "steel-works", PolicyStatuses.PremiumHeld));
        _queries.Policies.Add(Policy("p-data", "data-park", PolicyStatuses.Active));
        _queries.Claims.Add(ClaimOf("p-steel", "OUT-A", ClaimStatuses.Paid, 500_000));
        _queries.Claims.Add(ClaimOf("p-steel", "OUT-B", ClaimStatuses.Declined, 0, "the outage lasted 40 min; the trigger needs more than 60 min"));
        _queries.Claims.Add(ClaimOf("p-data", "OUT-A", ClaimStatuses.Paid, 100_000));
    }

    private static Policy Policy(string id, string holder, string status) => new(id, InsuranceSeed.HourlyProduct, 1, "pic-insure", holder, "M-STEEL-01",
        "industrial", "steel", 1_000, 1_000 + 365L * 86_400_000, 1_000 + 365L * 86_400_000, 300_000, status, 500_000, 500_000, 2, 500, "x", 2_000, null, null, 0, "JS-F04", "Jiangsu");

    private static Claim ClaimOf(string policy, string outage, string status, long amount, string? reason = null) => new(policy, outage, InsuranceSeed.HourlyProduct, 1,
        "pic-insure", policy == "p-data" ? "data-park" : "steel-works", "M-STEEL-01", status, reason, 10_000_000, 20_800_000, 10_800_000, 9_000_000, 0, amount, [],
        20_900_000, "tx", status == ClaimStatuses.Paid ? 20_904_000 : null, status == ClaimStatuses.Paid ? new string('c', 64) : null, null);

    private void SignIn(string organisation, params string[] roles)
    {
        var claims = new List<System.Security.Claims.Claim> { new(ClaimTypes.Name, organisation + "/operator"), new(PortalClaimTypes.Organisation, organisation) };
        claims.AddRange(roles.Select(r => new System.Security.Claims.Claim(ClaimTypes.Role, r)));
        _user = new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void A_consumer_sees_the_products_and_the_apply_form_but_not_the_publish_form()
    {
        SignIn("steel-works", "Consumer");
        var cut = _ctx.Render<Products>();
        cut.WaitForAssertion(() => Assert.Contains("Outage cover, hourly", cut.Find("[data-testid=product-picc-outage-hourly]").TextContent));
        Assert.NotEmpty(cut.FindAll("[data-testid=apply-submit]"));
        Assert.Empty(cut.FindAll("[data-testid=publish-submit]"));
    }

    [Fact]
    public void An_insurer_publishes_terms_typed_in_yuan_as_fen()
    {
        SignIn("pic-insure", "Insurer");
        var cut = _ctx.Render<Products>();
        Assert.Empty(cut.FindAll("[data-testid=apply-submit]"));
        cut.Find("[data-testid=publish-id] input, input[data-testid=publish-id]").Change("e2e-cover");
        cut.Find("[data-testid=publish-name] input, input[data-testid=publish-name]").Change("E2E cover");
        cut.Find("[data-testid=publish-rate] input, input[data-testid=publish-rate]").Change("1234.5");
        cut.Find("[data-testid=publish-submit]").Click();
        cut.WaitForAssertion(() => Assert.Single(_actions.Calls));
        var published = (InsuranceContract.PublishProductArgs)_actions.Calls[0].Args;
        Assert.Equal("e2e-cover", published.ProductId);
        Assert.Equal(123_450, published.Terms.RatePerHourFen);
        Assert.Equal(2_000_000, published.Terms.PerEventCapFen);
        Assert.Equal([new ClassRate("industrial", 300), new ClassRate("commercial", 400)], published.Terms.PremiumRates);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=tx-result]")));
    }

    [Fact]
    public void Bad_terms_are_explained_before_anything_is_signed()
    {
        var (terms, problem) = PublishProductForm.Parse("x", ["industrial"], "", 60, 30, PayoutBases.Hourly, "12.345", "100", "100", "industrial=300");
        Assert.Null(terms);
        Assert.Contains("rate", problem);
        (terms, problem) = PublishProductForm.Parse("x", ["industrial"], "", 60, 30, PayoutBases.Hourly, "10", "100", "100", "industrial");
        Assert.Contains("class=basis points", problem);
    }

    [Fact]
    public void The_holder_sees_paid_and_declined_claims_and_may_contest_the_declined_one()
    {
        SignIn("steel-works", "Consumer");
        var cut = _ctx.Render<PolicyPage>(p => p.Add(c => c.PolicyId, "p-steel"));
        cut.WaitForAssertion(() => Assert.Equal("paid", cut.Find("[data-testid=claim-status-OUT-A]").TextContent.Trim()));
        Assert.Contains("5,000.00", cut.Find("[data-testid=claim-amount-OUT-A]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=contest-submit-OUT-A]"));
        cut.Find("[data-testid=contest-evidence-OUT-B] textarea, textarea[data-testid=contest-evidence-OUT-B]").Change("SCADA log: 75 minutes");
        cut.Find("[data-testid=contest-submit-OUT-B]").Click();
        cut.WaitForAssertion(() => Assert.Equal(("contest", (object)"SCADA log: 75 minutes"), _actions.Calls.Single()));
        Assert.Empty(cut.FindAll("[data-testid=policy-activate]"));
    }

    [Fact]
    public void The_insurer_activates_a_policy_whose_premium_is_held()
    {
        SignIn("pic-insure", "Insurer");
        var cut = _ctx.Render<PolicyPage>(p => p.Add(c => c.PolicyId, "p-held"));
        cut.WaitForElement("[data-testid=policy-activate]").Click();
        cut.WaitForAssertion(() => Assert.Equal("activate", _actions.Calls.Single().Method));
        Assert.Empty(cut.FindAll("[data-testid=policy-pay]"));
    }

    [Fact]
    public void Another_member_does_not_see_the_policy()
    {
        SignIn("data-park", "Consumer");
        var other = _ctx.Render<PolicyPage>(p => p.Add(c => c.PolicyId, "p-held"));
        other.WaitForElement("[data-testid=policy-not-found]");
    }

    [Fact]
    public void The_claims_list_is_paged_on_the_server_and_shows_only_the_organisations_claims()
    {
        SignIn("data-park", "Consumer");
        var cut = _ctx.Render<Claims>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid^=claim-status-]")));
        Assert.NotEmpty(cut.FindAll("[data-testid=claim-status-p-data-OUT-A]"));
        Assert.Equal(25, _queries.ClaimRequests.Last().PageSize);
    }

    [Fact]
    public void The_risk_view_shows_exposure_the_book_and_a_back_test_with_basis_risk()
    {
        SignIn("pic-insure", "Insurer");
        var cut = _ctx.Render<Risk>();
        cut.WaitForAssertion(() => Assert.Contains("JS-F04", cut.Find("[data-testid=risk-exposure-feeder]").TextContent));
        Assert.Contains("picc-outage-hourly", cut.Find("[data-testid=risk-books]").TextContent);
        cut.Find("[data-testid=backtest-run]").Click();
        cut.WaitForAssertion(() => Assert.Contains("2 outage-meter pairs, 1 triggered", cut.Find("[data-testid=backtest-summary]").TextContent));
        Assert.Contains("1 pairs lost load without a payout", cut.Find("[data-testid=backtest-summary]").TextContent);
    }
}
