using System.Text.RegularExpressions;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConsortiumPortal.E2E.Registry;

/// <summary>
/// Issue 6's browser scenario against the published portal on a fresh demo ledger: a retailer applies for a new
/// retailer registration, a trading centre (px-center) starts the review and approves it with a disclosure period of
/// a few seconds (the demo's governed bounds allow it), an anonymous visitor sees it on the public disclosure board,
/// and once the period has elapsed by block time the trading centre activates it and the directory shows it active.
/// </summary>
public sealed partial class RegistrationToDirectoryTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    private const string Applicant = "retail-one/operator";
    private const string Reviewer = "px-center/operator";
    private const int DisclosureSeconds = 5;

    [Fact]
    public async Task A_new_retailer_is_reviewed_approved_disclosed_publicly_and_then_active_in_the_directory()
    {
        var stamp = DateTime.UtcNow.ToString("HHmmssfff");
        var name = $"华能售电(浙江)有限公司 E2E {stamp}";
        var code = CreditCode($"91330000MA{stamp[2..]}");

        // 1. The retailer applies.
        var retailer = await NewPageAsync();
        await Step("retail-one/operator signs in and applies for a new retailer registration", async () =>
        {
            await SignInAsync(retailer, Applicant);
            await OpenAsync(retailer, "registry/apply");
            await Chromium.InputFor(retailer, "reg-legal-name").FillAsync(name);
            await Chromium.InputFor(retailer, "reg-credit-code").FillAsync(code);
            await Chromium.InputFor(retailer, "reg-province-zhejiang").SetCheckedAsync(true, new() { Force = true });
            await Chromium.InputFor(retailer, "reg-capacity").FillAsync("0");
            await Chromium.InputFor(retailer, "reg-contact-name").FillAsync("Li Lei");
            await Chromium.InputFor(retailer, "reg-contact-email").FillAsync("li.lei@example.cn");
            await Chromium.InputFor(retailer, "reg-contact-email").PressAsync("Tab");
            await CommitAsync(retailer, () => retailer.Locator("[data-testid=reg-submit]").ClickAsync(), "[data-testid=reg-error]");
        });

        // 2. The trading centre finds it in its queue, starts the review and approves it for a few seconds of disclosure.
        var center = await NewPageAsync();
        var participantId = await Step("px-center/operator starts the review and approves it", async () =>
        {
            await SignInAsync(center, Reviewer);
            await OpenAsync(center, "registry/review");
            var card = center.Locator($"[data-testid^=review-][data-name=\"{name}\"]").First;
            await card.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            var id = (await card.GetAttributeAsync("data-testid"))!["review-".Length..];
            await CommitAsync(center, () => center.Locator($"[data-testid=start-review-{id}]").ClickAsync(), "[data-testid=reg-error]");
            var period = Chromium.InputFor(center, $"period-{id}");
            await period.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            await period.FillAsync($"{DisclosureSeconds}s");
            await period.PressAsync("Tab");
            await CommitAsync(center, () => center.Locator($"[data-testid=approve-{id}]").ClickAsync(), "[data-testid=reg-error]");
            return id;
        });
        Output.WriteLine($"participant {participantId}: {name} ({code})");

        // 3. Anyone, signed in or not, sees it on the public disclosure board.
        await Step("an anonymous visitor sees it on the public disclosure board", async () =>
        {
            var visitor = await NewPageAsync();
            await OpenAsync(visitor, "registry/disclosure");
            Check(await visitor.Locator("[data-testid=signed-in-user]").CountAsync() == 0, "the visitor is not supposed to be signed in");
            var entry = visitor.Locator($"[data-testid=disclosure-{participantId}]");
            await entry.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            var text = await entry.InnerTextAsync();
            Check(text.Contains(name) && text.Contains(code), $"the board entry does not show the name and code: {text}");
        });

        // 4. After the period the trading centre activates it.
        await Step("after the disclosure period, px-center activates it", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(DisclosureSeconds + 1));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var activate = center.Locator($"[data-testid=activate-{participantId}]");
            while (true)
            {
                await OpenAsync(center, "registry/review");
                if (await activate.CountAsync() > 0) break;
                Check(DateTime.UtcNow < deadline, "no Activate button 60 s after the disclosure period");
                await Task.Delay(1_000);
            }
            await CommitAsync(center, () => activate.ClickAsync(), "[data-testid=reg-error]");
        });

        // 5. The directory shows it active.
        await Step("the participant directory shows it Active", async () =>
        {
            await OpenAsync(retailer, "registry/directory");
            var search = Chromium.InputFor(retailer, "directory-search");
            await search.FillAsync(code);
            var row = retailer.Locator($"tr:has([data-testid=directory-row-{participantId}])");
            await row.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            var status = row.Locator("[data-testid=participant-status]");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await status.GetAttributeAsync("data-status") != "Active")
            {
                Check(DateTime.UtcNow < deadline, $"the directory shows {await status.GetAttributeAsync("data-status")}, not Active");
                await Task.Delay(500);
            }
        });
    }

    private static string CreditCode(string first17)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        var sum = first17.Select((c, i) => alphabet.IndexOf(c) * weights[i]).Sum();
        var check = 31 - sum % 31;
        return first17 + alphabet[check == 31 ? 0 : check];
    }
}
