using ConsortiumPortal.Chain.Raft.Consensus;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>Where the Cluster page gets its data: the real node (<see cref="NodeClusterStatusSource"/>) or a test fake.</summary>
public interface IClusterStatusSource
{
    /// <summary>This node's status and every member's, peers probed over HTTP (short timeout, cached briefly).</summary>
    Task<ClusterView> GetAsync(CancellationToken token);

    /// <summary>Raised (on the ledger's apply thread) when this node commits a block: pages only schedule a refresh.</summary>
    event Action? Changed;
}

/// <summary>Whether the node can serve: it has a leader, is not halted and has applied what Raft committed.</summary>
public sealed record ClusterHealth(bool Ready, string? Reason)
{
    /// <summary>
    /// Entries committed but not yet applied that still count as caught up: the leader's pipeline keeps at most two
    /// blocks in flight between commit and apply, so an idle or healthy node is always within this.
    /// </summary>
    public const long AppliedTolerance = 2;

    public static ClusterHealth Of(NodeClusterStatus status)
    {
        var raft = status.Raft;
        if (status.HaltReason is { } halt) return new(false, $"halted: {halt}");
        if (!raft.Running) return new(false, "the Raft node is not running");
        if (raft.LeaderEndpoint is null && !raft.IsLeader) return new(false, "no leader: an election is in progress or the quorum is unreachable");
        if (raft.CommitIndex - raft.AppliedIndex > AppliedTolerance)
            return new(false, $"catching up: applied Raft entry {raft.AppliedIndex} of {raft.CommitIndex} committed");
        if (status.Height < raft.SnapshotHeight)
            return new(false, $"catching up: ledger height {status.Height} is below the snapshot's height {raft.SnapshotHeight}");
        return new(true, null);
    }
}

/// <summary>One member on the Cluster page.</summary>
/// <param name="NodeId">From the member's metadata (null until fetched).</param>
/// <param name="Reachable">True/false when known (HTTP probe, or Raft's view without an HTTP URL); null when unknown.</param>
/// <param name="Height">The member's ledger height when known.</param>
/// <param name="Lag">Blocks behind the leader (or the highest known height without a leader) when known.</param>
/// <param name="Ready">The member's own readiness (from its /health/ready) when known.</param>
public sealed record ClusterMemberView(
    string? NodeId, string Endpoint, string? HttpUrl, bool IsLocal, bool IsLeader, bool? Reachable,
    long? Height, long? Lag, bool? Ready, string? Problem);

/// <summary>The Cluster page's data.</summary>
public sealed record ClusterView(
    string NodeId, string LocalEndpoint, string? LeaderEndpoint, bool IsLeader, long Term, long CommitIndex, long AppliedIndex,
    long Height, string HeadHash, int Pending, string? HaltReason, ClusterHealth Health, IReadOnlyList<ClusterMemberView> Members)
{
    /// <summary>A member this many blocks behind the leader raises the operator alert.</summary>
    public const long LagAlertThreshold = 10;

    public IEnumerable<ClusterMemberView> Lagging => Members.Where(m => m.Lag > LagAlertThreshold);
    public IEnumerable<ClusterMemberView> Unreachable => Members.Where(m => m.Reachable == false);
    public bool NeedsOperator => !Health.Ready || Lagging.Any() || Unreachable.Any();

    /// <summary>
    /// Builds the view from this node's status and what peers answered (keyed by Raft endpoint). Lag is measured
    /// against the leader's height when known, else against the highest height seen.
    /// </summary>
    public static ClusterView Build(NodeClusterStatus status, IReadOnlyDictionary<string, PeerProbe> probes)
    {
        var raft = status.Raft;
        var members = raft.Members.Count > 0
            ? raft.Members
            : [new RaftMemberStatus(raft.LocalEndpoint, true, raft.IsLeader, "Available", null)];
        var rows = members.Select(m =>
        {
            if (m.IsLocal)
                return new ClusterMemberView(status.NodeId, m.Endpoint, m.HttpUrl, true, m.IsLeader || raft.IsLeader, true, status.Height, null,
                    ClusterHealth.Of(status).Ready, status.HaltReason);
            probes.TryGetValue(m.Endpoint, out var probe);
            bool? reachable = probe is not null ? probe.Reachable
                : m.Status switch { "Available" => true, "Unavailable" => false, _ => null };
            return new ClusterMemberView(probe?.NodeId ?? m.NodeId, m.Endpoint, m.HttpUrl, false, m.IsLeader, reachable,
                probe?.Height, null, probe?.Ready, probe?.Problem ?? (reachable == false ? "unreachable" : null));
        }).ToList();

        var reference = rows.FirstOrDefault(r => r.IsLeader)?.Height ?? rows.Max(r => r.Height);
        rows = rows.Select(r => r with { Lag = r.Height is { } h && reference is { } top ? Math.Max(0, top - h) : null }).ToList();

        return new ClusterView(status.NodeId, raft.LocalEndpoint, raft.LeaderEndpoint, raft.IsLeader, raft.Term, raft.CommitIndex,
            raft.AppliedIndex, status.Height, status.HeadHash, status.Pending, status.HaltReason, ClusterHealth.Of(status), rows);
    }
}

/// <summary>What a peer's /health/ready answered (or that it did not).</summary>
public sealed record PeerProbe(bool Reachable, string? NodeId, long? Height, bool? Ready, string? Problem);
