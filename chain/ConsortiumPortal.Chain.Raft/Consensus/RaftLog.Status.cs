using System.Net;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;

namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>One member of the Raft membership as this node sees it.</summary>
/// <param name="Endpoint">Raft TCP endpoint (the member's identity in the membership).</param>
/// <param name="IsLocal">This node.</param>
/// <param name="IsLeader">The member this node currently believes is leader (may be stale right after a step-down).</param>
/// <param name="Status">DotNext's view of reachability: "Available", "Unavailable" or "Unknown" (not contacted yet).</param>
/// <param name="Metadata">Published metadata (nodeId, httpUrl, ...); null while a remote member's is not fetched yet.</param>
public sealed record RaftMemberStatus(string Endpoint, bool IsLocal, bool IsLeader, string Status, IReadOnlyDictionary<string, string>? Metadata)
{
    public string? NodeId => Metadata?.GetValueOrDefault("nodeId");
    public string? HttpUrl => Metadata?.GetValueOrDefault("httpUrl");
}

/// <summary>A read-only snapshot of this node's Raft state (diagnostics, health, metrics).</summary>
/// <param name="Running">False before StartAsync or after dispose: then every other value is empty/zero.</param>
/// <param name="LocalEndpoint">This node's Raft endpoint.</param>
/// <param name="LeaderEndpoint">The known leader, or null during an election / without quorum.</param>
/// <param name="IsLeader">This node leads and has committed its term's barrier (<see cref="RaftLog.IsLeader"/>).</param>
/// <param name="Term">Persisted current term.</param>
/// <param name="LastIndex">Index of the last entry in the local WAL (committed or not).</param>
/// <param name="CommitIndex">Index of the last entry known committed.</param>
/// <param name="AppliedIndex">Index of the last entry applied to the state machine (the ledger).</param>
/// <param name="SnapshotHeight">Ledger height recorded in the last restored/installed snapshot.</param>
public sealed record RaftStatus(
    bool Running,
    string LocalEndpoint,
    string? LeaderEndpoint,
    bool IsLeader,
    long Term,
    long LastIndex,
    long CommitIndex,
    long AppliedIndex,
    long SnapshotHeight,
    IReadOnlyList<RaftMemberStatus> Members);

/// <summary>
/// A node's Raft status together with its ledger's: what the portal's Cluster page, /health/ready and /metrics show.
/// </summary>
public sealed record NodeClusterStatus(string NodeId, RaftStatus Raft, long Height, string HeadHash, int Pending, string? HaltReason);

public sealed partial class RaftLog
{
    /// <summary>
    /// A consistent-enough snapshot of this node's Raft state. Cheap and non-blocking (no network): remote members'
    /// metadata comes from DotNext's cache and is prefetched in the background when missing, so a later call sees it.
    /// </summary>
    public RaftStatus Status()
    {
        var local = options.LocalEndPoint.ToString();
        var c = cluster;
        var w = wal;
        if (c is null || w is null)
            return new RaftStatus(false, local, null, false, 0L, 0L, 0L, 0L, SnapshotHeight, []);

        try
        {
            var leader = c.Leader;
            var members = new List<RaftMemberStatus>();
            foreach (var member in c.Members)
            {
                IReadOnlyDictionary<string, string>? metadata;
                if (!member.IsRemote)
                {
                    metadata = options.Metadata;
                }
                else
                {
                    metadata = member.TryGetMetadata();
                    if (metadata is null)
                        PrefetchMetadata(member);
                }

                members.Add(new RaftMemberStatus(
                    Format(member.EndPoint),
                    IsLocal: !member.IsRemote,
                    IsLeader: leader is not null && Equals(member.EndPoint, leader.EndPoint),
                    Status: member.IsRemote ? member.Status.ToString() : nameof(ClusterMemberStatus.Available),
                    metadata));
            }

            return new RaftStatus(
                Running: true,
                LocalEndpoint: local,
                LeaderEndpoint: leader is null ? null : Format(leader.EndPoint),
                IsLeader: IsLeader,
                Term: ((IPersistentState)w).Term,
                LastIndex: w.LastEntryIndex,
                CommitIndex: w.LastCommittedEntryIndex,
                AppliedIndex: w.LastAppliedIndex,
                SnapshotHeight: SnapshotHeight,
                Members: members);
        }
        catch (ObjectDisposedException)
        {
            // Stopped between the null check and the reads.
            return new RaftStatus(false, local, null, false, 0L, 0L, 0L, 0L, SnapshotHeight, []);
        }
    }

    private static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "",
    };
}
