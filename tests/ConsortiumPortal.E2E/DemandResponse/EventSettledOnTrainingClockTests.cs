using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.DemandResponse;

/// <summary>
/// Issue 10's whole browser scenario on a training pilot (Consortium:TrainingClock=true), where this node's operator moves
/// block time forward so that an event runs in minutes: grid-east publishes an event, the data park enrols its meter, the
/// clock moves into the event, the metering system posts readings through /api/metering, the live view shows the delivered
/// reduction, the clock moves past the end, the last readings arrive, the settlement job settles the event, and the data
/// park sees its incentive.
/// </summary>
public sealed class EventSettledOnTrainingClockTests(ITestOutputHelper output) : DemandResponseBrowserTest(output)
{
    private const string EventId = "E2E-DR-CLOCK";
    private const string Meter = "M-DATA-01";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    protected override IReadOnlyList<string> PortalArguments => ["--Consortium:TrainingClock=true"];

    [Fact]
    public async Task An_event_runs_on_the_training_clock_and_the_consumer_sees_its_settled_incentive()
    {
        var grid = await SignedInPageAsync("grid-east/operator");
        // A weekday, so that the seeded week of readings holds its baseline days.
        var start = await Step("publish a one-hour event on a weekday", () => PublishAsync(grid, EventId, weekday: true));
        var consumer = await SignedInPageAsync("data-park/operator");
        await Step("the consumer enrols its meter with 2 MW", () => EnrolAsync(consumer, EventId, Meter, 2000));

        var trainer = await SignedInPageAsync("grid-east/admin");
        await Step("the operator moves the clock half an hour into the event", () => MoveClockAsync(trainer, start + 2 * Interval));
        await Step("the first two intervals' readings arrive: 1 MWh each, far below the data centre's usual load",
            () => PostReadingsAsync(grid, start, 2));
        await Step("the live view shows the delivered reduction", async () =>
        {
            await OpenAsync(consumer, $"dr/events/{EventId}");
            await WaitForTextAsync(consumer.Locator("[data-testid=dr-live-measured]"), t => t.Replace(" ", "") == "2/4", "two of four intervals measured");
            var delivered = await consumer.Locator("[data-testid=dr-live-delivered]").InnerTextAsync();
            Check(!delivered.StartsWith("0 ", StringComparison.Ordinal), $"a reduction is delivered: {delivered}");
            await consumer.Locator("[data-testid=dr-live-chart]").WaitForAsync();
        });

        await Step("the operator moves the clock past the end", () => MoveClockAsync(trainer, start + 5 * Interval));
        await Step("the last readings arrive", () => PostReadingsAsync(grid, start + 2 * Interval, 2));
        await Step("the settlement job settles the event and the consumer sees its incentive", async () =>
        {
            // 2 MW committed for an hour and delivered in every interval: 2,000 kWh x 3.00 yuan.
            await WaitForTextAsync(consumer.Locator("[data-testid=incentive-data-park]"), t => t == "¥6,000.00", "the settled incentive", seconds: 120);
        });
    }

    /// <summary>POST /api/training/clock as this node's operator (the page's sign-in cookie).</summary>
    private static async Task MoveClockAsync(IPage operatorPage, DateTimeOffset to)
    {
        var response = await operatorPage.Context.APIRequest.PostAsync("api/training/clock", new() { DataObject = new { to = to.ToUniversalTime() } });
        Check(response.Ok, $"moving the clock answered {response.Status}: {await response.TextAsync()}");
        var json = JsonDocument.Parse(await response.TextAsync()).RootElement;
        Check(json.GetProperty("blockClock").GetDateTimeOffset() >= to, $"the block clock is at {to:O} or later: {json}");
    }

    /// <summary>What a meter data source does: POST /api/metering/readings, signed by the grid company's person.</summary>
    private static async Task PostReadingsAsync(IPage gridPage, DateTimeOffset from, int intervals)
    {
        var readings = Enumerable.Range(0, intervals)
            .Select(i => new { meterId = Meter, intervalStart = (from + i * Interval).ToUniversalTime(), wh = 1_000_000L }).ToArray();
        var response = await gridPage.Context.APIRequest.PostAsync("api/metering/readings", new() { DataObject = new { readings } });
        var text = await response.TextAsync();
        Check(response.Ok, $"posting readings answered {response.Status}: {text}");
        Check(JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32() == intervals, $"every reading is accepted: {text}");
    }

    private static async Task WaitForTextAsync(ILocator locator, Func<string, bool> expected, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var shown = "";
        while (DateTime.UtcNow < deadline)
        {
            if (await locator.CountAsync() > 0 && expected(shown = (await locator.First.InnerTextAsync()).Trim())) return;
            await Task.Delay(500);
        }
        Check(false, $"{what}: the page shows '{shown}'");
    }
}
