using System.Globalization;
using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Features.Vouchers;
using ConsortiumPortal.Identity;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Vouchers;

/// <summary>A fake read side: canned holdings (paged as asked), a trace, quota rows; records what the pages asked for.</summary>
internal sealed class FakeVoucherQueries : IVoucherQueries
{
    public List<HoldingEntry> Holdings { get; } = [];
    public List<HoldingQuery> HoldingRequests { get; } = [];
    public SerialTrace? Trace { get; set; }
    public List<QuotaResult> Quota { get; } = [];

    public Task<Page<HoldingEntry>> HoldingsAsync(ClaimsPrincipal user, string? organisationId, HoldingQuery query)
    {
        HoldingRequests.Add(query);
        var rows = Holdings.Where(h => query.Status is null || h.Status == query.Status).ToList();
        return Task.FromResult(new Page<HoldingEntry>(rows.Skip(query.Skip).Take(query.Take).ToList(), rows.Count));
    }

    public Task<IReadOnlyDictionary<string, long>> HoldingTotalsAsync(ClaimsPrincipal user) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(Holdings.GroupBy(h => h.Status).ToDictionary(g => g.Key, g => g.Sum(h => h.End - h.Start)));
    public Task<OrderBook> BookAsync(string? voucherClass) => Task.FromResult(new OrderBook([new DepthLevel(4_500, 10, 1)], [new DepthLevel(5_000, 30, 2)]));
    public Task<IReadOnlyList<VoucherOrder>> OrdersAsync(ClaimsPrincipal user, bool openOnly) => Task.FromResult<IReadOnlyList<VoucherOrder>>([]);
    public List<VoucherDeal> Deals { get; } = [];
    public Task<IReadOnlyList<VoucherDeal>> DealsAsync(ClaimsPrincipal user) => Task.FromResult<IReadOnlyList<VoucherDeal>>(Deals);
    public Task<Page<VoucherTrade>> TradesAsync(ClaimsPrincipal user, int skip, int take) => Task.FromResult(new Page<VoucherTrade>([], 0));
    public Task<IReadOnlyList<QuotaResult>> QuotaAsync(ClaimsPrincipal user, int year, string? province) => Task.FromResult<IReadOnlyList<QuotaResult>>(Quota);
    public Task<SerialTrace?> TraceAsync(long serial) => Task.FromResult(Trace is { } t && serial >= t.Issuance.FirstSerial && serial < t.Issuance.FirstSerial + t.Issuance.Quantity ? t with { Serial = serial, Code = VoucherState.SerialCode(serial) } : null);
    public Task<IReadOnlyList<VoucherStatistic>> StatisticsAsync() => Task.FromResult<IReadOnlyList<VoucherStatistic>>([new VoucherStatistic("jiangsu", "wind", "2025-06", 1_234, 3)]);
}

