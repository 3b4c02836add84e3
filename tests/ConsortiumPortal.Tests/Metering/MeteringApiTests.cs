using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.Metering;

/// <summary>
/// /api/metering in-process on the demo consortium: CSV and JSON batches validated row by row (bad rows reported with
/// their line and reason, good rows recorded, a resubmission records nothing new), who may write (GridCompany only)
/// and who sees which meters (own organisation; GridCompany and Regulator all), corrections and outages.
/// </summary>
public sealed class MeteringApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    private const long Q = MeteringState.IntervalMs;

    /// <summary>Nine days ago (UTC midnight): before the demo's seeded week, so these intervals are free and have ended.</summary>
    private static readonly long FreeDay = MeteringState.DayStartOf(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - 9 * MeteringState.DayMs;

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostCsvAsync(HttpClient client, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await client.PostAsync("/api/metering/readings/csv", content);
        return (response.StatusCode, await JsonAsync(response));
    }

    [Fact]
    public async Task A_csv_with_bad_rows_records_the_good_ones_and_reports_each_bad_line()
    {
        using var grid = app.ClientOf("grid-east");
        var day = FreeDay;
        var csv = $"""
            meter_id,interval_start,wh
            # a comment line is skipped
            M-WIND-01,{Iso(day)},1200000
            M-WIND-01,{Iso(day + Q)},1300000
            M-WIND-01,{Iso(day + 2 * Q)},99999999
            M-NOPE,{Iso(day)},10
            M-WIND-01,{Iso(day + 60_000)},10
            M-WIND-01,yesterday,10
            M-WIND-01,{Iso(day + 3 * Q)},12.5
            M-SOLAR-01,{day + 4 * Q},0
            M-WIND-01,{Iso(day + 5 * Q)}
            M-RES-01,{Iso(day)},-5
            """;
        var (status, report) = await PostCsvAsync(grid, csv);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, report.GetProperty("accepted").GetInt32());
        Assert.Equal(0, report.GetProperty("alreadyRecorded").GetInt32());
        var rejected = report.GetProperty("rejected").EnumerateArray()
            .ToDictionary(r => r.GetProperty("line").GetInt32(), r => r.GetProperty("reason").GetString()!);
        Assert.Equal([5, 6, 7, 8, 9, 11, 12], rejected.Keys.Order());
        Assert.Contains("exceeds the meter's capacity of 12500000 Wh", rejected[5]);
        Assert.Contains("M-NOPE is not registered", rejected[6]);
        Assert.Contains("15-minute boundary", rejected[7]);
        Assert.Contains("not an ISO 8601 time", rejected[8]);
        Assert.Contains("not a whole number", rejected[9]);
        Assert.Contains("expected 3 fields", rejected[11]);
        Assert.Contains("cannot be negative", rejected[12]);
        var tx = Assert.Single(report.GetProperty("transactions").EnumerateArray());
        Assert.Equal("committed", tx.GetProperty("status").GetString());

        Assert.Equal([1_200_000L, 1_300_000], MeteringState.Readings(app.Runtime.Ledger.Store.Committed, "M-WIND-01", day, day + 3 * Q).Select(r => r.Wh));

        // The same file again: nothing new is recorded, the good rows count as already recorded, the bad ones are still reported.
        var (again, second) = await PostCsvAsync(grid, csv);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(0, second.GetProperty("accepted").GetInt32());
        Assert.Equal(3, second.GetProperty("alreadyRecorded").GetInt32());
        Assert.Equal(7, second.GetProperty("rejected").GetArrayLength());
        Assert.Empty(second.GetProperty("transactions").EnumerateArray());
    }

    [Fact]
    public async Task A_different_value_for_a_recorded_interval_is_rejected_until_corrected_with_a_reason()
    {
        using var grid = app.ClientOf("grid-east");
        var start = FreeDay + 40 * Q;
        var (_, first) = await PostCsvAsync(grid, $"meter_id,interval_start,wh\nM-HYDRO-01,{Iso(start)},5000000\n");
        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        var (_, changed) = await PostCsvAsync(grid, $"meter_id,interval_start,wh\nM-HYDRO-01,{Iso(start)},5000001\n");
        Assert.Contains("already recorded as 5000000 Wh", changed.GetProperty("rejected")[0].GetProperty("reason").GetString());

        using var noReason = await grid.PostAsJsonAsync("/api/metering/readings/corrections", new { meterId = "M-HYDRO-01", intervalStart = Iso(start), wh = 5_000_001, reason = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("correction reason", (await JsonAsync(noReason)).GetProperty("detail").GetString());

        using var corrected = await grid.PostAsJsonAsync("/api/metering/readings/corrections", new { meterId = "M-HYDRO-01", intervalStart = Iso(start), wh = 5_000_001, reason = "register re-read on site" });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var readings = await JsonAsync(await grid.GetAsync($"/api/metering/meters/M-HYDRO-01/readings?from={Iso(start)}&to={Iso(start + Q)}"));
        var reading = Assert.Single(readings.EnumerateArray());
        Assert.Equal(5_000_001, reading.GetProperty("wh").GetInt64());
        Assert.Equal(5_000_000, reading.GetProperty("originalWh").GetInt64());
        Assert.Equal(1, reading.GetProperty("corrections").GetInt32());
    }

    [Fact]
    public async Task Only_the_grid_company_writes_metering_data()
    {
        using var steel = app.ClientOf("steel-works");
        var body = new { readings = new[] { new { meterId = "M-STEEL-01", intervalStart = Iso(FreeDay), wh = 10 } } };
        using var own = await steel.PostAsJsonAsync("/api/metering/readings", body);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal("not-grid-company", (await JsonAsync(own)).GetProperty("title").GetString());
        using var regulator = app.ClientOf("nea-reg");
        using var csv = await regulator.PostAsync("/api/metering/readings/csv", new StringContent("meter_id,interval_start,wh\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
        using var outage = await steel.PostAsJsonAsync("/api/metering/outages", new { outageId = "OUT-X", feederId = "JS-F04", start = Iso(FreeDay), planned = false, cause = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, outage.StatusCode);
        using var anonymous = app.Client();
        using var unauthenticated = await anonymous.PostAsJsonAsync("/api/metering/readings", body);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Empty(MeteringState.Readings(app.Runtime.Ledger.Store.Committed, "M-STEEL-01", FreeDay, FreeDay + Q));
    }

    [Fact]
    public async Task A_json_batch_reports_rows_by_position_and_a_bad_request_is_a_problem()
    {
        using var grid = app.ClientOf("grid-east");
        var start = FreeDay + 70 * Q;
        using var response = await grid.PostAsJsonAsync("/api/metering/readings", new
        {
            readings = new object[]
            {
                new { meterId = "M-DATA-01", intervalStart = Iso(start), wh = 4_000_000 },
                new { meterId = "M-DATA-01", intervalStart = Iso(start + Q), wh = 4_100_000 },
                new { meterId = "M-DATA-01", intervalStart = Iso(start + Q), wh = 4_200_000 },
                new { meterId = (string?)null, intervalStart = Iso(start), wh = 1 },
                new { meterId = "M-DATA-01", intervalStart = Iso(DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeMilliseconds() / Q * Q), wh = 1 },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await JsonAsync(response);
        Assert.Equal(2, report.GetProperty("accepted").GetInt32());
        var rejected = report.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal([3, 4, 5], rejected.Select(r => r.Item1));
        Assert.Contains("appears earlier in this batch", rejected[0].Item2);
        Assert.Contains("meter id is missing", rejected[1].Item2);
        Assert.Contains("has not ended yet", rejected[2].Item2);

        using var empty = await grid.PostAsJsonAsync("/api/metering/readings", new { readings = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
        var (noHeader, problem) = await PostCsvAsync(grid, "M-WIND-01,2026-01-01T00:00:00Z,1\n");
        Assert.Equal(HttpStatusCode.BadRequest, noHeader);
        Assert.Contains("header meter_id,interval_start,wh", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Members_see_their_own_meters_and_the_grid_company_and_regulator_see_all()
    {
        async Task<string[]> MeterIds(string organisation)
        {
            using var client = app.ClientOf(organisation);
            var page = await JsonAsync(await client.GetAsync("/api/metering/meters?pageSize=100"));
            return page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("meterId").GetString()!).Order().ToArray();
        }
        Assert.Equal(["M-STEEL-01", "M-STEEL-02"], await MeterIds("steel-works"));
        Assert.Equal(["M-WIND-01", "M-WIND-02"], await MeterIds("gen-wind"));
        // The metering seed's 11 meters and the data park's second hall, which the demand-response history registers.
        Assert.Equal(12, (await MeterIds("grid-east")).Length);
        Assert.Equal(12, (await MeterIds("nea-reg")).Length);
        Assert.Empty(await MeterIds("icbc-bank"));

        using var steel = app.ClientOf("steel-works");
        using var others = await steel.GetAsync($"/api/metering/meters/M-WIND-01/readings?from={Iso(FreeDay)}&to={Iso(FreeDay + Q)}");
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        using var badRange = await steel.GetAsync("/api/metering/meters/M-STEEL-01/readings?from=yesterday&to=today");
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);

        // A seeded week of readings is there for the owner.
        var genesisDay = MeteringState.DayStartOf(Seed.DemoConsortium.SeedingTimeOf(app.Runtime.Ledger.Store.GetBlockHeader(0)!.Header.Timestamp));
        var week = await JsonAsync(await steel.GetAsync($"/api/metering/meters/M-STEEL-01/readings?from={Iso(genesisDay - 7 * MeteringState.DayMs)}&to={Iso(genesisDay)}"));
        Assert.Equal(7 * 96, week.GetArrayLength());

        using var filtered = app.ClientOf("grid-east");
        var zhejiangSolar = await JsonAsync(await filtered.GetAsync("/api/metering/meters?province=Zhejiang&type=generation"));
        Assert.Equal(2, zhejiangSolar.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_outage_is_started_by_feeder_restored_once_and_seen_by_the_affected_members()
    {
        using var grid = app.ClientOf("grid-east");
        var start = FreeDay + 50 * Q;
        using var started = await grid.PostAsJsonAsync("/api/metering/outages", new { outageId = "OUT-API-1", feederId = "JS-F04", start = Iso(start), planned = false, cause = "cable fault" });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        using var restored = await grid.PostAsJsonAsync("/api/metering/outages/OUT-API-1/restoration", new { end = Iso(start + 3 * Q) });
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        using var twice = await grid.PostAsJsonAsync("/api/metering/outages/OUT-API-1/restoration", new { end = Iso(start + 4 * Q) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twice.StatusCode);
        Assert.Contains("already restored", (await JsonAsync(twice)).GetProperty("detail").GetString());

        using var steel = app.ClientOf("steel-works");
        var outages = await JsonAsync(await steel.GetAsync("/api/metering/outages"));
        var mine = outages.EnumerateArray().Single(o => o.GetProperty("outageId").GetString() == "OUT-API-1");
        Assert.Equal(["M-RES-02", "M-STEEL-01", "M-STEEL-02"], mine.GetProperty("meterIds").EnumerateArray().Select(e => e.GetString()));
        using var solar = app.ClientOf("gen-solar");
        var theirs = await JsonAsync(await solar.GetAsync("/api/metering/outages"));
        Assert.DoesNotContain(theirs.EnumerateArray(), o => o.GetProperty("outageId").GetString() == "OUT-API-1");
    }

    [Fact]
    public async Task A_signed_in_grid_person_imports_with_their_own_signature()
    {
        using var person = await app.SignedInClientAsync("grid-east/operator");
        var (status, report) = await PostCsvAsync(person, $"meter_id,interval_start,wh\nM-RES-04,{Iso(FreeDay + 90 * Q)},1000\n");
        Assert.Equal(HttpStatusCode.OK, status);
        var txId = report.GetProperty("transactions")[0].GetProperty("txId").GetString()!;
        Assert.Equal("grid-east/operator", app.Runtime.Ledger.Store.GetTransaction(txId)!.Transaction.Body.Signer);
    }
}
