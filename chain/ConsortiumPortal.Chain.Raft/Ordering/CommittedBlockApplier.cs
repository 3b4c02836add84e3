using ConsortiumPortal.Chain.Model;
using Microsoft.Extensions.Logging;

namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>
/// Applies the blocks Raft commits to the ledger, never waiting for the network. A block that arrives above
/// Height + 1 (the blocks between came in a snapshot, which carries only a height, or were missed) is not applied
/// here: block sync fetches everything up to it from peers in the background, and later entries either raise that
/// target or, once the ledger has reached them, apply directly.
/// </summary>
/// <remarks>
/// Why not wait: DotNext applies committed entries while holding its WAL lock, so a follower that waited here for
/// block sync could not answer the leader's appends or heartbeats; under load every leader request to it timed out
/// and, after a 20,000-transaction catch-up, it once heard no leader for minutes (docs/benchmarks.md, catch-up).
/// </remarks>
public sealed class CommittedBlockApplier(Ledger ledger, Func<BlockSync?> blockSync, ILogger log)
{
    private long _committedSeen;

    /// <summary>
    /// What a Raft snapshot records: the highest block committed through Raft that this node has seen, even if block
    /// sync is still fetching the ones below it. Those blocks are committed in the consortium, so a node restored from
    /// the snapshot, or a follower it is sent to, fetches them from peers.
    /// </summary>
    public long AppliedHeight => Math.Max(ledger.Height, Interlocked.Read(ref _committedSeen));

    /// <summary>Applies one committed block, or hands a gap below it to block sync. Throws what <see cref="Ledger.Apply(ReadOnlySpan{byte})"/> throws.</summary>
    public void Apply(ReadOnlySpan<byte> serializedBlock)
    {
        var height = HeightOf(serializedBlock);
        if (blockSync() is { } sync && height > ledger.Height + 1)
        {
            Raise(height);
            if (sync.Target < height)
                log.LogInformation("Block {Height} arrived at height {Ledger}: fetching the blocks up to it from peers", height, ledger.Height);
            sync.RequestCatchUp(height);
            return;
        }
        ledger.Apply(serializedBlock);
        Raise(height);
    }

    /// <summary>A Raft snapshot was restored: entries up to it will never be delivered, so fetch the blocks it covers.</summary>
    public void OnSnapshot(long snapshotHeight)
    {
        if (snapshotHeight <= ledger.Height) return;
        Raise(snapshotHeight);
        if (blockSync() is { } sync)
        {
            log.LogInformation("Raft snapshot at ledger height {Snapshot}, ledger at {Height}: catching up from peers", snapshotHeight, ledger.Height);
            sync.RequestCatchUp(snapshotHeight);
        }
        else
            log.LogWarning("Raft snapshot at ledger height {Snapshot} is above the ledger's {Height} and no block sync is configured", snapshotHeight, ledger.Height);
    }

    private static long HeightOf(ReadOnlySpan<byte> payload)
    {
        try { return BlockHeader.FromCanonical(Block.ReadHeaderBytes(payload)).Height; }
        catch (Exception) { return -1; } // unreadable: Ledger.Apply reports it
    }

    private void Raise(long height) => AtomicMax.Raise(ref _committedSeen, height);
}
