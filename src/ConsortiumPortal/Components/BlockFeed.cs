using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Components;

/// <summary>A committed block as pages show it in live lists and charts.</summary>
public sealed record BlockSummary(long Height, string Hash, long Timestamp, int TxCount, int Failed, string Proposer, IReadOnlyList<string> Signers);

/// <summary>
/// Live updates: every committed block is announced to the pages that listen (each re-renders through its own
/// circuit, over Blazor's SignalR connection), and the last minutes of blocks are kept for the throughput chart.
/// Handlers run on the ledger's apply thread: they must only schedule work (InvokeAsync), never block.
/// </summary>
public sealed class BlockFeed
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly LinkedList<BlockSummary> _recent = new();
    private readonly Lock _lock = new();

    public BlockFeed(NodeHostedService node, ILogger<BlockFeed> log)
    {
        node.Runtime.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully)
            {
                log.LogWarning("The block feed has no node to follow");
                return;
            }
            Preload(t.Result);
            t.Result.Ledger.BlockCommitted += OnBlockCommitted;
        }, TaskScheduler.Default);
    }

    public event Action<BlockSummary>? BlockCommitted;

    /// <summary>Blocks committed in the last <see cref="Window"/>, oldest first.</summary>
    public IReadOnlyList<BlockSummary> Recent { get { lock (_lock) return _recent.ToArray(); } }

    /// <summary>The window's blocks committed before this process started following the ledger (charts start full).</summary>
    private void Preload(NodeRuntime runtime)
    {
        using var connection = runtime.Ledger.Store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT height, hash, timestamp, tx_count FROM blocks WHERE timestamp >= $since AND height > 0 ORDER BY height";
        cmd.Parameters.AddWithValue("$since", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)Window.TotalMilliseconds);
        using var reader = cmd.ExecuteReader();
        lock (_lock)
            while (reader.Read())
                _recent.AddLast(new BlockSummary(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), 0, "", []));
    }

    private void OnBlockCommitted(Block block, BlockExecution execution)
    {
        var summary = new BlockSummary(block.Height, block.Header.HashHex(), block.Header.Timestamp, block.Transactions.Count,
            execution.Results.Count(r => !r.Succeeded), block.Header.Proposer, block.Transactions.Select(t => t.Body.Signer).Distinct().ToArray());
        lock (_lock)
        {
            _recent.AddLast(summary);
            var cutoff = summary.Timestamp - (long)Window.TotalMilliseconds;
            while (_recent.First is { } first && first.Value.Timestamp < cutoff) _recent.RemoveFirst();
        }
        BlockCommitted?.Invoke(summary);
    }
}
