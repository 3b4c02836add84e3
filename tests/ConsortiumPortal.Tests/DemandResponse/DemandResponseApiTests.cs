using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Features.DemandResponse;
using ConsortiumPortal.Seed.DemandResponse;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.DemandResponse;

/// <summary>
/// /api/dr in-process on the demo consortium (its seeded programmes and tomorrow's events): OpenADR-shaped resources,
/// who sees which events and enrolments, who may write, and contract refusals as problem details.
/// </summary>
public sealed class DemandResponseApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    /// <summary>The demo's seeding moment ("now" for its data): genesis is dated its history earlier.</summary>
    private long Genesis => Seed.DemoConsortium.SeedingTimeOf(app.Runtime.Ledger.Store.GetBlockHeader(0)!.Header.Timestamp);

    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Programmes_are_open_offers_in_openadr_shape()
    {
        using var steel = app.ClientOf("steel-works");
        var (status, programs) = await SendAsync(steel, HttpMethod.Get, "/api/dr/programs");
        Assert.Equal(HttpStatusCode.OK, status);
        var peak = programs.EnumerateArray().Single(p => p.GetProperty("id").GetString() == DemandResponseSeed.PeakProgram);
        Assert.Equal(Baselines.TenInTen, peak.GetProperty("baselineMethod").GetString());
        Assert.Equal(3.00m, peak.GetProperty("incentiveYuanPerKwh").GetDecimal());
        Assert.Equal("PT2H", peak.GetProperty("noticePeriod").GetString());
        var (missing, problem) = await SendAsync(steel, HttpMethod.Get, "/api/dr/programs/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("nope", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_seeded_history_has_settled_past_events_with_the_data_parks_reports()
    {
        var (peakId, _, _) = DemandResponseSeed.PastPeakEvent(Genesis);
        var (fastId, _, _) = DemandResponseSeed.PastFastEvent(Genesis);
        using var data = app.ClientOf("data-park");
        using var steel = app.ClientOf("steel-works");
        var (_, peak) = await SendAsync(data, HttpMethod.Get, $"/api/dr/events/{peakId}");
        Assert.Equal((DrEventStatus.Settled, 1), (peak.GetProperty("status").GetString(), peak.GetProperty("settled").GetInt32()));
        Assert.Equal(30_000m, peak.GetProperty("incentiveYuan").GetDecimal());

        var (status, reports) = await SendAsync(data, HttpMethod.Get, $"/api/dr/reports?eventID={peakId}");
        Assert.Equal(HttpStatusCode.OK, status);
        var report = Assert.Single(reports.EnumerateArray());
        Assert.Equal(("data-park", 1000L, 30_000m), (report.GetProperty("clientName").GetString(), report.GetProperty("performancePermille").GetInt64(), report.GetProperty("incentiveYuan").GetDecimal()));
        Assert.Equal(DemandResponseSeed.HistoryMeter.MeterId, Assert.Single(report.GetProperty("resources").EnumerateArray()).GetProperty("resourceName").GetString());
        Assert.Equal(8, report.GetProperty("intervals").GetArrayLength());

        var (_, fast) = await SendAsync(data, HttpMethod.Get, $"/api/dr/reports?eventID={fastId}");
        Assert.True(Assert.Single(fast.EnumerateArray()).GetProperty("penaltyYuan").GetDecimal() > 0, "partial delivery below the minimum is penalised");
        // Another member does not see the data park's reports.
        Assert.Empty((await SendAsync(steel, HttpMethod.Get, $"/api/dr/reports?eventID={peakId}")).Json.EnumerateArray());
    }

    [Fact]
    public async Task Cancelled_events_disappear_for_participants_but_not_for_their_grid_company_or_the_regulator()
    {
        var cancelled = DemandResponseSeed.EventId(Genesis, "X");
        static async Task<List<string>> Ids(HttpClient c) =>
            (await SendAsync(c, HttpMethod.Get, "/api/dr/events")).Json.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
        using var steel = app.ClientOf("steel-works");
        using var grid = app.ClientOf("grid-east");
        using var regulator = app.ClientOf("nea-reg");
        Assert.DoesNotContain(cancelled, await Ids(steel));
        Assert.Contains(DemandResponseSeed.EventId(Genesis, "JS"), await Ids(steel));
        Assert.Contains(cancelled, await Ids(grid));
        Assert.Contains(cancelled, await Ids(regulator));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(steel, HttpMethod.Get, $"/api/dr/events/{cancelled}")).Status);

        var (_, ev) = await SendAsync(steel, HttpMethod.Get, $"/api/dr/events/{DemandResponseSeed.EventId(Genesis, "JS")}");
        Assert.Equal("PT2H", ev.GetProperty("intervalPeriod").GetProperty("duration").GetString());
        var intervals = ev.GetProperty("intervals").EnumerateArray().ToList();
        Assert.Equal(8, intervals.Count);
        Assert.Equal("LOAD_REDUCTION", intervals[0].GetProperty("payloads")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Only_a_grid_company_publishes_and_the_contracts_refusal_is_a_problem_with_its_reason()
    {
        using var steel = app.ClientOf("steel-works");
        using var grid = app.ClientOf("grid-east");
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DemandResponseSeed.EventDay(Genesis) + 2 * Baselines.DayMs + 3 * Baselines.HourMs);
        var request = new DemandResponseApi.EventRequest("API-EV-1", DemandResponseSeed.PeakProgram, "JS-F04", null, start, 60, 5_000_000);
        var (forbidden, problem) = await SendAsync(steel, HttpMethod.Post, "/api/dr/events", request);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("GridCompany", problem.GetProperty("detail").GetString());

        var (ok, published) = await SendAsync(grid, HttpMethod.Post, "/api/dr/events", request);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(64, published.GetProperty("txId").GetString()!.Length);

        var (again, refusal) = await SendAsync(grid, HttpMethod.Post, "/api/dr/events", request);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again);
        Assert.Contains("already exists", refusal.GetProperty("detail").GetString());

        var quarter = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / Baselines.IntervalMs * Baselines.IntervalMs;
        var past = request with { EventId = "API-EV-PAST", Start = DateTimeOffset.FromUnixTimeMilliseconds(quarter - Baselines.IntervalMs), DurationMinutes = 15 };
        var (late, lateProblem) = await SendAsync(grid, HttpMethod.Post, "/api/dr/events", past);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late);
        Assert.Contains("notice deadline", lateProblem.GetProperty("detail").GetString());

        var (noReason, _) = await SendAsync(grid, HttpMethod.Delete, "/api/dr/events/API-EV-1");
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        var (cancelled, _) = await SendAsync(grid, HttpMethod.Delete, "/api/dr/events/API-EV-1?reason=test");
        Assert.Equal(HttpStatusCode.OK, cancelled);
    }

    [Fact]
    public async Task A_consumer_enrols_and_opts_out_and_sees_only_its_own_enrolment()
    {
        using var grid = app.ClientOf("grid-east");
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DemandResponseSeed.EventDay(Genesis) + 3 * Baselines.DayMs + 2 * Baselines.HourMs);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(grid, HttpMethod.Post, "/api/dr/events",
            new DemandResponseApi.EventRequest("API-EV-2", DemandResponseSeed.PeakProgram, null, "Zhejiang", start, 120, 8_000_000))).Status);

        using var data = app.ClientOf("data-park");
        using var steel = app.ClientOf("steel-works");
        using var regulator = app.ClientOf("nea-reg");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(grid, HttpMethod.Post, "/api/dr/events/API-EV-2/enrolments",
            new DemandResponseApi.EnrolRequest(["M-DATA-01"], 2_000_000))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(regulator, HttpMethod.Post, "/api/dr/events/API-EV-2/enrolments",
            new DemandResponseApi.EnrolRequest(["M-DATA-01"], 2_000_000))).Status);
        var (wrongMeter, problem) = await SendAsync(steel, HttpMethod.Post, "/api/dr/events/API-EV-2/enrolments", new DemandResponseApi.EnrolRequest(["M-DATA-01"], 2_000_000));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongMeter);
        Assert.Contains("belongs to data-park", problem.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(data, HttpMethod.Post, "/api/dr/events/API-EV-2/enrolments", new DemandResponseApi.EnrolRequest(["M-DATA-01"], 2_000_000))).Status);
        var (_, own) = await SendAsync(data, HttpMethod.Get, "/api/dr/events/API-EV-2/enrolments");
        Assert.Equal("data-park", Assert.Single(own.EnumerateArray()).GetProperty("participantId").GetString());
        var (_, others) = await SendAsync(steel, HttpMethod.Get, "/api/dr/events/API-EV-2/enrolments");
        Assert.Empty(others.EnumerateArray());
        var (_, all) = await SendAsync(grid, HttpMethod.Get, "/api/dr/events/API-EV-2/enrolments");
        Assert.Single(all.EnumerateArray());

        var (live, curve) = await SendAsync(grid, HttpMethod.Get, "/api/dr/events/API-EV-2/live");
        Assert.Equal(HttpStatusCode.OK, live);
        var points = curve.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(8, points.Count);
        Assert.All(points, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("deliveredW").ValueKind));   // nothing measured yet

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(data, HttpMethod.Delete, "/api/dr/events/API-EV-2/enrolments")).Status);
        var (_, gone) = await SendAsync(grid, HttpMethod.Get, "/api/dr/events/API-EV-2/enrolments");
        Assert.Empty(gone.EnumerateArray());
        var (twice, notEnrolled) = await SendAsync(data, HttpMethod.Delete, "/api/dr/events/API-EV-2/enrolments");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twice);
        Assert.Contains("not enrolled", notEnrolled.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Reports_need_authentication_and_settlement_needs_the_event_to_be_over()
    {
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, HttpMethod.Get, "/api/dr/reports")).Status);
        using var grid = app.ClientOf("grid-east");
        var (status, reports) = await SendAsync(grid, HttpMethod.Get, "/api/dr/reports");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Array, reports.ValueKind);
        var (early, problem) = await SendAsync(grid, HttpMethod.Post, $"/api/dr/events/{DemandResponseSeed.EventId(Genesis, "JS")}/settlement", new DemandResponseApi.SettleRequest(null, null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early);
        Assert.Contains("has not ended", problem.GetProperty("detail").GetString());
        using var steel = app.ClientOf("steel-works");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(steel, HttpMethod.Post, $"/api/dr/events/{DemandResponseSeed.EventId(Genesis, "JS")}/settlement", new DemandResponseApi.SettleRequest(null, null))).Status);
    }
}
