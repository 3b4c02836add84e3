using Microsoft.Playwright;

namespace ConsortiumPortal.E2E.Support;

/// <summary>Debian's chromium driven by Microsoft.Playwright's bundled Node driver (nothing is downloaded).</summary>
public static class Chromium
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: install Debian's chromium (`apt-get install -y chromium`, which tests/run-all.sh does when run as root). " +
                "Do not run `playwright install`: this machine cannot download browsers.");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The file input a test id names: the element itself if it is an input, else the input inside it (MudBlazor puts attributes on wrappers).</summary>
    public static ILocator InputFor(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input:not([type=hidden]), [data-testid={testId}] textarea").First;

    public static ILocator FileInputFor(IPage page, string testId) =>
        page.Locator($"input[type=file][data-testid={testId}], [data-testid={testId}] input[type=file]").First;

    /// <summary>The digits of a text such as "1,234" or "#57" as a number; null when it holds none.</summary>
    public static long? Digits(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length is > 0 and < 19 ? long.Parse(digits) : null;
    }
}
