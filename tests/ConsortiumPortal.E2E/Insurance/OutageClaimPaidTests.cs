using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.Insurance;

/// <summary>
/// Issue 8's browser scenario against the published portal on a fresh demo ledger: the insurer (pic-insure) publishes a
/// product, the steel works buys a policy on its mill meter (apply, premium into escrow) and the insurer activates it;
/// once cover has started, the grid company's system reports an outage of that meter and its restoration through the
/// metering API; the claims job evaluates it and the steel works' open policy page shows the claim paid, live, with a
/// paid-claim notice.
/// </summary>
public sealed class OutageClaimPaidTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    private const string Insurer = "pic-insure/operator";
    private const string Consumer = "steel-works/operator";
    private const string Meter = "M-STEEL-01";

    [Fact]
    public async Task The_insurer_publishes_a_consumer_buys_an_outage_is_injected_and_the_consumer_sees_the_paid_claim()
    {
        var stamp = DateTime.UtcNow.ToString("HHmmss");
        var productId = $"e2e-{stamp}";   // sorts before the demo's products: the apply form picks it by default
        var outageId = $"OUT-E2E-{stamp}";

        var insurer = await SignedInPageAsync(Insurer);
        await Step("the insurer publishes an hourly product with no threshold and no deductible", async () =>
        {
            await OpenAsync(insurer, "insurance/products");
            await Chromium.InputFor(insurer, "publish-id").FillAsync(productId);
            await Chromium.InputFor(insurer, "publish-name").FillAsync("E2E outage cover");
            await Chromium.InputFor(insurer, "publish-threshold").FillAsync("0");
            await Chromium.InputFor(insurer, "publish-deductible").FillAsync("0");
            await Chromium.InputFor(insurer, "publish-rate").FillAsync("3600");      // 1 yuan per second of outage
            await Chromium.InputFor(insurer, "publish-rate").PressAsync("Tab");
            await CommitAsync(insurer, () => insurer.Locator("[data-testid=publish-submit]").ClickAsync());
        });

        var consumer = await SignedInPageAsync(Consumer);
        var applied = DateTimeOffset.UtcNow;
        var policyId = await Step("the steel works applies for cover on its mill meter and pays the premium into escrow", async () =>
        {
            await OpenAsync(consumer, "insurance/products");
            await consumer.Locator($"[data-testid=product-{productId}]").WaitForAsync();
            var id = await Chromium.InputFor(consumer, "apply-policy-id").InputValueAsync();
            await Chromium.InputFor(consumer, "apply-industry").FillAsync("steel");
            await Chromium.InputFor(consumer, "apply-industry").PressAsync("Tab");
            applied = DateTimeOffset.UtcNow;
            await CommitAsync(consumer, () => consumer.Locator("[data-testid=apply-submit]").ClickAsync());
            await consumer.Locator("[data-testid=apply-open-policy]").ClickAsync();
            await consumer.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/insurance/policies/{id}");
            await WaitForCircuitAsync(consumer);
            Check((await consumer.Locator("[data-testid=policy-details]").InnerTextAsync()).Contains(productId), "the policy is not under the new product");
            await CommitAsync(consumer, () => consumer.Locator("[data-testid=policy-pay]").ClickAsync());
            return id;
        });

        await Step("the insurer activates the policy", async () =>
        {
            await OpenAsync(insurer, $"insurance/policies/{policyId}");
            await CommitAsync(insurer, () => insurer.Locator("[data-testid=policy-activate]").ClickAsync());
            await ExpectTextAsync(insurer.Locator("[data-testid=policy-status]"), "active", 30);
        });

        await Step("the consumer keeps the policy page open; the grid reports an outage after cover started", async () =>
        {
            await OpenAsync(consumer, $"insurance/policies/{policyId}");
            // Cover starts a minute after the application; the outage must start inside it and end in the past.
            var outageStart = applied.AddSeconds(75);
            var wait = outageStart.AddSeconds(20) - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            using var grid = GridApi();
            await PostAsync(grid, "/api/metering/outages", new { outageId, meterIds = new[] { Meter }, start = outageStart, planned = false, cause = "E2E cable fault" });
            await PostAsync(grid, $"/api/metering/outages/{outageId}/restoration", new { end = DateTimeOffset.UtcNow.AddSeconds(-1) });
        });

        await Step("the claims job pays and the consumer sees the paid claim and a notice", async () =>
        {
            await ExpectTextAsync(consumer.Locator($"[data-testid=claim-status-{outageId}]"), "paid", 90);
            var amount = await consumer.Locator($"[data-testid=claim-amount-{outageId}]").InnerTextAsync();
            Check(Chromium.Digits(amount) is > 0, $"the paid claim shows {amount}");
            Check(await IsVisibleSoonAsync(consumer.Locator(".mud-snackbar", new() { HasTextString = "Claim paid on policy " + policyId }), 15_000),
                "no paid-claim notice appeared");
            await OpenAsync(consumer, "insurance/claims");
            await ExpectTextAsync(consumer.Locator($"[data-testid=claim-status-{policyId}-{outageId}]"), "paid", 30);
        });
    }

    /// <summary>The grid company's member system: its demo API key, as written by the demo node.</summary>
    private HttpClient GridApi()
    {
        var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(Path.Combine(Portal.DataDirectory, "demo-api-keys.json")))!;
        var client = new HttpClient { BaseAddress = Portal.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", keys["grid-east"]);
        return client;
    }

    private static async Task PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Check(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task ExpectTextAsync(ILocator locator, string expected, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await locator.CountAsync() > 0 && (await SafeTextAsync(locator)).Trim() == expected) return;
            Check(DateTime.UtcNow < deadline, $"expected '{expected}', the page shows '{(await locator.CountAsync() > 0 ? await SafeTextAsync(locator) : "nothing")}'");
            await Task.Delay(500);
        }
    }
}
