using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Seed.Insurance;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.Insurance;

/// <summary>
/// /api/insurance on the demo consortium: a consumer buys cover and the insurer activates it, role checks answer 403
/// before anything is signed, contract refusals are 422 with the reason, each organisation sees only its own policies
/// and claims (the Regulator all), and the risk view and back-test are for insurers and the Regulator.
/// </summary>
public sealed class InsuranceApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static object Application(string policyId, string meterId = "M-STEEL-01", string productId = InsuranceSeed.HourlyProduct) => new
    {
        policyId, productId, meterId, customerClass = "industrial", industry = "steel",
        start = DateTimeOffset.UtcNow.AddDays(1), end = DateTimeOffset.UtcNow.AddDays(91),
    };

    [Fact]
    public async Task A_consumer_applies_pays_into_escrow_and_the_insurer_activates()
    {
        using var steel = app.ClientOf("steel-works");
        using var insurer = app.ClientOf("pic-insure");
        var (status, applied) = await SendAsync(steel.PostAsJsonAsync("/api/insurance/policies", Application("api-steel-1")));
        Assert.Equal(HttpStatusCode.OK, status);
        var premium = applied.GetProperty("output").GetProperty("premiumFen").GetInt64();
        Assert.True(premium > 0);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(steel.PostAsync("/api/insurance/policies/api-steel-1/premium", null))).Status);
        (status, var activated) = await SendAsync(insurer.PostAsJsonAsync("/api/insurance/policies/api-steel-1/activation", new { acceptBackdated = false }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("active", activated.GetProperty("output").GetProperty("status").GetString());

        (status, var view) = await SendAsync(steel.GetAsync("/api/insurance/policies/api-steel-1"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(PolicyStatuses.Active, view.GetProperty("policy").GetProperty("status").GetString());
        Assert.Equal(premium, view.GetProperty("policy").GetProperty("premiumFen").GetInt64());
    }

    [Fact]
    public async Task Roles_are_checked_before_signing_and_contract_refusals_come_back_as_422_with_the_reason()
    {
        using var steel = app.ClientOf("steel-works");
        using var insurer = app.ClientOf("pic-insure");
        var (status, problem) = await SendAsync(steel.PostAsJsonAsync("/api/insurance/products", new { productId = "x", terms = InsuranceSeed.Hourly }));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("not-insurer", problem.Title());
        (status, problem) = await SendAsync(insurer.PostAsJsonAsync("/api/insurance/policies", Application("api-x")));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("not-consumer", problem.Title());

        (status, problem) = await SendAsync(steel.PostAsJsonAsync("/api/insurance/policies", Application("api-x", meterId: "M-DATA-01")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("belongs to data-park", problem.GetProperty("detail").GetString());
        Assert.True(problem.TryGetProperty("txId", out _));

        (status, problem) = await SendAsync(insurer.PostAsJsonAsync("/api/insurance/products", new { productId = "bad", terms = InsuranceSeed.Hourly with { PerEventCapFen = 0 } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("caps", problem.GetProperty("detail").GetString());

        using var empty = new StringContent("{", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await steel.PostAsync("/api/insurance/policies", empty)).StatusCode);
    }

    [Fact]
    public async Task Each_organisation_sees_its_own_policies_and_claims_and_the_regulator_sees_all()
    {
        using var data = app.ClientOf("data-park");
        using var regulator = app.ClientOf("nea-reg");
        using var steel = app.ClientOf("steel-works");

        var (status, _) = await SendAsync(data.GetAsync("/api/insurance/policies/steel-mill1-2026"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, var page) = await SendAsync(data.GetAsync("/api/insurance/claims?pageSize=100"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(page.GetProperty("items").EnumerateArray(), c => Assert.Equal("data-park", c.GetProperty("holderId").GetString()));
        Assert.Contains(page.GetProperty("items").EnumerateArray(), c => c.GetProperty("status").GetString() == ClaimStatuses.Declined);

        (status, page) = await SendAsync(regulator.GetAsync("/api/insurance/claims?pageSize=100"));
        var holders = page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("holderId").GetString()).Distinct().ToList();
        Assert.Contains("steel-works", holders);
        Assert.Contains("data-park", holders);
        (status, var paid) = await SendAsync(steel.GetAsync("/api/insurance/claims?status=paid"));
        Assert.True(paid.GetProperty("total").GetInt32() >= 2);
        Assert.All(paid.GetProperty("items").EnumerateArray(), c => Assert.True(c.GetProperty("paidAt").GetInt64() > 0));
    }

    [Fact]
    public async Task The_risk_view_and_back_test_are_for_insurers_and_the_regulator()
    {
        using var steel = app.ClientOf("steel-works");
        using var insurer = app.ClientOf("pic-insure");
        using var regulator = app.ClientOf("nea-reg");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(steel.GetAsync("/api/insurance/risk"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(steel.PostAsJsonAsync("/api/insurance/backtest", InsuranceSeed.Hourly))).Status);

        var (status, risk) = await SendAsync(insurer.GetAsync("/api/insurance/risk"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(risk.GetProperty("byFeeder").EnumerateArray(), r => r.GetProperty("key").GetString() == "JS-F04");
        var hourly = risk.GetProperty("books").EnumerateArray().Single(b => b.GetProperty("productId").GetString() == InsuranceSeed.HourlyProduct);
        Assert.True(hourly.GetProperty("premiumsFen").GetInt64() > 0);
        Assert.True(hourly.GetProperty("paidFen").GetInt64() >= 500_000);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(regulator.GetAsync("/api/insurance/risk"))).Status);

        (status, var rows) = await SendAsync(insurer.PostAsJsonAsync("/api/insurance/backtest", InsuranceSeed.Hourly));
        Assert.Equal(HttpStatusCode.OK, status);
        var trip = rows.EnumerateArray().Where(r => r.GetProperty("outageId").GetString() == InsuranceSeed.PaidOutage).ToList();
        Assert.Contains(trip, r => r.GetProperty("meterId").GetString() == "M-STEEL-01" && r.GetProperty("triggered").GetBoolean() && r.GetProperty("payoutFen").GetInt64() == 500_000);
        Assert.Contains(rows.EnumerateArray(), r => r.GetProperty("outageId").GetString() == InsuranceSeed.PlannedOutage && !r.GetProperty("triggered").GetBoolean());
    }
}
