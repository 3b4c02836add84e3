using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Consensus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>
/// One consortium node: admission into the mempool, the leader's block cutter, Raft replication (one entry per
/// block) and applying committed blocks to the ledger. Submitters get the outcome when their block commits.
/// </summary>
public sealed class LedgerNode : IAsyncDisposable
{
    private readonly Ledger _ledger;
    private readonly RaftLog _raft;
    private readonly Mempool _mempool;
    private readonly OrderingOptions _options;
    private readonly string _nodeId;
    private readonly Sm2KeyPair _nodeKey;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task _cutter = Task.CompletedTask;
    private Task _replicator = Task.CompletedTask;

    public LedgerNode(Ledger ledger, string nodeId, Sm2KeyPair nodeKey, RaftOptions raft, OrderingOptions? options = null, ILoggerFactory? loggers = null)
    {
        _ledger = ledger;
        _nodeId = nodeId;
        _nodeKey = nodeKey;
        _options = options ?? new OrderingOptions();
        _mempool = new Mempool(_options.MempoolCapacity);
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger<LedgerNode>();
        _raft = new RaftLog(raft, new LedgerStateMachine(this), loggers);
        ledger.BlockCommitted += OnBlockCommitted;
    }

    public Ledger Ledger => _ledger;
    public string NodeId => _nodeId;
    public bool IsLeader => _raft.IsLeader;
    public int PendingCount => _mempool.Count;

    public bool IsPending(string txId) => _mempool.TryGet(txId, out _);

    /// <summary>Where the leader's time goes: executing and signing blocks vs replicating and storing them.</summary>
    public CutterStatistics Statistics { get; } = new();

    /// <summary>Set when this node stopped applying blocks (its state diverged or a block was invalid).</summary>
    public string? HaltReason { get; private set; }

    public event Action<string>? Halted;

