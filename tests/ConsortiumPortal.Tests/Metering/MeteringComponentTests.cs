using System.Globalization;
using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Metering;

/// <summary>A fake metering read model: a list of meters and readings, with the real visibility rule.</summary>
internal sealed class FakeMeteringQueries : IMeteringQueries
{
    public List<Meter> Meters { get; } = [];
    public List<IntervalReading> Readings { get; } = [];
    public List<MeterFilter> Requests { get; } = [];

    public Task<MeterPage> MetersAsync(ClaimsPrincipal user, MeterFilter filter)
    {
        Requests.Add(filter);
        var visible = Meters.Where(m => MeteringAccess.MaySee(user, m))
            .Where(m => filter.Type is null || m.Type == filter.Type).OrderBy(m => m.MeterId, StringComparer.Ordinal).ToList();
        return Task.FromResult(new MeterPage(visible.Skip(filter.Page * filter.PageSize).Take(filter.PageSize).Select(MeterView.From).ToList(), visible.Count));
    }

    public Task<MeterView?> MeterAsync(ClaimsPrincipal user, string meterId) =>
        Task.FromResult(Meters.FirstOrDefault(m => m.MeterId == meterId && MeteringAccess.MaySee(user, m)) is { } m ? MeterView.From(m) : null);

    public Task<IReadOnlyList<IntervalReading>?> ReadingsAsync(ClaimsPrincipal user, string meterId, long from, long to) =>
        Task.FromResult<IReadOnlyList<IntervalReading>?>(Readings.Where(r => r.MeterId == meterId && r.IntervalStart >= from && r.IntervalStart < to).ToList());

    public Task<IReadOnlyList<OutageView>> OutagesAsync(ClaimsPrincipal user) => Task.FromResult<IReadOnlyList<OutageView>>([]);

    public Task<(IReadOnlyList<string> Organisations, IReadOnlyList<string> Provinces)> FacetsAsync(ClaimsPrincipal user) =>
        Task.FromResult<(IReadOnlyList<string>, IReadOnlyList<string>)>((["gen-wind", "steel-works"], ["Jiangsu"]));
}

