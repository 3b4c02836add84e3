using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConsortiumPortal.E2E;

/// <summary>
/// Issue 3's acceptance scenario in a real browser against the real deployable: sign in as a demo user, wait for the
/// circuit, pay another member from the UI, watch a second tab's dashboard reach the payment's block without a reload,
/// open the block, download the receipt, and see the Verify page accept it and reject a tampered copy.
/// </summary>
public sealed partial class PaymentToVerifiedReceiptTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    private const string UserName = "steel-works/operator";   // a Consumer: may pay other members
    private const string Payee = "retail-one";
    private const string Amount = "12.34";                     // yuan
    private const long AmountFen = 1234;
    private static readonly TimeSpan LiveUpdateTimeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_payment_made_in_the_browser_updates_the_live_dashboard_and_its_receipt_verifies_until_tampered()
    {
        var page1 = await NewPageAsync(height: 900);

        // 1. Sign in (static SSR form), land on the dashboard, wait for the interactive circuit.
        long initialHeight = await Step("sign in as steel-works/operator and wait for the circuit on the dashboard", async () =>
        {
            await SignInAsync(page1, UserName);
            Check(await page1.Locator("[data-testid=signed-in-user]").CountAsync() == 1, "the app bar does not show the signed-in user");
            return await ChainHeightAsync(page1, "page1's dashboard");
        });
        Output.WriteLine($"chain height after sign-in: {initialHeight}");

        // 2. The dashboard in a second tab of the same browser context (same sign-in cookie), never reloaded.
        var page2 = await NewTabAsync(page1);
        var page2Navigations = 0;
        await Step("open the dashboard in a second tab", async () =>
        {
            await OpenAsync(page2, "");
            await ChainHeightAsync(page2, "page2's dashboard");
            page2.FrameNavigated += (_, frame) => { if (frame == page2.MainFrame) page2Navigations++; };
        });

        // 3. Pay retail-one 12.34 yuan from the payments page.
        await Step("open /payments and fill in the payment form", async () =>
        {
            await OpenAsync(page1, "payments");
            var select = page1.Locator("[data-testid=payment-to]").First;
            var item = page1.Locator($"[data-testid=payment-to-{Payee}]").First;
            await select.ClickAsync();
            if (!await IsVisibleSoonAsync(item, 5_000))
            {
                // MudSelect opens from its input control: click the control that holds the test id if the element itself did not.
                await page1.Locator(".mud-select:has([data-testid=payment-to]), .mud-select[data-testid=payment-to]").First.ClickAsync();
            }
            await item.ClickAsync();
            var amount = Chromium.InputFor(page1, "payment-amount");
            await amount.FillAsync(Amount);
            await amount.PressAsync("Tab");
            var memo = Chromium.InputFor(page1, "payment-memo");
            if (await memo.CountAsync() > 0)
            {
                await memo.FillAsync("e2e: browser payment");
                await memo.PressAsync("Tab");
            }
            else Output.WriteLine("no [data-testid=payment-memo] on /payments: the memo stays empty");
        });

        var (txId, txHeight) = await Step("submit the payment and read its tx id and block from the on-chain result", async () =>
        {
            await page1.Locator("[data-testid=payment-submit]").ClickAsync();
            var outcome = page1.Locator("[data-testid=tx-result], [data-testid=tx-refused], [data-testid=payment-error]").First;
            await outcome.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            var inputError = page1.Locator("[data-testid=payment-error]");
            Check(await inputError.CountAsync() == 0, $"the payments page reported an error: {await SafeTextAsync(inputError)}");
            var refused = page1.Locator("[data-testid=tx-refused]");
            Check(await refused.CountAsync() == 0, $"the payment was refused: {await SafeTextAsync(refused)}");
            var result = page1.Locator("[data-testid=tx-result]");
            var resultClass = await result.GetAttributeAsync("class") ?? "";
            Check(resultClass.Contains("success", StringComparison.OrdinalIgnoreCase),
                $"the payment committed but the contract refused it: {await SafeTextAsync(result)}");
            var txHref = await page1.Locator("[data-testid=tx-id]").GetAttributeAsync("href") ?? "";
            var blockHref = await page1.Locator("[data-testid=tx-block]").GetAttributeAsync("href") ?? "";
            var tx = TxHref().Match(txHref);
            var block = BlockHref().Match(blockHref);
            Check(tx.Success, $"[data-testid=tx-id] links to '{txHref}', not explorer/transactions/{{64 hex tx id}}");
            Check(block.Success, $"[data-testid=tx-block] links to '{blockHref}', not explorer/blocks/{{height}}");
            var height = long.Parse(block.Groups[1].Value);
            Check(height > initialHeight, $"the payment's block {height} is not above the height {initialHeight} the dashboard showed before it");
            return (tx.Groups[1].Value.ToLowerInvariant(), height);
        });
        Output.WriteLine($"payment {txId} committed in block {txHeight}");

        // 4. The dashboard in the other tab caught up over the circuit, without a reload.
        await Step($"page2's dashboard shows chain height >= {txHeight} without a reload", async () =>
        {
            var deadline = DateTime.UtcNow + LiveUpdateTimeout;
            long shown;
            while ((shown = await ChainHeightAsync(page2, "page2's dashboard")) < txHeight)
            {
                Check(DateTime.UtcNow < deadline, $"page2's dashboard still shows height {shown} {LiveUpdateTimeout.TotalSeconds:N0} s after block {txHeight} committed");
                await Task.Delay(250);
            }
            Check(page2Navigations == 0, $"page2 navigated {page2Navigations} time(s): the dashboard must update live, not by reloading");
        });

        await Step("save the dashboard screenshot (E2E_SCREENSHOT_DIR)", async () =>
        {
            if (ScreenshotDirectory() is not { } directory) return;
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "dashboard.png");
            await page2.BringToFrontAsync();
            await page2.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page2.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
            Output.WriteLine($"dashboard screenshot: {path}");
        });

        // 5. Open the payment's block from the result.
        await Step($"click the block link and see block {txHeight}", async () =>
        {
            await page1.Locator("[data-testid=tx-block]").ClickAsync();
            await page1.WaitForURLAsync(url => new Uri(url).AbsolutePath.TrimEnd('/') == $"/explorer/blocks/{txHeight}");
            await WaitForCircuitAsync(page1);
            var heightElement = page1.Locator("[data-testid=block-height]").First;
            await heightElement.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            var text = await heightElement.TextContentAsync();
            Check(Chromium.Digits(text) == txHeight, $"[data-testid=block-height] shows '{text}', expected {txHeight}");
        });

        // 6. Download the receipt from the transaction page.
        var receiptPath = Temp.Sub("receipt.json");
        await Step("open the transaction and download its receipt", async () =>
        {
            await OpenAsync(page1, $"explorer/transactions/{txId}");
            var download = await page1.RunAndWaitForDownloadAsync(
                () => page1.Locator("[data-testid=download-receipt]").First.ClickAsync(),
                new PageRunAndWaitForDownloadOptions { Timeout = ActionTimeout });
            await download.SaveAsAsync(receiptPath);
            Output.WriteLine($"receipt '{download.SuggestedFilename}' saved to {receiptPath}");
            var receipt = ParseReceipt(receiptPath);
            Check((string?)receipt["format"] == "consortium-receipt/1", $"the download is not a consortium-receipt/1: format '{receipt["format"]}'");
            Check(string.Equals((string?)receipt["txId"], txId, StringComparison.OrdinalIgnoreCase), $"the receipt is of tx {receipt["txId"]}, not {txId}");
            Check((long?)receipt["header"]?["height"] == txHeight, $"the receipt's block is {receipt["header"]?["height"]}, not {txHeight}");
            Check((long?)receipt["tx"]?["args"]?["amount"] == AmountFen, $"the receipt's amount is {receipt["tx"]?["args"]?["amount"]} fen, not {AmountFen} (12.34 yuan)");
            Check((string?)receipt["tx"]?["args"]?["to"] == Payee, $"the receipt pays '{receipt["tx"]?["args"]?["to"]}', not {Payee}");
        });

        // 7. The Verify page accepts the receipt...
        await Step("upload the receipt on /verify and see it pass", async () =>
        {
            await OpenAsync(page1, "verify");
            await Chromium.FileInputFor(page1, "receipt-file").SetInputFilesAsync(receiptPath);
            await ExpectVerdictAsync(page1, valid: true);
        });

        // 8. ...and rejects a copy whose amount was changed.
        var tamperedPath = Temp.Sub("receipt-tampered.json");
        await Step("upload a tampered copy (tx.args.amount changed) and see it fail", async () =>
        {
            var receipt = ParseReceipt(receiptPath);
            receipt["tx"]!["args"]!["amount"] = AmountFen + 100_000;
            await File.WriteAllTextAsync(tamperedPath, receipt.ToJsonString(new() { WriteIndented = true }), new UTF8Encoding(false));
            await Chromium.FileInputFor(page1, "receipt-file").SetInputFilesAsync(tamperedPath);
            await ExpectVerdictAsync(page1, valid: false);
        });
    }

    [GeneratedRegex(@"explorer/transactions/([0-9a-fA-F]{64})")] private static partial Regex TxHref();
    [GeneratedRegex(@"explorer/blocks/(\d+)")] private static partial Regex BlockHref();

    private static JsonObject ParseReceipt(string path) =>
        JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidOperationException($"{path} does not hold a JSON object");

    /// <summary>The Verify page's verdict reaches data-valid="true|false" (a stale verdict of the other kind is waited out).</summary>
    private static async Task ExpectVerdictAsync(IPage page, bool valid)
    {
        var expected = valid ? "true" : "false";
        var verdict = page.Locator("[data-testid=verify-result]").First;
        await verdict.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = ActionTimeout });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string? shown;
        while ((shown = await verdict.GetAttributeAsync("data-valid")) != expected)
        {
            if (DateTime.UtcNow > deadline)
                throw new XunitException($"[data-testid=verify-result] has data-valid='{shown}', expected '{expected}'; it says: {await SafeTextAsync(verdict)}");
            await Task.Delay(250);
        }
    }

    /// <summary>The dashboard's chain height once it shows a number (it shows "…" while loading).</summary>
    private static async Task<long> ChainHeightAsync(IPage page, string where)
    {
        var element = page.Locator("[data-testid=chain-height]").First;
        await element.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var text = await element.TextContentAsync();
            if (Chromium.Digits(text) is { } height) return height;
            if (DateTime.UtcNow > deadline) throw new XunitException($"{where}: [data-testid=chain-height] shows '{text}', not a number");
            await Task.Delay(250);
        }
    }
}
