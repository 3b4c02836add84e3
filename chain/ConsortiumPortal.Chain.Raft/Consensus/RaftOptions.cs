using System.Net;

namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>Settings of one <see cref="RaftLog"/> node. Timeouts default to the values measured in docs STACK.md.</summary>
public sealed record RaftOptions
{
    /// <summary>WAL, snapshots and the cluster membership file live here (one directory per node).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>TCP endpoint the Raft transport listens on; also this node's identity in the membership list.</summary>
    public required IPEndPoint LocalEndPoint { get; init; }

    /// <summary>
    /// Membership used only when <see cref="ColdStart"/> is true AND the directory holds no membership yet.
    /// Empty means "just myself". For a one-node pilot: empty or [LocalEndPoint].
    /// </summary>
    public IReadOnlyList<IPEndPoint> InitialMembers { get; init; } = [];

    /// <summary>
    /// True for the first node of a new cluster. It is a no-op once DataDirectory holds a membership file, so a
    /// one-node deployment can always pass true. Pass false for a node that will join an existing cluster
    /// (it waits in standby until the leader calls <see cref="RaftLog.AddMemberAsync"/>). Never pass true for a node
    /// whose directory was wiped while other members exist: it would form a second, split cluster.
    /// </summary>
    public bool ColdStart { get; init; }

    /// <summary>
    /// Mutual TLS between members, accepting only consortium nodes (<see cref="Consensus.PeerAuthentication"/>).
    /// Null = plain TCP (only for tests of the consensus layer itself).
    /// </summary>
    public PeerAuthentication? PeerAuthentication { get; init; }

    /// <summary>Published to the other members (e.g. node id, HTTP url for forwarding writes to the leader).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    // 150/300 ms caused spurious elections and a snapshot-install livelock under load (STACK.md); 1000/2000/900 worked.
    public TimeSpan LowerElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);
    public TimeSpan UpperElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(2000);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMilliseconds(900);

    /// <summary>
    /// A snapshot (8 bytes: ledger height) is taken every this many entries; WAL chunks below it are then deleted.
    /// Smaller = less disk; larger = a lagging follower more often catches up from entries instead of needing an
    /// out-of-Raft block sync. 1024 x 256 KiB blocks = 256 MiB of WAL at most.
    /// </summary>
    public int SnapshotInterval { get; init; } = 1024;
}