/// <summary>bunit: the import report, the meters list (visibility, paging) and a meter's load curve.</summary>
public sealed class MeteringComponentTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();
    private readonly FakeMeteringQueries _fake = new();
    private ClaimsPrincipal _user = new(new ClaimsIdentity());

    public MeteringComponentTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLocalization();
        _ctx.Services.AddSingleton<IMeteringQueries>(_fake);
        _ctx.Services.AddSingleton(TimeProvider.System);
        _ctx.Services.AddCascadingValue(_ => Task.FromResult(new AuthenticationState(_user)));
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
    }

    private void SignIn(string organisation, params string[] roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, organisation + "/operator"), new(PortalClaimTypes.Organisation, organisation) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        _user = new ClaimsPrincipal(new ClaimsIdentity(claims, "test", ClaimTypes.Name, ClaimTypes.Role));
    }

    private static Meter MeterOf(string id, string organisation, string type = MeterTypes.Consumption) =>
        new(id, organisation, "site", type, type == MeterTypes.Consumption ? null : MeterTechnologies.Wind, 4_000_000, "Jiangsu", "somewhere", "F-1", "grid-east", 0, 1);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void The_import_report_lists_each_rejected_line_with_its_reason_and_the_committed_transactions()
    {
        var report = new IngestReport(6, 3, 1,
            [new RejectedRow(4, "M-1", DateTimeOffset.FromUnixTimeMilliseconds(1_764_460_800_000), "12500001 Wh exceeds the meter's capacity of 12500000 Wh per 15 minutes"),
             new RejectedRow(6, null, null, "expected 3 fields, found 2")],
            [new BatchTransaction(new string('a', 64), 3, 42, "committed", null)]);
        var cut = _ctx.Render<ImportReport>(p => p.Add(c => c.Report, report));

        Assert.Contains("6 rows", cut.Find("[data-testid=report-rows]").TextContent);
        Assert.Contains("3 recorded", cut.Find("[data-testid=report-accepted]").TextContent);
        Assert.Contains("1 already recorded", cut.Find("[data-testid=report-already]").TextContent);
        Assert.Contains("2 rejected", cut.Find("[data-testid=report-rejected]").TextContent);
        Assert.Equal(["4", "6"], cut.FindAll("[data-testid=rejected-line]").Select(e => e.TextContent.Trim()));
        Assert.Contains("exceeds the meter's capacity", cut.FindAll("[data-testid=rejected-reason]")[0].TextContent);
        Assert.Contains("expected 3 fields", cut.FindAll("[data-testid=rejected-reason]")[1].TextContent);
        Assert.Contains("2025-11-30 08:00", cut.Find("[data-testid=rejected-rows]").TextContent); // China time
        Assert.Equal("explorer/blocks/42", cut.Find("[data-testid=report-tx-block]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=report-clean]"));
    }

    [Fact]
    public void A_clean_import_says_so_and_lists_no_rejections()
    {
        var cut = _ctx.Render<ImportReport>(p => p.Add(c => c.Report, new IngestReport(2, 0, 2, [], [])));
        Assert.NotNull(cut.Find("[data-testid=report-clean]"));
        Assert.Empty(cut.FindAll("[data-testid=rejected-rows]"));
        Assert.Empty(cut.FindAll("[data-testid=report-transactions]"));
    }

    [Fact]
    public void A_consumer_sees_only_its_own_meters_and_the_grid_company_pages_through_all()
    {
        _fake.Meters.AddRange(Enumerable.Range(0, 30).Select(i => MeterOf($"M-{i:00}", i % 2 == 0 ? "steel-works" : "gen-wind", i % 2 == 0 ? MeterTypes.Consumption : MeterTypes.Generation)));
        SignIn("steel-works", "Consumer");
        _ctx.Render<MudPopoverProvider>();
        var cut = _ctx.Render<Meters>();
        cut.WaitForAssertion(() => Assert.Equal(15, cut.FindAll("[data-testid^=meter-link-]").Count));
        Assert.DoesNotContain(cut.FindAll("[data-testid^=meter-link-]"), a => a.TextContent.Contains("M-01"));
        Assert.Contains("registered to your organisation", cut.Markup);
    }

    [Fact]
    public void The_grid_company_sees_every_meter_a_page_at_a_time()
    {
        _fake.Meters.AddRange(Enumerable.Range(0, 30).Select(i => MeterOf($"M-{i:00}", i % 2 == 0 ? "steel-works" : "gen-wind")));
        SignIn("grid-east", "GridCompany");
        _ctx.Render<MudPopoverProvider>();
        var cut = _ctx.Render<Meters>();
        cut.WaitForAssertion(() => Assert.Equal(25, cut.FindAll("[data-testid^=meter-link-]").Count));
        cut.Find("button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid^=meter-link-]").Count));
        Assert.Equal(1, _fake.Requests[^1].Page);
    }

    [Fact]
    public void A_meter_curve_opens_on_its_latest_day_and_zooms_to_a_week()
    {
        _fake.Meters.Add(MeterOf("M-SUN", "gen-solar", MeterTypes.Generation));
        SignIn("gen-solar", "Generator");
        // Yesterday (China time), every interval 250,000 Wh = 1,000 kW average.
        var day = LoadCurve.ChinaDayStart(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - MeteringState.DayMs;
        _fake.Readings.AddRange(Enumerable.Range(0, 96).Select(i => new IntervalReading("M-SUN", day + i * MeteringState.IntervalMs, 250_000, null, 0)));
        var cut = _ctx.Render<MeterCurve>(p => p.Add(c => c.MeterId, "M-SUN"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=curve-chart]")));
        Assert.Contains(EnergyFormat.China(day).ToString("yyyy-MM-dd"), cut.Find("[data-testid=curve-period]").TextContent);
        Assert.Equal("24 MWh", cut.Find("[data-testid=curve-energy]").TextContent.Trim());
        Assert.Equal("96 / 96", cut.Find("[data-testid=curve-recorded]").TextContent.Trim());

        cut.Find("[data-testid=zoom-week]").Click();
        cut.WaitForAssertion(() => Assert.Equal("96 / 672", cut.Find("[data-testid=curve-recorded]").TextContent.Trim()));
        Assert.Contains(EnergyFormat.China(day - 6 * MeteringState.DayMs).ToString("yyyy-MM-dd"), cut.Find("[data-testid=curve-period]").TextContent);

        cut.Find("[data-testid=curve-earlier]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=curve-empty]")));
    }

    [Fact]
    public void Another_organisations_meter_is_not_shown()
    {
        _fake.Meters.Add(MeterOf("M-STEEL", "steel-works"));
        SignIn("data-park", "Consumer");
        var cut = _ctx.Render<MeterCurve>(p => p.Add(c => c.MeterId, "M-STEEL"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=meter-not-found]")));
        Assert.Empty(cut.FindAll("[data-testid=curve-chart]"));
    }

    [Fact]
    public void A_curve_opens_on_the_latest_complete_day()
    {
        var day = LoadCurve.ChinaDayStart(1_764_460_800_000);
        IntervalReading At(long start) => new("M", start, 1, null, 0);
        var fullThenPartial = Enumerable.Range(0, 96 + 32).Select(i => At(day + i * MeteringState.IntervalMs)).ToList();
        Assert.Equal(day, LoadCurve.OpeningDay(fullThenPartial, day + 3 * MeteringState.DayMs));
        var onlyPartial = fullThenPartial.Skip(96).ToList();
        Assert.Equal(day + MeteringState.DayMs, LoadCurve.OpeningDay(onlyPartial, day + 3 * MeteringState.DayMs));
        Assert.Equal(LoadCurve.ChinaDayStart(day + 5 * MeteringState.DayMs), LoadCurve.OpeningDay([], day + 5 * MeteringState.DayMs));
    }

    [Fact]
    public void The_load_curve_averages_a_week_by_hour()
    {
        var from = 1_764_460_800_000L;
        var readings = Enumerable.Range(0, 8).Select(i => new IntervalReading("M", from + i * MeteringState.IntervalMs, i < 4 ? 1_000 : 3_000, null, i == 0 ? 1 : 0)).ToList();
        var week = LoadCurve.Build(readings, from, LoadCurve.Zoom.Week);
        Assert.Equal(168, week.Kw.Length);
        Assert.Equal([4.0, 12.0, 0.0], week.Kw.Take(3));
        Assert.Equal(16_000, week.EnergyWh);
        Assert.Equal(12_000, week.PeakW);
        Assert.Equal(1, week.Corrected);
        var day = LoadCurve.Build(readings, from, LoadCurve.Zoom.Day);
        Assert.Equal(96, day.Kw.Length);
        Assert.Equal(96, day.Labels.Length);
    }
}
