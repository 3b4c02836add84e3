using ConsortiumPortal.Features.Cluster;
using static ConsortiumPortal.Tests.ClusterStatus.ClusterSamples;

namespace ConsortiumPortal.Tests.ClusterStatus;

/// <summary>Readiness rules and how the page's view measures lag.</summary>
public sealed class ClusterHealthTests
{
    [Fact]
    public void A_leading_caught_up_node_is_ready()
    {
        var health = ClusterHealth.Of(Status(10));
        Assert.True(health.Ready);
        Assert.Null(health.Reason);
    }

    [Fact]
    public void A_follower_that_knows_its_leader_and_is_caught_up_is_ready()
    {
        var status = Status(10, Member(1, local: true), Member(2, leader: true), Member(3));
        Assert.False(status.Raft.IsLeader);
        Assert.True(ClusterHealth.Of(status).Ready);
    }

    [Fact]
    public void Without_a_leader_the_node_is_not_ready()
    {
        var status = Status(10, Member(1, local: true), Member(2), Member(3));
        var health = ClusterHealth.Of(status);
        Assert.False(health.Ready);
        Assert.Contains("no leader", health.Reason);
    }

    [Fact]
    public void A_halted_node_is_not_ready_whatever_else()
    {
        var health = ClusterHealth.Of(Status(10) with { HaltReason = "state root mismatch at block 9" });
        Assert.False(health.Ready);
        Assert.Equal("halted: state root mismatch at block 9", health.Reason);
    }

    [Fact]
    public void A_node_that_has_not_applied_what_raft_committed_is_catching_up()
    {
        var status = Status(10);
        var behind = status with { Raft = status.Raft with { CommitIndex = 100, AppliedIndex = 90 } };
        var health = ClusterHealth.Of(behind);
        Assert.False(health.Ready);
        Assert.Equal("catching up: applied Raft entry 90 of 100 committed", health.Reason);

        // The leader's two in-flight blocks between commit and apply are not "behind".
        Assert.True(ClusterHealth.Of(status with { Raft = status.Raft with { CommitIndex = 100, AppliedIndex = 98 } }).Ready);
    }

    [Fact]
    public void A_ledger_below_the_installed_snapshot_is_catching_up()
    {
        var status = Status(10);
        var health = ClusterHealth.Of(status with { Raft = status.Raft with { SnapshotHeight = 500 } });
        Assert.False(health.Ready);
        Assert.Contains("below the snapshot's height 500", health.Reason);
    }

    [Fact]
    public void A_stopped_raft_node_is_not_ready()
    {
        var status = Status(10);
        Assert.False(ClusterHealth.Of(status with { Raft = status.Raft with { Running = false } }).Ready);
    }

    [Fact]
    public void Lag_is_measured_against_the_leader_and_unknown_heights_have_no_lag()
    {
        var view = ThreeNodes(100, Answer(120, "node-2"), NoAnswer());
        Assert.Equal([0L, 0L, null], view.Members.Select(m => m.Lag));
        Assert.Equal([true, true, false], view.Members.Select(m => m.Reachable));
        Assert.True(view.NeedsOperator);
        Assert.Single(view.Unreachable);
        Assert.Empty(view.Lagging);
    }

    [Fact]
    public void Without_probes_reachability_comes_from_raft_and_metadata_gives_the_node_id()
    {
        var status = Status(7, Member(1, local: true, leader: true), Member(2, status: "Unavailable"), Member(3, status: "Unknown"));
        var view = ClusterView.Build(status, new Dictionary<string, PeerProbe>());
        Assert.Equal(["node-1", "node-2", "node-3"], view.Members.Select(m => m.NodeId));
        Assert.Equal([true, false, null], view.Members.Select(m => m.Reachable));
        Assert.Equal("node-2", Assert.Single(view.Unreachable).NodeId);
    }
}
