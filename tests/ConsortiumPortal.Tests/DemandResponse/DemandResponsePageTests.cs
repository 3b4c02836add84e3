using System.Net;
using ConsortiumPortal.Seed.DemandResponse;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.DemandResponse;

/// <summary>
/// The demand-response pages as a signed-in person receives them (server prerendering of the seeded demo): what each role
/// and organisation sees on an event page, and that a cancelled event is gone for participants.
/// </summary>
public sealed class DemandResponsePageTests(PortalApp app) : IClassFixture<PortalApp>
{
    /// <summary>The demo's seeding moment ("now" for its data): genesis is dated its history earlier.</summary>
    private long Genesis => Seed.DemoConsortium.SeedingTimeOf(app.Runtime.Ledger.Store.GetBlockHeader(0)!.Header.Timestamp);

    private static async Task<string> HtmlAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_events_page_lists_programmes_and_offers_publishing_only_to_the_grid_company()
    {
        using var steel = await app.SignedInClientAsync("steel-works/operator");
        var html = await HtmlAsync(steel, "/dr");
        Assert.Contains("data-testid=\"dr-events-table\"", html);
        Assert.Contains(">Programmes<", html);
        Assert.DoesNotContain(">Publish<", html);
        Assert.Contains(">My meters<", html);                     // a consumer authorises aggregators

        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var gridHtml = await HtmlAsync(grid, "/dr");
        Assert.Contains(">Publish<", gridHtml);
        Assert.DoesNotContain(">My meters<", gridHtml);
    }

    [Fact]
    public async Task An_enrolled_consumer_sees_its_enrolment_and_the_live_curve_of_its_event()
    {
        using var steel = await app.SignedInClientAsync("steel-works/operator");
        var html = await HtmlAsync(steel, $"/dr/events/{DemandResponseSeed.EventId(Genesis, "JS")}");
        Assert.Contains("data-testid=\"dr-live-chart\"", html);
        Assert.Contains("data-testid=\"enrolled\"", html);
        Assert.Contains("12 MW", html);
        Assert.Contains("data-testid=\"dr-no-results\"", html);
        Assert.DoesNotContain("data-testid=\"cancel-event\"", html);
    }

    [Fact]
    public async Task A_cancelled_event_is_gone_for_participants_and_shown_to_its_grid_company()
    {
        var cancelled = $"/dr/events/{DemandResponseSeed.EventId(Genesis, "X")}";
        using var steel = await app.SignedInClientAsync("steel-works/operator");
        Assert.Contains("data-testid=\"dr-event-not-found\"", await HtmlAsync(steel, cancelled));
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var html = await HtmlAsync(grid, cancelled);
        Assert.Contains("data-testid=\"dr-event-title\"", html);
        Assert.Contains("load forecast revised down", html);
    }

    [Fact]
    public async Task The_grid_company_may_cancel_its_upcoming_event_and_a_consumer_may_enrol_in_one_it_is_not_in()
    {
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        Assert.Contains("data-testid=\"cancel-event\"", await HtmlAsync(grid, $"/dr/events/{DemandResponseSeed.EventId(Genesis, "JS")}"));
        using var data = await app.SignedInClientAsync("data-park/operator");
        var html = await HtmlAsync(data, $"/dr/events/{DemandResponseSeed.EventId(Genesis, "ZJ")}");
        Assert.Contains("data-testid=\"enrol-submit\"", html);
    }
}
