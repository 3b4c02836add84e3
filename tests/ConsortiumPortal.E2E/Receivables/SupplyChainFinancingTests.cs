using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.Receivables;

/// <summary>
/// Issue 9's browser scenario against the published portal: grid-east issues a voucher to cable-co (tier 1), which
/// accepts it, splits it and transfers a part to meter-co (tier 2); meter-co accepts and applies to CCB for financing,
/// CCB quotes, meter-co accepts the quote; the lineage tree shows the root, both parts and the part assigned to CCB.
/// </summary>
public sealed class SupplyChainFinancingTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    /// <summary>Opens a MudSelect by its test id and picks the option with this text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.Locator($"[data-testid={testId}]").First.ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = option }).First;
        await item.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await item.ClickAsync();
        await item.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    [Fact]
    public async Task Grid_issues_tier1_splits_to_tier2_tier2_finances_at_a_bank_and_the_lineage_tree_shows_it()
    {
        var stamp = DateTime.UtcNow.ToString("HHmmssfff");

        var grid = await SignedInPageAsync("grid-east/operator");
        var root = await Step("grid-east issues a voucher of 500,000 yuan to cable-co", async () =>
        {
            await OpenAsync(grid, "receivables/issue");
            await ChooseAsync(grid, "issue-supplier", "cable-co");
            await Chromium.InputFor(grid, "issue-face").FillAsync("500000");
            await Chromium.InputFor(grid, "issue-contract").FillAsync("SGCC-EC-E2E-" + stamp);
            await Chromium.InputFor(grid, "issue-invoice").FillAsync("INV-E2E-" + stamp);
            await Chromium.InputFor(grid, "issue-min-split").FillAsync("100000");
            await Chromium.InputFor(grid, "issue-memo").FillAsync("E2E cable order");
            await Chromium.InputFor(grid, "issue-memo").PressAsync("Tab");
            await CommitAsync(grid, () => grid.Locator("[data-testid=issue-submit]").ClickAsync());
            var href = await grid.Locator("[data-testid=issued-voucher]").GetAttributeAsync("href");
            return href!.Split('/')[^1];
        });

        var cable = await SignedInPageAsync("cable-co/operator");
        var parts = await Step("cable-co accepts it, splits it 300,000 + 200,000 and offers the second part to meter-co", async () =>
        {
            await OpenAsync(cable, $"receivables/vouchers/{root}");
            await CommitAsync(cable, () => cable.Locator("[data-testid=accept-issue]").ClickAsync());
            await OpenAsync(cable, $"receivables/vouchers/{root}");
            await Chromium.InputFor(cable, "split-amounts").FillAsync("300000, 200000");
            await Chromium.InputFor(cable, "split-amounts").PressAsync("Tab");
            await CommitAsync(cable, () => cable.Locator("[data-testid=split-submit]").ClickAsync());
            await OpenAsync(cable, $"receivables/vouchers/{root}");
            var nodes = cable.Locator("[data-testid=lineage-node]");
            await nodes.Nth(2).WaitForAsync(new() { State = WaitForSelectorState.Attached });
            var ids = new List<string>();
            for (var i = 0; i < await nodes.CountAsync(); i++) ids.Add((await nodes.Nth(i).GetAttributeAsync("data-voucher"))!);
            var children = ids.Where(id => id != root).Order(StringComparer.Ordinal).ToArray();
            Check(children.Length == 2, $"expected two parts under {root}, the tree shows {string.Join(", ", ids)}");
            await OpenAsync(cable, $"receivables/vouchers/{children[1]}");
            await ChooseAsync(cable, "transfer-to", "meter-co");
            await CommitAsync(cable, () => cable.Locator("[data-testid=transfer-submit]").ClickAsync());
            return children;
        });

        var meter = await SignedInPageAsync("meter-co/operator");
        await Step("meter-co accepts the part and applies to CCB for financing", async () =>
        {
            await OpenAsync(meter, $"receivables/vouchers/{parts[1]}");
            await CommitAsync(meter, () => meter.Locator("[data-testid=accept-transfer]").ClickAsync());
            await OpenAsync(meter, $"receivables/vouchers/{parts[1]}");
            await ChooseAsync(meter, "finance-bank", "ccb-bank");
            await CommitAsync(meter, () => meter.Locator("[data-testid=finance-submit]").ClickAsync());
        });

        var bank = await SignedInPageAsync("ccb-bank/operator");
        await Step("CCB sees the lineage and the ratings and quotes 4.2 %", async () =>
        {
            await OpenAsync(bank, $"receivables/vouchers/{parts[1]}");
            await bank.Locator("[data-testid=ratings]").WaitForAsync();
            await Chromium.InputFor(bank, "quote-rate").FillAsync("4.2");
            await Chromium.InputFor(bank, "quote-rate").PressAsync("Tab");
            await CommitAsync(bank, () => bank.Locator("[data-testid=quote-submit]").ClickAsync());
        });

        await Step("meter-co accepts the quote; the part is assigned to CCB and the tree shows the whole chain", async () =>
        {
            await OpenAsync(meter, $"receivables/vouchers/{parts[1]}");
            await CommitAsync(meter, () => meter.Locator("[data-testid=accept-quote]").ClickAsync());
            await OpenAsync(meter, $"receivables/vouchers/{parts[1]}");
            var financier = meter.Locator("[data-testid=voucher-financier]");
            await financier.WaitForAsync();
            Check((await financier.InnerTextAsync()).Trim() == "ccb-bank", "the part is not shown as assigned to ccb-bank");
            await ExpectAttributeAsync(meter.Locator($"[data-testid=lineage-{parts[1]}] [data-testid=voucher-status]"), "data-status", "financed");
            var financed = await SafeTextAsync(meter.Locator($"[data-testid=lineage-{parts[1]}]"));
            Check(financed.Contains("meter-co") && financed.Contains("ccb-bank"), $"the financed part's node reads: {financed}");
            var kept = await SafeTextAsync(meter.Locator($"[data-testid=lineage-{parts[0]}]"));
            Check(kept.Contains("cable-co"), $"the part cable-co kept reads: {kept}");
            await ExpectAttributeAsync(meter.Locator($"[data-testid=lineage-{root}] [data-testid=voucher-status]"), "data-status", "split");
            if (ScreenshotDirectory() is { } dir)
            {
                Directory.CreateDirectory(dir);
                await meter.ScreenshotAsync(new() { Path = Path.Combine(dir, "receivables-lineage.png"), FullPage = true });
            }
        });
    }
}
