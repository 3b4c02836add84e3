using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>
/// Counts for /metrics without scanning the ledger on every scrape: blocks and transactions this process applied
/// (since start), and the ledger's committed transactions total (one SUM at start, then kept up to date per block).
/// Also tells the Cluster page when a block commits. Started with the host, right after the node.
/// </summary>
public sealed class ClusterCounters(NodeHostedService node, ILogger<ClusterCounters> log) : IHostedService
{
    private readonly Lock _lock = new();
    private readonly List<(long Height, int Transactions)> _early = [];
    private long _blocks, _transactions, _baselineHeight = long.MaxValue, _ledgerTransactions;
    private bool _baselineKnown;
    private NodeRuntime? _runtime;

    /// <summary>Blocks this process applied to its ledger since it started.</summary>
    public long BlocksCommitted => Interlocked.Read(ref _blocks);

    /// <summary>Transactions in the blocks this process applied since it started.</summary>
    public long TransactionsCommitted => Interlocked.Read(ref _transactions);

    /// <summary>Committed transactions in the whole ledger; null until counted at start.</summary>
    public long? LedgerTransactions { get { lock (_lock) return _baselineKnown ? _ledgerTransactions : null; } }

    /// <summary>Raised on the ledger's apply thread after each committed block.</summary>
    public event Action? BlockCommitted;

    public Task StartAsync(CancellationToken token)
    {
        _ = node.Runtime.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) Follow(t.Result);
        }, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private void Follow(NodeRuntime runtime)
    {
        _runtime = runtime;
        runtime.Ledger.BlockCommitted += OnBlockCommitted;
        try
        {
            // Blocks that commit while this runs are held in _early and added if they lie above the counted height.
            var height = runtime.Ledger.Height;
            using var connection = runtime.Ledger.Store.OpenReader();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT COALESCE(SUM(tx_count), 0) FROM blocks WHERE height <= $h";
            cmd.Parameters.AddWithValue("$h", height);
            var total = Convert.ToInt64(cmd.ExecuteScalar());
            lock (_lock)
            {
                _baselineHeight = height;
                _ledgerTransactions = total + _early.Where(b => b.Height > height).Sum(b => (long)b.Transactions);
                _early.Clear();
                _baselineKnown = true;
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not count the ledger's transactions; /metrics leaves that counter out");
        }
    }

    private void OnBlockCommitted(Block block, BlockExecution execution)
    {
        Interlocked.Increment(ref _blocks);
        Interlocked.Add(ref _transactions, block.Transactions.Count);
        lock (_lock)
        {
            if (!_baselineKnown) _early.Add((block.Height, block.Transactions.Count));
            else if (block.Height > _baselineHeight) _ledgerTransactions += block.Transactions.Count;
        }
        BlockCommitted?.Invoke();
    }

    public Task StopAsync(CancellationToken token)
    {
        if (_runtime is { } runtime) runtime.Ledger.BlockCommitted -= OnBlockCommitted;
        return Task.CompletedTask;
    }
}
