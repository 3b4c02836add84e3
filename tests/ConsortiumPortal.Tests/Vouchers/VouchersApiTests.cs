using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.Vouchers;

/// <summary>
/// /api/vouchers in-process on the demo consortium: the trading centre issues from a settlement file, the generator
/// sells, a retailer buys and retires part, anyone traces a serial; who may do and see what; problem details for bad input.
/// </summary>
public sealed class VouchersApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    /// <summary>An evening hour of M-WIND-01 no demo issuance covers (the seed issues one day a week; the job the metered week).</summary>
    private DateTimeOffset FreeHour
    {
        get
        {
            var hour = new DateTimeOffset(2025, 12, 31, 22, 0, 0, TimeSpan.Zero);
            while (Enumerable.Range(-5, 7).Any(h => app.Runtime.Ledger.Store.Get(VoucherState.IssuedKey("M-WIND-01", hour.AddHours(h).ToUnixTimeMilliseconds())) is not null))
                hour = hour.AddDays(-1);
            return hour;
        }
    }
    private const string Sm3 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private static async Task<JsonElement> ArrayAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Issue_sell_buy_retire_and_trace_through_the_api()
    {
        using var center = await app.SignedInClientAsync("px-center/operator");
        using var generator = await app.SignedInClientAsync("gen-wind/operator");
        using var retailer = await app.SignedInClientAsync("retail-one/operator");

        var free = FreeHour;
        var (status, issued) = await PostAsync(center, "/api/vouchers/issuances",
            new { meterId = "M-WIND-01", periodStart = free, periodEnd = free.AddHours(1), energyWh = 7_000_000, settlementFileSm3 = Sm3 });
        Assert.True(status == HttpStatusCode.OK, issued.ToString());
        var issuanceId = issued.GetProperty("result").GetProperty("issuanceId").GetString()!;
        var issuance = VoucherState.Issuance(app.Runtime.Ledger.Store.Committed, issuanceId)!;
        Assert.True(issuance.Quantity >= 7);

        // The generator sees the new range in its holdings (server-side paged) and offers 5 MWh of it.
        var (_, holdings, _) = await ApiCalls.GetAsync(generator, "/api/vouchers/holdings?status=active&sortBy=id&descending=true&take=500");
        var range = holdings.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("rangeId").GetString()!.StartsWith(issuanceId + "-", StringComparison.Ordinal));
        var start = range.GetProperty("start").GetInt64();
        // Price it just above the best resting bid, so it rests as the best offer and the retailer's bid meets it first.
        var (_, book, _) = await ApiCalls.GetAsync(generator, "/api/vouchers/book");
        var bids = book.GetProperty("bids").EnumerateArray().ToList();
        var price = bids.Count == 0 ? 1 : bids[0].GetProperty("priceFen").GetInt64() + 1;
        var (sellStatus, sell) = await PostAsync(generator, "/api/vouchers/orders/sell",
            new { rangeId = range.GetProperty("rangeId").GetString(), start, end = start + 5, priceFen = price });
        Assert.True(sellStatus == HttpStatusCode.OK, sell.ToString());
        Assert.Equal(0, sell.GetProperty("result").GetProperty("filled").GetInt64());

        var (buyStatus, buy) = await PostAsync(retailer, "/api/vouchers/orders/buy", new { quantity = 5, priceFen = price, voucherClass = (string?)null });
        Assert.True(buyStatus == HttpStatusCode.OK, buy.ToString());
        Assert.Equal(5, buy.GetProperty("result").GetProperty("filled").GetInt64());
        var (_, trades, _) = await ApiCalls.GetAsync(retailer, "/api/vouchers/trades?take=5");
        var trade = trades.GetProperty("items")[0];
        Assert.Equal("retail-one", trade.GetProperty("buyer").GetString());

        // It retires 2 of them toward its 2025 quota.
        var tradedRange = trade.GetProperty("rangeId").GetString()!;
        var tradedStart = trade.GetProperty("start").GetInt64();
        var (retireStatus, retired) = await PostAsync(retailer, "/api/vouchers/retirements", new
        {
            rangeId = tradedRange, start = tradedStart, end = tradedStart + 2, purpose = "quota", beneficiary = "", reason = "2025 consumption responsibility", year = 2025,
        });
        Assert.True(retireStatus == HttpStatusCode.OK, retired.ToString());

        // Anyone, signed in or not, traces the serial through every step.
        using var anonymous = app.Client();
        var (traceStatus, trace, _) = await ApiCalls.GetAsync(anonymous, $"/api/vouchers/trace/{VoucherState.SerialCode(tradedStart)}");
        Assert.Equal(HttpStatusCode.OK, traceStatus);
        var kinds = trace.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()).ToList();
        Assert.Equal("issued", kinds[0]);
        Assert.Contains("listed", kinds);
        Assert.Contains("trade", kinds);
        Assert.Equal("retired", kinds[^1]);
        Assert.Equal("retired", trace.GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task The_contract_decides_and_bad_input_is_a_problem_detail()
    {
        using var retailer = await app.SignedInClientAsync("retail-one/operator");
        var (status, problem) = await PostAsync(retailer, "/api/vouchers/issuances",
            new { meterId = "M-WIND-01", periodStart = FreeHour, periodEnd = FreeHour.AddHours(1), energyWh = 1_000_000, settlementFileSm3 = Sm3 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("only a TradingCenter", problem.GetProperty("detail").GetString());
        Assert.True(problem.TryGetProperty("txId", out _));

        using var center = await app.SignedInClientAsync("px-center/operator");
        (status, problem) = await PostAsync(center, "/api/vouchers/issuances",
            new { meterId = "M-WIND-01", periodStart = FreeHour.AddHours(-5), periodEnd = FreeHour.AddHours(-4), energyWh = 999_000_000_000L, settlementFileSm3 = Sm3 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("capacity", problem.GetProperty("detail").GetString());

        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.BadRequest, (await ApiCalls.GetAsync(anonymous, "/api/vouchers/trace/not-a-serial")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ApiCalls.GetAsync(anonymous, "/api/vouchers/trace/GV999999999999999")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ApiCalls.GetAsync(anonymous, "/api/vouchers/statistics")).Status);
        using var holdings = await anonymous.GetAsync("/api/vouchers/holdings");
        Assert.True(holdings.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"{holdings.StatusCode}");
    }

    [Fact]
    public async Task Holdings_and_quota_are_per_organisation_and_the_regulator_reads_all()
    {
        using var regulator = await app.SignedInClientAsync("nea-reg/operator");
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        using var steel = await app.SignedInClientAsync("steel-works/operator");
        var policy = await PostAsync(regulator, "/api/vouchers/quota/policies", new { province = "shanghai", year = 2030, totalWeightBp = 3_000, nonHydroWeightBp = 1_500 });
        Assert.True(policy.Status == HttpStatusCode.OK, policy.Json.ToString());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(grid, "/api/vouchers/quota/consumption", new
        {
            organisationId = "steel-works", year = 2030, province = "shanghai", consumptionMWh = 10_000, exemptMWh = 0, renewableMWh = 2_000,
            nonHydroRenewableMWh = 1_000, greenCertificatesMWh = 0, excessSoldMWh = 0, nonHydroExcessSoldMWh = 0,
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(grid, "/api/vouchers/quota/consumption", new
        {
            organisationId = "data-park", year = 2030, province = "shanghai", consumptionMWh = 10_000, exemptMWh = 0, renewableMWh = 4_000,
            nonHydroRenewableMWh = 2_000, greenCertificatesMWh = 0, excessSoldMWh = 0, nonHydroExcessSoldMWh = 0,
        })).Status);

        var all = await ArrayAsync(regulator, "/api/vouchers/quota/2030?province=shanghai");
        Assert.Equal(["steel-works", "data-park"], all.EnumerateArray().Select(r => r.GetProperty("organisationId").GetString()));
        Assert.Equal(2_000, all[0].GetProperty("totalCompletionBp").GetInt64());
        using var csv = await regulator.GetAsync("/api/vouchers/quota/2030/csv");
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains("steel-works,shanghai,2030,10000,2000,20.00,30.00,1000,10.00,15.00,no", text);

        var own = await ArrayAsync(steel, "/api/vouchers/quota/2030");
        Assert.Equal(["steel-works"], own.EnumerateArray().Select(r => r.GetProperty("organisationId").GetString()));
        // Asking for another organisation's holdings returns one's own unless one is the regulator.
        var (_, stolen, _) = await ApiCalls.GetAsync(steel, "/api/vouchers/holdings?organisationId=gen-wind");
        var (_, genWind, _) = await ApiCalls.GetAsync(regulator, "/api/vouchers/holdings?organisationId=gen-wind");
        Assert.DoesNotContain(stolen.GetProperty("items").EnumerateArray(), i => genWind.GetProperty("items").EnumerateArray().Any(g => g.GetProperty("rangeId").GetString() == i.GetProperty("rangeId").GetString()));

        // Only the regulator sets weights.
        var (status, problem) = await PostAsync(grid, "/api/vouchers/quota/policies", new { province = "shanghai", year = 2031, totalWeightBp = 3_000, nonHydroWeightBp = 1_500 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("only a Regulator", problem.GetProperty("detail").GetString());
    }
}
