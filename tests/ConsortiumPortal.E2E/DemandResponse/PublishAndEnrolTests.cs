using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.DemandResponse;

/// <summary>
/// Issue 10's browser scenario on the real clock: grid-east publishes an event of its peak programme, the data park enrols
/// its meter with a commitment, and both see it on the event page with its live curve. The rest (readings, live delivered
/// reduction, settlement, the incentive) needs block time to reach the event: EventSettledOnTrainingClockTests.
/// </summary>
public sealed class PublishAndEnrolTests(ITestOutputHelper output) : DemandResponseBrowserTest(output)
{
    private const string EventId = "E2E-DR-1";

    [Fact]
    public async Task The_grid_company_publishes_an_event_and_a_consumer_enrols_in_it()
    {
        var grid = await SignedInPageAsync("grid-east/operator");
        await Step("publish an event", () => PublishAsync(grid, EventId));

        var consumer = await SignedInPageAsync("data-park/operator");
        await Step("the consumer enrols its meter", async () =>
        {
            await EnrolAsync(consumer, EventId, "M-DATA-01", 2000);
            Check((await consumer.Locator("[data-testid=enrolled]").InnerTextAsync()).Contains("2 MW"), "the enrolment shows the 2 MW commitment");
            await consumer.Locator("[data-testid=dr-live-chart]").WaitForAsync();
        });

        await Step("the grid company sees the participant on its event", async () =>
        {
            await OpenAsync(grid, $"dr/events/{EventId}");
            await grid.Locator("[data-testid=dr-live-participant]").ClickAsync();
            await grid.Locator(".mud-popover-open .mud-list-item", new() { HasText = "data-park" }).WaitForAsync();
        });
    }
}
