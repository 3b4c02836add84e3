using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.DemandResponse;

/// <summary>
/// Issue 10's browser scenario, the part that needs no waiting: grid-east publishes an event of its peak programme, the
/// data park enrols its meter with a commitment, and both see it on the event page with its live curve. (Readings for the
/// event can only be recorded once its intervals have ended, at least 15 minutes of wall clock after publication; the
/// settlement that follows is covered by the contract and seed tests, docs/demand-response.md.)
/// </summary>
public sealed class PublishAndEnrolTests(ITestOutputHelper output) : PortalBrowserTest(output)
{
    private const string EventId = "E2E-DR-1";

    /// <summary>MudBlazor puts a text field's user attributes on its input (or, in some versions, on the wrapper).</summary>
    private static string Input(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    [Fact]
    public async Task The_grid_company_publishes_an_event_and_a_consumer_enrols_in_it()
    {
        var grid = await SignedInPageAsync("grid-east/operator");
        await Step("publish an event", async () =>
        {
            await OpenAsync(grid, "dr");
            await grid.GetByRole(AriaRole.Tab, new() { Name = "Publish" }).ClickAsync();
            await grid.Locator("[data-testid=publish-program]").ClickAsync();
            await grid.Locator(".mud-popover-open .mud-list-item", new() { HasText = "East China summer peak shaving" }).ClickAsync();
            await grid.Locator(Input("publish-event-id")).FillAsync(EventId);
            await grid.Locator(Input("publish-target")).FillAsync("5000");
            await CommitAsync(grid, () => grid.Locator("[data-testid=publish-submit]").ClickAsync());
        });

        var consumer = await SignedInPageAsync("data-park/operator");
        await Step("the consumer enrols its meter", async () =>
        {
            await OpenAsync(consumer, $"dr/events/{EventId}");
            await consumer.Locator("[data-testid=enrol-meters]").ClickAsync();
            await consumer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "M-DATA-01" }).ClickAsync();
            // The data park has two meters (M-DATA-02 is the demo history's): close the list by clicking outside it, and
            // leave the commitment field (Tab) so that its value is bound before submitting.
            await consumer.Locator("[data-testid=dr-event-title]").ClickAsync();
            await consumer.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
            await consumer.Locator(Input("enrol-committed")).FillAsync("2000");
            await consumer.Locator(Input("enrol-committed")).PressAsync("Tab");
            await CommitAsync(consumer, () => consumer.Locator("[data-testid=enrol-submit]").ClickAsync());
            await consumer.Locator("[data-testid=enrolled]").WaitForAsync();
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
