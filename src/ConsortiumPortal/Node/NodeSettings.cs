namespace ConsortiumPortal.Node;

/// <summary>The "Consortium" configuration section (appsettings.json, environment Consortium__X, or --Consortium:X=...).</summary>
public sealed class NodeSettings
{
    /// <summary>Where this node keeps its ledger, log and keystore.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>32 hex characters: the SM4 key sealing the keystore. Unset: a pilot generates data/master.key.</summary>
    public string? MasterKey { get; set; }

    /// <summary>On first start with an empty data directory, create the demo consortium (genesis and seeded transactions).</summary>
    public bool Demo { get; set; } = true;

    /// <summary>Raft endpoint for a newly initialised node (host:port); unset picks a free loopback port.</summary>
    public string? RaftEndpoint { get; set; }

    /// <summary>
    /// Raft entries (blocks) between snapshots; older WAL chunks are then dropped. A node further behind than the log
    /// keeps receives only the snapshot (the ledger height) and fetches the blocks from peers (GET /internal/blocks).
    /// </summary>
    public int RaftSnapshotInterval { get; set; } = 1024;

    /// <summary>
    /// Training pilots only (a single node, off by default): the block clock can be moved forward by this node's operators
    /// (POST /api/training/clock) so that events play out in minutes; see <see cref="TrainingClock"/> and docs/operations.md.
    /// </summary>
    public bool TrainingClock { get; set; }

    public int MaxTransactionsPerBlock { get; set; } = 2000;
    public int MaxWaitMilliseconds { get; set; } = 2;
}
