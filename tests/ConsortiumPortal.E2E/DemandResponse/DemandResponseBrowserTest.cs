using System.Globalization;
using ConsortiumPortal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConsortiumPortal.E2E.DemandResponse;

/// <summary>The demand-response scenarios' shared steps: the grid company publishes an event in the form, a consumer enrols.</summary>
public abstract class DemandResponseBrowserTest(ITestOutputHelper output) : PortalBrowserTest(output)
{
    protected static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>MudBlazor puts a text field's user attributes on its input (or, in some versions, on the wrapper).</summary>
    protected static string Input(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    /// <summary>
    /// Publishes a one-hour event of the peak programme (5 MW) from the Publish tab; the form proposes tomorrow 10:00 China
    /// time, moved to the next weekday when <paramref name="weekday"/>. Returns its start.
    /// </summary>
    protected async Task<DateTimeOffset> PublishAsync(IPage grid, string eventId, bool weekday = false)
    {
        await OpenAsync(grid, "dr");
        await grid.GetByRole(AriaRole.Tab, new() { Name = "Publish" }).ClickAsync();
        await grid.Locator("[data-testid=publish-program]").ClickAsync();
        await grid.Locator(".mud-popover-open .mud-list-item", new() { HasText = "East China summer peak shaving" }).ClickAsync();
        await grid.Locator(Input("publish-event-id")).FillAsync(eventId);
        var local = DateTime.ParseExact(await grid.Locator(Input("publish-start")).InputValueAsync(), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        while (weekday && local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) local = local.AddDays(1);
        await grid.Locator(Input("publish-start")).FillAsync(local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        await grid.Locator(Input("publish-target")).FillAsync("5000");
        await CommitAsync(grid, () => grid.Locator("[data-testid=publish-submit]").ClickAsync());
        return new DateTimeOffset(local, China);
    }

    /// <summary>Enrols <paramref name="meter"/> in the event with a commitment in kW and waits for the enrolment to show.</summary>
    protected static async Task EnrolAsync(IPage consumer, string eventId, string meter, int committedKw)
    {
        await OpenAsync(consumer, $"dr/events/{eventId}");
        await consumer.Locator("[data-testid=enrol-meters]").ClickAsync();
        await consumer.Locator(".mud-popover-open .mud-list-item", new() { HasText = meter }).ClickAsync();
        // The data park has two meters (M-DATA-02 is the demo history's): close the list by clicking outside it, and
        // leave the commitment field (Tab) so that its value is bound before submitting.
        await consumer.Locator("[data-testid=dr-event-title]").ClickAsync();
        await consumer.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await consumer.Locator(Input("enrol-committed")).FillAsync(committedKw.ToString(CultureInfo.InvariantCulture));
        await consumer.Locator(Input("enrol-committed")).PressAsync("Tab");
        await CommitAsync(consumer, () => consumer.Locator("[data-testid=enrol-submit]").ClickAsync());
        await consumer.Locator("[data-testid=enrolled]").WaitForAsync();
    }
}
