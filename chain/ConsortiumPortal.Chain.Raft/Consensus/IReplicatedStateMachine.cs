namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>
/// Implemented by the ledger. One Raft log entry = one opaque payload (a serialized block).
/// </summary>
public interface IReplicatedStateMachine
{
    /// <summary>
    /// Highest ledger height durably applied (persisted by the ledger itself in SQLite).
    /// Used as the whole content of a Raft snapshot (8 bytes): the blocks themselves never travel in snapshots.
    /// </summary>
    long AppliedHeight { get; }

    /// <summary>
    /// Called once per committed non-empty entry, in log order, on every node (leader included).
    /// Must be idempotent: after a crash Raft replays entries whose block is already persisted; the ledger skips those.
    /// <paramref name="payload"/> is only valid during the call (it may point into the WAL's memory-mapped pages): copy it if kept.
    /// An exception here is fatal for the node: DotNext stops applying and the log becomes unusable until restart.
    /// </summary>
    ValueTask ApplyAsync(ReadOnlyMemory<byte> payload, CancellationToken token);

    /// <summary>
    /// Called when a Raft snapshot is restored: at start-up (from the local snapshot) and on a follower that was so far
    /// behind that the leader sent its snapshot instead of the entries. <paramref name="snapshotHeight"/> is the ledger
    /// height recorded in that snapshot; entries up to it will NOT be delivered to <see cref="ApplyAsync"/>, so if it is
    /// above <see cref="AppliedHeight"/> the ledger must fetch the missing blocks outside Raft (e.g. from the leader's HTTP API).
    /// Optional: the default does nothing (enough for a single node, whose own snapshot never exceeds its applied height).
    /// </summary>
    ValueTask OnSnapshotRestoredAsync(long snapshotHeight, CancellationToken token) => ValueTask.CompletedTask;
}