    public async Task StartAsync(CancellationToken token)
    {
        await _raft.StartAsync(token).ConfigureAwait(false);
        // A thread of its own: on the thread pool the cutter would queue behind every submitter's admission work.
        _cutter = Task.Factory.StartNew(() => CutBlocks(_stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _replicator = Task.Factory.StartNew(() => ReplicateBlocks(_stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public Task WaitForLeadershipAsync(TimeSpan timeout, CancellationToken token) => _raft.WaitForLeadershipAsync(timeout, token);

    /// <summary>
    /// Admits a transaction and waits until it commits (or is refused). The signature is verified here, on the
    /// caller's thread, so concurrent submitters verify on all cores.
    /// </summary>
    public Task<TxOutcome> SubmitAsync(SignedTransaction tx)
    {
        if (HaltReason is not null) return Task.FromResult(TxOutcome.Refused(tx.IdHex, new("halted", HaltReason)));
        if (_mempool.TryGet(tx.IdHex, out var already)) return already.Outcome.Task;
        if (_ledger.Admit(tx) is { } refusal) return Task.FromResult(TxOutcome.Refused(tx.IdHex, refusal));
        var pending = _mempool.Add(tx, out _);
        return pending is null
            ? Task.FromResult(TxOutcome.Refused(tx.IdHex, new("busy", "the node has too many pending transactions; retry later")))
            : pending.Outcome.Task;
    }

    // The leader works as a two-stage pipeline: the cutter executes and signs block h+1 while the replicator
    // appends block h to the Raft log and stores it. At most two proposed blocks are unapplied at any time, so a
    // proposal builds on the committed head or on the one proposed block above it (Ledger.Propose).
    private readonly SemaphoreSlim _unappliedSlots = new(2);
    private readonly System.Collections.Concurrent.BlockingCollection<(Block Block, List<Mempool.Pending> Batch)> _toReplicate = new(1);

    private void CutBlocks(CancellationToken token)
    {
        var dropped = new List<(SignedTransaction Tx, AdmissionError Reason)>();
        while (!token.IsCancellationRequested && HaltReason is null)
        {
            List<Mempool.Pending> batch;
            try { batch = _mempool.TakeBatch(_options.MaxTransactionsPerBlock, _options.MaxWait, token); }
            catch (OperationCanceledException) { break; }
            if (batch.Count == 0) continue;
            if (!_raft.IsLeader)
            {
                // Forwarding to the leader is the multi-node issue; a lone follower keeps them until it leads.
                _mempool.Requeue(batch);
                token.WaitHandle.WaitOne(50);
                continue;
            }
            var slotTaken = false;
            try
            {
                _unappliedSlots.Wait(token);
                slotTaken = true;
                dropped.Clear();
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var block = _ledger.Propose(batch.Select(p => p.Transaction).ToArray(), _nodeId, _nodeKey,
                    DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), dropped);
                Statistics.RecordProposal(block.Transactions.Count, System.Diagnostics.Stopwatch.GetTimestamp() - started);
                foreach (var (tx, reason) in dropped) _mempool.Complete(tx.IdHex, TxOutcome.Refused(tx.IdHex, reason));
                if (block.Transactions.Count == 0) continue;
                _toReplicate.Add((block, batch), token);
                slotTaken = false; // the replicator releases it once the block is applied or given up
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { break; }
            catch (Exception e) when (HaltReason is null && e is not StateDivergenceException)
            {
                _log.LogError(e, "Cutting a block failed; its transactions are retried");
                Requeue(batch);
                token.WaitHandle.WaitOne(100);
            }
            finally
            {
                if (slotTaken) _unappliedSlots.Release();
            }
        }
    }

    private void ReplicateBlocks(CancellationToken token)
    {
        try
        {
            foreach (var (block, batch) in _toReplicate.GetConsumingEnumerable(token))
            {
                try
                {
                    if (block.Header.PrevHash != _ledger.Store.HeadHash)
                    {
                        // Built on a block that did not commit: give its transactions back to the mempool.
                        GiveUp(block, batch);
                        continue;
                    }
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var committed = _raft.ReplicateAsync(block.Serialize(), token).GetAwaiter().GetResult();
                    Statistics.RecordReplication(System.Diagnostics.Stopwatch.GetTimestamp() - started);
                    if (!committed)
                    {
                        _log.LogWarning("Block {Height} was not committed (leadership lost); its transactions wait for the next leader", block.Height);
                        GiveUp(block, batch);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { return; }
                catch (Exception e) when (HaltReason is null && e is not StateDivergenceException)
                {
                    _log.LogError(e, "Replicating block {Height} failed; its transactions are retried", block.Height);
                    GiveUp(block, batch);
                }
                finally { _unappliedSlots.Release(); }
            }
        }
        catch (OperationCanceledException) { }
    }

    private void GiveUp(Block block, List<Mempool.Pending> batch)
    {
        if (_ledger.Store.Height < block.Height) _ledger.Abandon(block);
        Requeue(batch);
    }

    /// <summary>Puts back the transactions of a batch that are still waiting (neither committed nor refused).</summary>
    private void Requeue(IEnumerable<Mempool.Pending> batch) => _mempool.Requeue(batch.Where(p => !p.Outcome.Task.IsCompleted));

    private void OnBlockCommitted(Block block, BlockExecution execution)
    {
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var id = block.Transactions[i].IdHex;
            _mempool.Complete(id, new TxOutcome(id, block.Height, i, execution.Results[i], null));
        }
    }

    internal void Halt(string reason)
    {
        if (HaltReason is not null) return;
        HaltReason = reason;
        _log.LogCritical("Node {Node} halted: {Reason}", _nodeId, reason);
        Halted?.Invoke(reason);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await Task.WhenAll(_cutter, _replicator).ConfigureAwait(false); } catch (OperationCanceledException) { }
        await _raft.DisposeAsync().ConfigureAwait(false);
        _ledger.BlockCommitted -= OnBlockCommitted;
    }

    /// <summary>Raft's view of the ledger: committed entries are blocks; the applied height is the ledger's.</summary>
    private sealed class LedgerStateMachine(LedgerNode node) : IReplicatedStateMachine
    {
        public long AppliedHeight => node._ledger.Height;

        public ValueTask ApplyAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
        {
            if (node.HaltReason is not null) return ValueTask.CompletedTask;
            try { node._ledger.Apply(payload.Span); }
            catch (Exception e) when (e is StateDivergenceException or InvalidBlockException or FormatException)
            {
                node.Halt(e.Message);
            }
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// Counters of the leader's two pipeline stages, for the benchmark's account of what bounds throughput. The stages
/// overlap, so their times add up to more than the wall-clock time when the pipeline is full.
/// </summary>
public sealed class CutterStatistics
{
    private long _blocks, _transactions, _proposeTicks, _replicateTicks;

    public long Blocks => Interlocked.Read(ref _blocks);
    public long Transactions => Interlocked.Read(ref _transactions);
    /// <summary>Executing the block and signing its header.</summary>
    public TimeSpan Propose => TimeSpan.FromSeconds(Interlocked.Read(ref _proposeTicks) / (double)System.Diagnostics.Stopwatch.Frequency);
    /// <summary>Raft append (WAL fsync), commit and applying the block to SQLite.</summary>
    public TimeSpan ReplicateAndStore => TimeSpan.FromSeconds(Interlocked.Read(ref _replicateTicks) / (double)System.Diagnostics.Stopwatch.Frequency);

    internal void RecordProposal(int transactions, long ticks)
    {
        Interlocked.Increment(ref _blocks);
        Interlocked.Add(ref _transactions, transactions);
        Interlocked.Add(ref _proposeTicks, ticks);
    }

    internal void RecordReplication(long ticks) => Interlocked.Add(ref _replicateTicks, ticks);

    public void Reset()
    {
        Interlocked.Exchange(ref _blocks, 0); Interlocked.Exchange(ref _transactions, 0);
        Interlocked.Exchange(ref _proposeTicks, 0); Interlocked.Exchange(ref _replicateTicks, 0);
    }
}