/// <summary>bunit: the holdings page pages on the server, the trace shows every step or a readable error, the quota dashboard flags shortfalls.</summary>
public sealed class VoucherComponentTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();
    private readonly FakeVoucherQueries _fake = new();
    private static readonly VoucherIssuance Issuance = new("I000000001", "M-WIND-01", "gen-wind", "wind", VoucherClasses.NonHydro, "jiangsu",
        0, 3_600_000, 1, 100, 100_000_000, 0, 0, "meter", null, 3_600_000, 4_000_000_000_000, "px-center/operator", "px-center", new string('a', 64));

    public VoucherComponentTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLocalization();
        _ctx.Services.AddSingleton<IVoucherQueries>(_fake);
        _ctx.Services.AddSingleton(new PersonSigner(null!)); // rendering only; no test here submits
        _ctx.Services.AddSingleton<ConsortiumPortal.Features.Dashboard.IBlockStream>(new NoBlocks());
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "gen-wind/operator"), new Claim(PortalClaimTypes.Organisation, "gen-wind"),
            new Claim(ClaimTypes.Role, "Generator")], "test", ClaimTypes.Name, ClaimTypes.Role));
        _ctx.Services.AddCascadingValue(_ => Task.FromResult(new AuthenticationState(user)));
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
    }

    private sealed class NoBlocks : ConsortiumPortal.Features.Dashboard.IBlockStream
    {
        public event Action<ConsortiumPortal.Components.BlockSummary>? BlockCommitted { add { } remove { } }
        public IReadOnlyList<ConsortiumPortal.Components.BlockSummary> Recent => [];
    }

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void My_certificates_asks_the_server_for_one_page_of_active_ranges_and_shows_totals()
    {
        for (var i = 0; i < 45; i++)
            _fake.Holdings.Add(new HoldingEntry($"I{i + 1:D9}-000001", i * 10 + 1, i * 10 + 11, RangeStatuses.Active, VoucherClasses.NonHydro, "jiangsu", "wind", 0, 4_000_000_000_000));
        _fake.Holdings.Add(new HoldingEntry("I000000099-000002", 1_000, 1_005, RangeStatuses.Retired, VoucherClasses.Hydro, "sichuan", "hydro", 0, 4_000_000_000_000));
        _ctx.Render<MudBlazor.MudPopoverProvider>();
        var page = _ctx.Render<MyCertificates>();
        page.WaitForAssertion(() => Assert.Equal(20, page.FindAll("[data-testid=holding-quantity]").Count));
        var request = _fake.HoldingRequests[^1];
        Assert.Equal((RangeStatuses.Active, 0, 20), (request.Status, request.Skip, request.Take));
        Assert.Contains("450 MWh", page.Find("[data-testid=total-active]").TextContent);
        Assert.Contains("5 MWh", page.Find("[data-testid=total-retired]").TextContent);
        Assert.Contains("GV000000000000001 – GV000000000000010", page.Markup);
    }

    [Fact]
    public void The_trace_shows_every_step_with_its_transaction_and_an_unknown_serial_is_a_readable_message()
    {
        _fake.Trace = new SerialTrace(15, "GV000000000000015", Issuance, "I000000001-000004", RangeStatuses.Retired, "retail-one",
        [
            new TraceStep(1, new string('1', 64), "issued", "I000000001-000001", 1, 101, "gen-wind", null, "meter M-WIND-01"),
            new TraceStep(2, new string('2', 64), "trade", "I000000001-000003", 1, 31, "retail-one", "gen-wind", "T000000001: 30 MWh at 4000 fen/MWh"),
            new TraceStep(3, new string('3', 64), "retired", "I000000001-000004", 11, 21, "retail-one", null, "quota 2025"),
        ]);
        IRenderedComponent<Trace> Open(string serial)
        {
            var nav = _ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
            nav.NavigateTo(nav.GetUriWithQueryParameter("serial", serial));
            return _ctx.Render<Trace>();
        }
        var page = Open("15");
        page.WaitForAssertion(() => Assert.Equal("GV000000000000015", page.Find("[data-testid=trace-code]").TextContent));
        Assert.NotNull(page.Find("[data-testid=trace-step-issued]"));
        Assert.Contains("gen-wind → retail-one", page.Find("[data-testid=trace-step-trade]").TextContent);
        Assert.Contains(new string('3', 64), page.Find("[data-testid=trace-step-retired]").TextContent);
        Assert.Contains("1,234", page.Find("[data-testid=voucher-stats]").TextContent);

        var missing = Open("GV999");
        missing.WaitForAssertion(() => Assert.Contains("GV000000000000999 has not been issued", missing.Find("[data-testid=trace-error]").TextContent));
        var bad = Open("hello");
        bad.WaitForAssertion(() => Assert.Contains("GV followed by up to 15 digits", bad.Find("[data-testid=trace-error]").TextContent));
    }

    [Fact]
    public void The_quota_dashboard_flags_entities_below_their_minimum()
    {
        _fake.Quota.Add(new QuotaResult("steel-works", "shanghai", 2026, 9_500, 2_250, 980, 2_368, 1_031, 2_500, 1_000));
        _fake.Quota.Add(new QuotaResult("data-park", "shanghai", 2026, 10_000, 4_000, 2_000, 4_000, 2_000, 2_500, 1_000));
        _ctx.Render<MudBlazor.MudPopoverProvider>();
        var page = _ctx.Render<Quota>();
        page.WaitForAssertion(() => Assert.Contains("23.68 %", page.Find("[data-testid=quota-table]").TextContent));
        var rows = page.FindAll("[data-testid=quota-table] tbody tr");
        Assert.Contains("Below minimum", rows[0].TextContent);
        Assert.Contains("Meets", rows[1].TextContent);
        Assert.NotNull(page.Find("[data-testid=quota-chart]"));
    }

    [Fact]
    public void The_market_draws_the_depth_chart_lists_price_levels_and_lets_only_the_named_buyer_accept_a_deal()
    {
        _fake.Deals.Add(new VoucherDeal("D000000001", "gen-hydro", "gen-wind", "M-HYDRO-01@2025060100-000002", 4_000, 20, DealStatuses.Proposed, 0, "gen-hydro/operator", "t", null, null));
        _fake.Deals.Add(new VoucherDeal("D000000002", "gen-wind", "retail-one", "M-WIND-01@2025060100-000002", 4_000, 20, DealStatuses.Proposed, 0, "gen-wind/operator", "t", null, null));
        _ctx.Render<MudBlazor.MudPopoverProvider>();
        var page = _ctx.Render<Market>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=depth-chart]")));
        var book = page.Find("[data-testid=order-book]").TextContent;
        Assert.Contains("45.00", book);
        Assert.Contains("50.00", book);
        Assert.NotNull(page.Find("[data-testid=deal-D000000001] [data-testid=deal-accept]"));
        Assert.Empty(page.FindAll("[data-testid=deal-D000000002] [data-testid=deal-accept]")); // gen-wind is the seller: it may only withdraw
        Assert.Contains("Withdraw", page.Find("[data-testid=deal-D000000002]").TextContent);
    }
}
