using System.Globalization;
using System.Text;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConsortiumPortal.E2E.Metering;

/// <summary>
/// Issue 5's browser scenario against the published portal: a grid-east person imports a CSV with some bad rows, sees
/// the validation report (good rows recorded, each bad line with its reason), then opens the meter's load curve and
/// zooms from the day to the week.
/// </summary>
public sealed class MeteringImportTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    private const string UserName = "grid-east/operator";   // GridCompany: owns metering
    private const string Meter = "M-WIND-01";                // 50 MW: at most 12,500,000 Wh per interval

    [Fact]
    public async Task A_grid_person_imports_a_csv_with_bad_rows_sees_the_report_and_opens_the_meter_curve()
    {
        var page = await SignedInPageAsync(UserName);

        // A whole day nine days ago (before the demo's seeded week): 96 good rows, then three bad ones.
        var day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-9);
        var csv = new StringBuilder("meter_id,interval_start,wh\n");
        for (var i = 0; i < 96; i++)
            csv.Append(Meter).Append(',').Append(day.AddMinutes(15 * i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
               .Append(',').Append(3_000_000 + 20_000 * i).Append('\n');
        csv.Append($"{Meter},{day:yyyy-MM-dd}T00:00:00Z,99999999\n");   // line 98: a different value for an interval in this file... and over capacity
        csv.Append($"M-NOWHERE,{day:yyyy-MM-dd}T00:15:00Z,100\n");      // line 99: unknown meter
        csv.Append($"{Meter},not-a-time,100\n");                        // line 100: malformed
        var file = Temp.Sub("readings.csv");
        await File.WriteAllTextAsync(file, csv.ToString());

        await Step("import the CSV and see the validation report", async () =>
        {
            await OpenAsync(page, "metering/import");
            await Chromium.FileInputFor(page, "readings-file").SetInputFilesAsync(file);
            await page.Locator("[data-testid=import-report]").WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 90_000 });
            Check((await page.Locator("[data-testid=import-error]").CountAsync()) == 0, "the import page shows an error");
            var accepted = await page.Locator("[data-testid=report-accepted]").InnerTextAsync();
            Check(accepted.Contains("96 recorded"), $"report says '{accepted}', expected 96 recorded");
            var rejected = await page.Locator("[data-testid=report-rejected]").InnerTextAsync();
            Check(rejected.Contains("3 rejected"), $"report says '{rejected}', expected 3 rejected");
            var lines = await page.Locator("[data-testid=rejected-line]").AllInnerTextsAsync();
            Check(lines.Select(l => l.Trim()).SequenceEqual(["98", "99", "100"]), $"rejected lines are {string.Join(",", lines)}, expected 98,99,100");
            var reasons = string.Join("\n", await page.Locator("[data-testid=rejected-reason]").AllInnerTextsAsync());
            Check(reasons.Contains("exceeds the meter's capacity"), $"no capacity reason in:\n{reasons}");
            Check(reasons.Contains("M-NOWHERE is not registered"), $"no unknown-meter reason in:\n{reasons}");
            Check(reasons.Contains("not an ISO 8601 time"), $"no malformed-time reason in:\n{reasons}");
            Check(await page.Locator("[data-testid=report-tx-block]").CountAsync() >= 1, "the report links no committed block");
        });

        await Step("open the meter from the meters list and see its curve", async () =>
        {
            await OpenAsync(page, "metering/meters");
            await page.Locator($"[data-testid=meter-link-{Meter}]").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/metering/meters/{Meter}");
            await WaitForCircuitAsync(page);
            await page.Locator("[data-testid=curve-chart]").WaitForAsync(new() { State = WaitForSelectorState.Visible });
            Check(await page.Locator("[data-testid=curve-chart] svg").CountAsync() >= 1, "the curve has no chart");
            var recorded = await page.Locator("[data-testid=curve-recorded]").InnerTextAsync();
            Check(recorded.Trim() == "96 / 96", $"the day view shows '{recorded}' intervals, expected a complete seeded day");
        });

        await Step("save the curve screenshot (E2E_SCREENSHOT_DIR)", async () =>
        {
            if (ScreenshotDirectory() is not { } directory) return;
            Directory.CreateDirectory(directory);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, "metering-curve.png") });
        });

        await Step("zoom to the week", async () =>
        {
            await page.Locator("[data-testid=zoom-week]").ClickAsync();
            var recorded = page.Locator("[data-testid=curve-recorded]");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(await recorded.InnerTextAsync()).Trim().EndsWith("/ 672"))
            {
                Check(DateTime.UtcNow < deadline, $"the week view shows '{await recorded.InnerTextAsync()}' intervals");
                await Task.Delay(250);
            }
        });
    }
}
