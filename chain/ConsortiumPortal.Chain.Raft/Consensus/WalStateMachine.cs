using System.Buffers;
using System.Buffers.Binary;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace ConsortiumPortal.Chain.Raft.Consensus;

#pragma warning disable DOTNEXT001 // SimpleStateMachine is marked experimental in DotNext 6.x; it is the documented base for the WAL.

/// <summary>
/// Bridges the DotNext WAL to the ledger. The ledger keeps its own durable state (SQLite), so the Raft snapshot only
/// records the ledger height (8 bytes): enough for the WAL to drop old chunks, and tiny to transfer (STACK.md:
/// snapshot transfer is a single request bounded by RequestTimeout).
/// </summary>
internal sealed class WalStateMachine(DirectoryInfo location, IReplicatedStateMachine ledger, int snapshotInterval)
    : SimpleStateMachine(location)
{
    /// <summary>Ledger height found in the most recently restored/installed snapshot (0 if none).</summary>
    public long SnapshotHeight { get; private set; }

    private long LastSnapshotIndex => ((ISnapshotManager)this).Snapshot?.Index ?? 0L;

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var buffer = new byte[sizeof(long)];
        using (var handle = File.OpenHandle(snapshotFile.FullName, options: FileOptions.Asynchronous))
        {
            var read = await RandomAccess.ReadAsync(handle, buffer, fileOffset: 0L, token).ConfigureAwait(false);
            if (read != sizeof(long))
                throw new InvalidDataException($"Raft snapshot {snapshotFile.FullName} is {read} bytes, expected 8.");
        }

        SnapshotHeight = BinaryPrimitives.ReadInt64LittleEndian(buffer);
        await ledger.OnSnapshotRestoredAsync(SnapshotHeight, token).ConfigureAwait(false);
    }

    // Called on a background task after ApplyAsync returned true; the ledger has already persisted that block.
    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
        => writer.WriteLittleEndianAsync(ledger.AppliedHeight, token);

    protected override async ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        // Configuration entries (membership changes) and the leader's no-op entries carry no block: never show them to the
        // ledger. ReplicateAsync rejects empty payloads, so "empty" unambiguously means "not ours".
        if (!entry.IsConfiguration && entry.TryGetPayload(out var payload) && !payload.IsEmpty)
        {
            // An entry can straddle two WAL chunk files: then (rarely) copy to one contiguous buffer.
            var block = payload.IsSingleSegment ? payload.First : payload.ToArray();
            await ledger.ApplyAsync(block, token).ConfigureAwait(false);
        }

        return entry.Index - LastSnapshotIndex >= snapshotInterval;
    }
}
