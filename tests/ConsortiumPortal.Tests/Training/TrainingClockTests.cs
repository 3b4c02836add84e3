using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.Node;
using ConsortiumPortal.Tests.Api;
using Microsoft.AspNetCore.Hosting;

namespace ConsortiumPortal.Tests.Training;

/// <summary>The training clock itself: forward only, bounded steps, never behind the ledger after a restart.</summary>
public sealed class TrainingClockTests
{
    private sealed class WallClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void It_follows_the_wall_clock_and_moves_only_forward_by_at_most_a_month()
    {
        var wall = new WallClock(Noon);
        var clock = new TrainingClock(wall);
        Assert.Equal(Noon, clock.GetUtcNow());
        Assert.Equal(Noon.AddHours(3), clock.AdvanceTo(Noon.AddHours(3)));
        wall.Now = Noon.AddMinutes(10);
        Assert.Equal(Noon.AddHours(3).AddMinutes(10), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromHours(3), clock.Offset);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(Noon.AddHours(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(clock.GetUtcNow() + TrainingClock.MaxStep + TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromHours(3), clock.Offset); // refused moves change nothing
        Assert.Equal(clock.GetUtcNow(), clock.AdvanceTo(clock.GetUtcNow()));
    }

    [Fact]
    public void A_restarted_node_starts_its_clock_at_the_ledgers_head_if_that_is_ahead()
    {
        var clock = new TrainingClock(new WallClock(Noon));
        clock.CatchUp(Noon.AddMinutes(-5).ToUnixTimeMilliseconds());
        Assert.Equal(Noon, clock.GetUtcNow());
        clock.CatchUp(Noon.AddDays(2).ToUnixTimeMilliseconds());
        Assert.Equal(Noon.AddDays(2), clock.GetUtcNow());
    }
}

/// <summary>The portal of a training pilot: Consortium:TrainingClock=true.</summary>
public sealed class TrainingPortalApp : PortalApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Consortium:TrainingClock", "true");
    }
}

/// <summary>/api/training/clock: only this node's operators move block time, only forward, and blocks follow it.</summary>
public sealed class TrainingClockApiTests(TrainingPortalApp app) : IClassFixture<TrainingPortalApp>
{
    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpClient client, HttpMethod method, object? body = null)
    {
        using var request = new HttpRequestMessage(method, "/api/training/clock") { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Only_the_nodes_operators_may_read_or_move_the_clock()
    {
        using var gridOperator = await app.SignedInClientAsync("grid-east/operator");   // not an OrgAdmin
        using var otherAdmin = await app.SignedInClientAsync("steel-works/admin");       // an OrgAdmin of another organisation
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(gridOperator, HttpMethod.Post, new { minutes = 10 })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(otherAdmin, HttpMethod.Post, new { minutes = 10 })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, HttpMethod.Get)).Status);
    }

    [Fact]
    public async Task Block_time_moves_forward_and_never_back()
    {
        using var admin = await app.SignedInClientAsync("grid-east/admin");
        var (status, before) = await SendAsync(admin, HttpMethod.Get);
        Assert.Equal(HttpStatusCode.OK, status);
        var blockClock = before.GetProperty("blockClock").GetDateTimeOffset();

        var (moved, after) = await SendAsync(admin, HttpMethod.Post, new { minutes = 90 });
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.True(after.GetProperty("blockClock").GetDateTimeOffset() >= blockClock.AddMinutes(90));
        Assert.True(after.GetProperty("offsetMinutes").GetDouble() >= 90);

        // The next block carries the moved time: contracts see it.
        var outcome = await app.Runtime.Node.SubmitAsync(app.Transfer("steel-works/operator", "retail-one", 1, "training clock"));
        Assert.True(outcome.IsCommitted && outcome.Result!.Succeeded, outcome.Refusal?.Message ?? outcome.Result?.Error);
        var stamped = DateTimeOffset.FromUnixTimeMilliseconds(app.Runtime.Ledger.Store.GetBlockHeader(outcome.Height)!.Header.Timestamp);
        Assert.True(stamped >= DateTimeOffset.UtcNow.AddMinutes(89), $"block {outcome.Height} is stamped {stamped:O}");

        var (back, problem) = await SendAsync(admin, HttpMethod.Post, new { to = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, back);
        Assert.Contains("only moves forward", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(admin, HttpMethod.Post, new { minutes = -5 })).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(admin, HttpMethod.Post, new { minutes = 60 * 24 * 40 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(admin, HttpMethod.Post, new { })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(admin, HttpMethod.Post, new { to = DateTimeOffset.UtcNow.AddDays(1), minutes = 5 })).Status);
    }
}

/// <summary>Off by default: the clock follows the system clock and the API says why it will not move it.</summary>
public sealed class TrainingClockOffTests(PortalApp app) : IClassFixture<PortalApp>
{
    [Fact]
    public async Task Without_the_setting_the_clock_cannot_be_moved()
    {
        using var admin = await app.SignedInClientAsync("grid-east/admin");
        using var response = await admin.PostAsJsonAsync("/api/training/clock", new { minutes = 10 });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("TrainingClock is off", await response.Content.ReadAsStringAsync());
        Assert.Same(TimeProvider.System, app.Runtime.Node.Clock);
    }
}
