using System.Reflection;
using Bunit;
using ConsortiumPortal.Features.Cluster;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using static ConsortiumPortal.Tests.ClusterStatus.ClusterSamples;

namespace ConsortiumPortal.Tests.ClusterStatus;

/// <summary>The Cluster page over a fake status source: members, indices, health and the operator alert.</summary>
public sealed class ClusterPageTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();
    private readonly FakeClusterStatusSource _source = new();

    public ClusterPageTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLocalization();
        _ctx.Services.AddSingleton<IClusterStatusSource>(_source);
        var auth = _ctx.AddAuthorization();
        auth.SetAuthorized("steel-works/operator");
    }

    private IRenderedComponent<ClusterPage> Render() =>
        _ctx.Render<ClusterPage>(p => p.Add(c => c.MinRefreshInterval, TimeSpan.Zero));

    private static string Text(IRenderedComponent<ClusterPage> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void The_single_node_default_shows_one_leading_member_and_no_alert()
    {
        _source.View = SingleNode(height: 42);

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=member-node]")));
        Assert.Contains("node-1", Text(cut, "member-node"));
        Assert.Contains("Leader", Text(cut, "member-leader"));
        Assert.Equal("yes", Text(cut, "member-reachable"));
        Assert.Equal("42", Text(cut, "member-height"));
        Assert.Equal("0", Text(cut, "member-lag"));
        Assert.Equal("Ready", Text(cut, "cluster-health"));
        Assert.Equal("3", Text(cut, "cluster-term"));
        Assert.Equal("47", Text(cut, "cluster-commit-index"));
        Assert.Equal("47", Text(cut, "cluster-applied-index"));
        Assert.Equal("42", Text(cut, "cluster-height"));
        Assert.Equal(HeadHash, Text(cut, "cluster-head-hash"));
        Assert.Empty(cut.FindAll("[data-testid=operator-alert]"));
    }

    [Fact]
    public void A_healthy_three_node_cluster_shows_every_member_without_an_alert()
    {
        _source.View = ThreeNodes(120, Answer(120, "node-2"), Answer(115, "node-3"));

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=member-node]").Count));
        var nodes = cut.FindAll("[data-testid=member-node]").Select(e => e.TextContent).ToArray();
        Assert.Contains("node-1", nodes[0]);
        Assert.Contains("node-2", nodes[1]);
        Assert.Contains("node-3", nodes[2]);
        Assert.Equal(["120", "120", "115"], cut.FindAll("[data-testid=member-height]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["0", "0", "5"], cut.FindAll("[data-testid=member-lag]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["yes", "yes", "yes"], cut.FindAll("[data-testid=member-reachable]").Select(e => e.TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=operator-alert]"));
    }

    [Fact]
    public void A_node_more_than_ten_blocks_behind_the_leader_raises_the_operator_alert()
    {
        _source.View = ThreeNodes(120, Answer(120, "node-2"), Answer(100, "node-3", ready: false));

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=operator-alert]")));
        var lagging = Assert.Single(cut.FindAll("[data-testid=alert-lagging]"));
        Assert.Contains("node-3 is 20 blocks behind the leader", lagging.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=alert-unreachable]"));
        Assert.Empty(cut.FindAll("[data-testid=alert-not-ready]")); // this node itself is fine
        Assert.Equal("20", cut.FindAll("[data-testid=member-lag]")[2].TextContent.Trim());
    }

    [Fact]
    public void A_lag_of_exactly_ten_blocks_is_not_an_alert()
    {
        _source.View = ThreeNodes(120, Answer(110, "node-2"), Answer(120, "node-3"));

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=member-node]").Count));
        Assert.Empty(cut.FindAll("[data-testid=operator-alert]"));
    }

    [Fact]
    public void An_unreachable_node_raises_the_operator_alert()
    {
        _source.View = ThreeNodes(120, Answer(120, "node-2"), NoAnswer(), node3Status: "Unavailable");

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=operator-alert]")));
        var unreachable = Assert.Single(cut.FindAll("[data-testid=alert-unreachable]"));
        Assert.Contains("node-3 is unreachable", unreachable.TextContent);
        Assert.Contains("no answer within 1.5 s", unreachable.TextContent);
        Assert.Equal("no", cut.FindAll("[data-testid=member-reachable]")[2].TextContent.Trim());
        Assert.Equal("—", cut.FindAll("[data-testid=member-height]")[2].TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=alert-lagging]"));
    }

    [Fact]
    public void This_node_not_ready_raises_the_operator_alert_with_the_reason()
    {
        var status = Status(50);
        status = status with { Raft = status.Raft with { LeaderEndpoint = null, IsLeader = false } };
        _source.View = ClusterView.Build(status, new Dictionary<string, PeerProbe>());

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-not-ready]")));
        Assert.Contains("no leader", Text(cut, "alert-not-ready"));
        Assert.Equal("Not ready", Text(cut, "cluster-health"));
    }

    [Fact]
    public void A_committed_block_refreshes_the_page_in_place()
    {
        _source.View = SingleNode(height: 42);
        var cut = Render();
        cut.WaitForAssertion(() => Assert.Equal("42", Text(cut, "cluster-height")));
        Assert.Equal(1, _source.Subscribers);

        _source.View = ThreeNodes(60, Answer(60, "node-2"), Answer(30, "node-3"));
        _source.RaiseChanged();

        cut.WaitForAssertion(() => Assert.Equal("60", Text(cut, "cluster-height")));
        cut.WaitForAssertion(() => Assert.Contains("node-3 is 30 blocks behind the leader", Text(cut, "alert-lagging")));
    }

    [Fact]
    public void The_page_refreshes_on_its_timer_without_blocks()
    {
        _source.View = SingleNode(height: 1);
        var cut = _ctx.Render<ClusterPage>(p => p
            .Add(c => c.MinRefreshInterval, TimeSpan.Zero)
            .Add(c => c.RefreshInterval, TimeSpan.FromMilliseconds(100)));
        cut.WaitForAssertion(() => Assert.Equal("1", Text(cut, "cluster-height")));

        _source.View = SingleNode(height: 2);

        cut.WaitForAssertion(() => Assert.Equal("2", Text(cut, "cluster-height")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_failing_status_read_shows_a_readable_error_and_leaving_unsubscribes()
    {
        _source.Failure = new InvalidOperationException("the node is starting");

        var cut = Render();

        cut.WaitForAssertion(() => Assert.Contains("the node is starting", Text(cut, "cluster-error")));
        Assert.Equal(1, _source.Subscribers);
        await _ctx.DisposeComponentsAsync();
        Assert.Equal(0, _source.Subscribers);
    }

    [Fact]
    public void The_page_is_for_signed_in_members()
    {
        Assert.NotNull(typeof(ClusterPage).GetCustomAttribute<AuthorizeAttribute>());
        Assert.Equal("/cluster", typeof(ClusterPage).GetCustomAttribute<Microsoft.AspNetCore.Components.RouteAttribute>()!.Template);
    }

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();
}
