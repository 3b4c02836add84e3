using System.Text;
using System.Text.RegularExpressions;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConsortiumPortal.E2E.Evidence;

/// <summary>
/// Issue 11's acceptance scenario in a real browser against the published portal: grid-east's operator uploads and
/// anchors a supply contract that also needs steel-works' signature (pending), steel-works' operator signs it in their
/// own sign-in (complete), and the public Verify page, signed out, accepts the original file and rejects a copy with
/// one byte changed.
/// </summary>
public sealed partial class ContractSignedByBothPartiesTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    private const string Owner = "grid-east/operator";
    private const string Counterparty = "steel-works";

    [Fact]
    public async Task A_contract_anchored_by_one_party_and_signed_by_the_other_verifies_and_a_modified_copy_does_not()
    {
        var original = Temp.Sub("hv-supply-contract.txt");
        await File.WriteAllTextAsync(original, $"110 kV supply contract grid-east / steel-works, e2e {Guid.NewGuid()}\nclauses 1..12\n", new UTF8Encoding(false));
        var modified = Temp.Sub("hv-supply-contract-modified.txt");
        var bytes = await File.ReadAllBytesAsync(original);
        bytes[^2] ^= 0x01;
        await File.WriteAllBytesAsync(modified, bytes);

        // 1. grid-east's operator anchors the contract, requiring steel-works' signature too.
        var owner = await NewPageAsync();
        await SignInAsync(owner, Owner);
        var hash = await Step("upload and anchor the contract as grid-east requiring steel-works' signature", async () =>
        {
            await OpenAsync(owner, "evidence/anchor");
            await Chromium.FileInputFor(owner, "anchor-file").SetInputFilesAsync(original);
            await owner.Locator("[data-testid=anchor-file-hash]").WaitForAsync();
            var title = Chromium.InputFor(owner, "anchor-title");
            await title.FillAsync("E2E 110 kV supply contract");
            await title.PressAsync("Tab");
            var contractNumber = Chromium.InputFor(owner, "anchor-contract-number");
            await contractNumber.FillAsync("GDHT-E2E-1");
            await contractNumber.PressAsync("Tab");

            var item = owner.Locator($"[data-testid=party-{Counterparty}]").First;
            await owner.Locator("[data-testid=anchor-parties]").First.ClickAsync();
            if (!await IsVisibleSoonAsync(item, 5_000))
                await owner.Locator(".mud-select:has([data-testid=anchor-parties]), .mud-select[data-testid=anchor-parties]").First.ClickAsync();
            await item.ClickAsync();
            await owner.Keyboard.PressAsync("Escape");
            var signer = owner.Locator($"input[data-testid=signer-{Counterparty}], [data-testid=signer-{Counterparty}] input").First;
            await signer.WaitForAsync(new() { State = WaitForSelectorState.Attached });
            // A party added is a required signer by default; tick it if the form did not.
            for (var attempt = 0; attempt < 5 && !await signer.IsCheckedAsync(); attempt++)
            {
                await signer.ClickAsync(new() { Force = true });
                await Task.Delay(500);
            }
            Check(await signer.IsCheckedAsync(), "steel-works is not ticked as a required signer");

            await owner.Locator("[data-testid=anchor-submit]").ClickAsync();
            var outcome = owner.Locator("[data-testid=tx-result], [data-testid=tx-refused], [data-testid=anchor-error]").First;
            await outcome.WaitForAsync(new() { Timeout = 60_000 });
            Check(await owner.Locator("[data-testid=anchor-error], [data-testid=tx-refused]").CountAsync() == 0, $"anchoring failed: {await SafeTextAsync(outcome)}");
            var cls = await owner.Locator("[data-testid=tx-result]").GetAttributeAsync("class") ?? "";
            Check(cls.Contains("success", StringComparison.OrdinalIgnoreCase), $"the contract refused the anchor: {await SafeTextAsync(outcome)}");
            var href = await owner.Locator("[data-testid=anchor-document-link]").GetAttributeAsync("href") ?? "";
            var match = DocumentHref().Match(href);
            Check(match.Success, $"the anchored document links to '{href}'");
            return match.Groups[1].Value;
        });
        Output.WriteLine($"anchored {hash}");

        await Step("the document page shows it pending, grid-east signed, steel-works not yet", async () =>
        {
            await OpenAsync(owner, $"evidence/documents/{hash}");
            await ExpectAttributeAsync(owner.Locator("[data-testid=document-status]").First, "data-status", "pending");
            await ExpectAttributeAsync(owner.Locator("[data-testid=signature-row][data-org=grid-east]").First, "data-signed", "true");
            await ExpectAttributeAsync(owner.Locator($"[data-testid=signature-row][data-org={Counterparty}]").First, "data-signed", "false");
        });

        // 2. steel-works' operator signs it in their own sign-in.
        var counterparty = await NewPageAsync();
        await SignInAsync(counterparty, $"{Counterparty}/operator");
        await Step("steel-works signs the contract and it is complete", async () =>
        {
            await OpenAsync(counterparty, $"evidence/documents/{hash}");
            await counterparty.Locator("[data-testid=document-sign]").ClickAsync();
            await ExpectAttributeAsync(counterparty.Locator("[data-testid=document-status]").First, "data-status", "complete", 60);
            await ExpectAttributeAsync(counterparty.Locator($"[data-testid=signature-row][data-org={Counterparty}]").First, "data-signed", "true");
        });

        // 3. Anyone, signed out, verifies the file.
        var visitor = await NewPageAsync();
        await Step("signed out, the original file verifies as anchored and complete", async () =>
        {
            await OpenAsync(visitor, "evidence/verify");
            await Chromium.FileInputFor(visitor, "verify-document-file").SetInputFilesAsync(original);
            await ExpectAttributeAsync(visitor.Locator("[data-testid=verify-document-result]").First, "data-anchored", "true");
            Check((await visitor.Locator("[data-testid=verify-document-sm3]").TextContentAsync())?.Trim() == hash, "the verified hash is not the anchored one");
            Check(await visitor.Locator("[data-testid=verify-document-qr]").CountAsync() == 1, "the verification report has no QR code");
            await ExpectAttributeAsync(visitor.Locator("[data-testid=document-status]").First, "data-status", "complete");
        });
        await Step("a copy with one byte changed does not verify", async () =>
        {
            await Chromium.FileInputFor(visitor, "verify-document-file").SetInputFilesAsync(modified);
            await ExpectAttributeAsync(visitor.Locator("[data-testid=verify-document-result]").First, "data-anchored", "false");
        });

        await Step("save screenshots of the evidence pages (E2E_SCREENSHOT_DIR)", async () =>
        {
            if (ScreenshotDirectory() is not { } directory) return;
            Directory.CreateDirectory(directory);
            await Chromium.FileInputFor(visitor, "verify-document-file").SetInputFilesAsync(original);
            await ExpectAttributeAsync(visitor.Locator("[data-testid=verify-document-result]").First, "data-anchored", "true");
            await visitor.ScreenshotAsync(new() { Path = Path.Combine(directory, "evidence-verify.png"), FullPage = true });
            await counterparty.ScreenshotAsync(new() { Path = Path.Combine(directory, "evidence-document.png"), FullPage = true });
            await OpenAsync(owner, "evidence/suppliers");
            await owner.Locator("[data-testid=supplier-history]").WaitForAsync();
            await owner.ScreenshotAsync(new() { Path = Path.Combine(directory, "evidence-suppliers.png"), FullPage = true });
            await OpenAsync(owner, "evidence/tickets/grid-east%3AWT-2026-0102");
            await owner.Locator("[data-testid=ticket-timeline]").WaitForAsync();
            await owner.ScreenshotAsync(new() { Path = Path.Combine(directory, "evidence-ticket.png"), FullPage = true });
            await OpenAsync(owner, "evidence");
            await owner.Locator("[data-testid=document-link]").First.WaitForAsync();
            await owner.ScreenshotAsync(new() { Path = Path.Combine(directory, "evidence-documents.png"), FullPage = true });
        });
    }

    [GeneratedRegex(@"evidence/documents/([0-9a-f]{64})")] private static partial Regex DocumentHref();
}
