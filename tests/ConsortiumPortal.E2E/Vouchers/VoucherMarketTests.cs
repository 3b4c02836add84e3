using System.Globalization;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.Vouchers;

/// <summary>
/// Issue 7's browser scenario against the published portal: the wind generator sees its issued certificates and offers
/// 5 MWh of a range, the retailer buys them on the market page, retires 2 of them toward its quota, and the public trace
/// page shows every step of a retired serial (issued, listed, traded, retired) with its transactions.
/// </summary>
public sealed class VoucherMarketTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    // Above the demo's resting bid (30 yuan) and below its offers (45 yuan and up): this offer rests and is the best ask.
    private const string Price = "35";

    [Fact]
    public async Task A_generator_sells_a_retailer_buys_and_retires_and_the_trace_shows_every_step()
    {
        var generator = await SignedInPageAsync("gen-wind/operator");
        var start = await Step("the generator sees its certificates and offers 5 MWh", async () =>
        {
            await OpenAsync(generator, "vouchers");
            var firstRow = generator.Locator("[data-testid=holdings] tbody tr").First;
            await firstRow.WaitForAsync();
            await firstRow.ClickAsync();
            await generator.Locator("[data-testid=range-actions]").WaitForAsync();
            var from = long.Parse(await Chromium.InputFor(generator, "action-start").InputValueAsync(), CultureInfo.InvariantCulture);
            await Chromium.InputFor(generator, "action-quantity").FillAsync("5");
            await Chromium.InputFor(generator, "action-quantity").PressAsync("Tab");
            await Chromium.InputFor(generator, "sell-price").FillAsync(Price);
            await Chromium.InputFor(generator, "sell-price").PressAsync("Tab");
            await CommitAsync(generator, () => generator.Locator("[data-testid=sell-submit]").ClickAsync());
            return from;
        });
        var code = "GV" + start.ToString("D15", CultureInfo.InvariantCulture);

        var retailer = await SignedInPageAsync("retail-one/operator");
        await Step("the retailer buys 5 MWh on the market", async () =>
        {
            await OpenAsync(retailer, "vouchers/market");
            await retailer.Locator("[data-testid=depth-chart]").WaitForAsync();
            await Chromium.InputFor(retailer, "buy-quantity").FillAsync("5");
            await Chromium.InputFor(retailer, "buy-quantity").PressAsync("Tab");
            await Chromium.InputFor(retailer, "buy-price").FillAsync(Price);
            await Chromium.InputFor(retailer, "buy-price").PressAsync("Tab");
            await CommitAsync(retailer, () => retailer.Locator("[data-testid=buy-submit]").ClickAsync());
            await retailer.Locator("[data-testid=trades]").GetByText(code).First.WaitForAsync();
        });

        await Step("the retailer retires 2 MWh toward its quota", async () =>
        {
            await OpenAsync(retailer, "vouchers");
            var row = retailer.Locator("[data-testid=holdings] tbody tr", new() { HasText = code });
            await row.First.WaitForAsync();
            await row.First.ClickAsync();
            await retailer.Locator("[data-testid=range-actions]").WaitForAsync();
            await Chromium.InputFor(retailer, "action-quantity").FillAsync("2");
            await Chromium.InputFor(retailer, "action-quantity").PressAsync("Tab");
            await retailer.Locator("[data-testid=range-actions] .mud-tab", new() { HasText = "Retire" }).ClickAsync();
            await Chromium.InputFor(retailer, "retire-reason").FillAsync("E2E consumption responsibility");
            await Chromium.InputFor(retailer, "retire-reason").PressAsync("Tab");
            await CommitAsync(retailer, () => retailer.Locator("[data-testid=retire-submit]").ClickAsync());
        });

        var visitor = await NewPageAsync();
        await Step("anyone traces the serial through every step", async () =>
        {
            await OpenAsync(visitor, $"vouchers/trace?serial={start}");
            await visitor.Locator("[data-testid=trace-code]").WaitForAsync();
            Check(await SafeTextAsync(visitor.Locator("[data-testid=trace-code]")) == code, "the trace shows the serial");
            foreach (var kind in new[] { "issued", "listed", "trade", "retired" })
                await visitor.Locator($"[data-testid=trace-step-{kind}]").First.WaitForAsync();
            Check(await visitor.Locator("[data-testid=trace-tx]").CountAsync() >= 4, "every step links its transaction");
        });
    }
}
