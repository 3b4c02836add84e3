using System.Collections.Concurrent;
using System.Net;
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
    private Task _reforwarder = Task.CompletedTask;
    private Task _membership = Task.CompletedTask;

    // Transactions a follower handed to the leader and still waits for: if their block does not arrive in time, or
    // the leader changes, they are forwarded again (the leader's mempool and the ledger dedupe by tx id).
    private readonly ConcurrentDictionary<string, (Mempool.Pending Pending, long At, string Leader)> _forwarded = new(StringComparer.Ordinal);
    private static readonly TimeSpan ReforwardAfter = TimeSpan.FromSeconds(3);

    public LedgerNode(Ledger ledger, string nodeId, Sm2KeyPair nodeKey, RaftOptions raft, OrderingOptions? options = null, ILoggerFactory? loggers = null)
    {
        _ledger = ledger;
        _nodeId = nodeId;
        _nodeKey = nodeKey;
        _options = options ?? new OrderingOptions();
        _mempool = new Mempool(_options.MempoolCapacity);
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger<LedgerNode>();
        _raft = new RaftLog(raft, new LedgerStateMachine(this), loggers);
        _commitTimeout = raft.UpperElectionTimeout * 2;
        ledger.BlockCommitted += OnBlockCommitted;
    }

    public Ledger Ledger => _ledger;
    public string NodeId => _nodeId;
    public bool IsLeader => _raft.IsLeader;
    public int PendingCount => _mempool.Count;

    /// <summary>What this node stamps the blocks it proposes with (<see cref="OrderingOptions.Clock"/>).</summary>
    public TimeProvider Clock => _options.Clock;

    public bool IsPending(string txId) => _mempool.TryGet(txId, out _);

    /// <summary>Hands a follower's admitted transactions to the leader. Unset: a follower keeps them until it leads.</summary>
    public ITransactionForwarder? Forwarder { get; set; }

    private BlockSync? _blockSync;

    /// <summary>
    /// Catch-up outside Raft: used when a snapshot reports a height above the ledger's, and when a committed block
    /// arrives above Height + 1. Unset (a single node): such a gap halts the node. Set before <see cref="StartAsync"/>.
    /// </summary>
    public BlockSync? BlockSync
    {
        get => _blockSync;
        set
        {
            if (_blockSync is not null) _blockSync.Diverged -= Halt;
            _blockSync = value;
            if (value is not null) value.Diverged += Halt;
        }
    }

    /// <summary>The leader's HTTP URL as published in its Raft metadata ("httpUrl"), or null while no leader is known.</summary>
    public string? LeaderUrl => _raft.LeaderMetadata("httpUrl");

    /// <summary>The leader's node id ("nodeId" metadata): this node's when it leads; null while no leader is known.</summary>
    public string? LeaderId => _raft.IsLeader ? _nodeId : _raft.LeaderMetadata("nodeId");

    /// <summary>Raft members as this node sees them (diagnostics).</summary>
    public IReadOnlyList<EndPoint> RaftMembers => _raft.Members;

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
        _reforwarder = Task.Run(() => ReforwardAsync(_stop.Token));
    }

    /// <summary>
    /// Keeps the Raft membership equal to the consortium's node list on the ledger (genesis nodes, then nodes added or
    /// removed by governance transactions): whenever this node leads, it adds a listed node that is not a member and
    /// removes a member that is no longer listed, one change at a time (DotNext allows one at a time). A listed node
    /// that is not running yet is retried until it is. The leader never removes itself: it steps down first when a
    /// later leader removes it.
    /// </summary>
    /// <param name="consortiumMembers">the Raft endpoints of the nodes the ledger lists now (read at every round)</param>
    public void ReconcileMembers(Func<IReadOnlyList<IPEndPoint>> consortiumMembers)
    {
        _membership = Task.Run(() => ReconcileMembersAsync(consortiumMembers, _stop.Token));
    }

    private async Task ReconcileMembersAsync(Func<IReadOnlyList<IPEndPoint>> consortiumMembers, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (_raft.IsLeader)
                {
                    var wanted = consortiumMembers();
                    var members = _raft.Members.OfType<IPEndPoint>().ToHashSet();
                    var local = _raft.Status().LocalEndpoint;
                    if (wanted.FirstOrDefault(m => !members.Contains(m)) is { } missing)
                        await ChangeMemberAsync(missing, add: true, token).ConfigureAwait(false);
                    else if (wanted.Count > 0 && members.FirstOrDefault(m => !wanted.Contains(m) && m.ToString() != local) is { } removed)
                        await ChangeMemberAsync(removed, add: false, token).ConfigureAwait(false);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _log.LogWarning(e, "Raft membership reconciliation failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task ChangeMemberAsync(IPEndPoint member, bool add, CancellationToken token)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token, _raft.LeadershipToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var changed = add
                ? await _raft.AddMemberAsync(member, attempt.Token).ConfigureAwait(false)
                : await _raft.RemoveMemberAsync(member, attempt.Token).ConfigureAwait(false);
            if (changed) _log.LogInformation("Node {Node} {Change} {Member} as the ledger's node list says", _nodeId, add ? "added" : "removed", member);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            _log.LogDebug(e, "Node {Member} could not be {Change} yet; retrying", member, add ? "added" : "removed");
        }
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
                Forward(batch, token);
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
                    _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), dropped);
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
                    bool committed;
                    Volatile.Write(ref _replicatingSince, started);
                    try { committed = _raft.ReplicateAsync(block.Serialize(), token).GetAwaiter().GetResult(); }
                    finally { Volatile.Write(ref _replicatingSince, 0L); }
                    Statistics.RecordReplication(System.Diagnostics.Stopwatch.GetTimestamp() - started);
                    // Tell the followers at once that the block committed: a submitter that called a follower waits for
                    // that follower to apply it. Under load the next block's append carries it anyway; a round already
                    // in flight absorbs this one, so it costs one message per member only when the chain is quiet.
                    if (committed && _toReplicate.Count == 0)
                        _ = _raft.ForceReplicationAsync(token).ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
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

    /// <summary>
    /// Follower: the batch stays pending here (its submitters learn the outcome when this node applies the block) and
    /// goes to the leader. Without a known leader, or when the leader cannot take it, it waits and is tried again.
    /// </summary>
    private void Forward(List<Mempool.Pending> batch, CancellationToken token)
    {
        var leader = LeaderUrl;
        if (Forwarder is not { } forwarder || leader is null || _raft.IsLeader)
        {
            Requeue(batch);
            token.WaitHandle.WaitOne(50);
            return;
        }
        var waiting = batch.Where(p => !p.Outcome.Task.IsCompleted).ToList();
        if (waiting.Count == 0) return;
        try
        {
            var refused = forwarder.ForwardAsync(leader, waiting.Select(p => p.Transaction).ToArray(), token).GetAwaiter().GetResult();
            var now = Environment.TickCount64;
            foreach (var p in waiting)
            {
                var id = p.Transaction.IdHex;
                // "duplicate": already committed (or being committed): this node's own apply completes it.
                if (refused.TryGetValue(id, out var reason) && reason.Code is not "duplicate" and not "busy")
                    _mempool.Complete(id, TxOutcome.Refused(id, reason));
                else if (refused.TryGetValue(id, out var busy) && busy.Code == "busy")
                    _mempool.Requeue([p]);
                else
                    _forwarded[id] = (p, now, leader);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log.LogDebug(e, "Forwarding {Count} transactions to {Leader} failed; retrying", waiting.Count, leader);
            Requeue(waiting);
            token.WaitHandle.WaitOne(100);
        }
    }

    private async Task ReforwardAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                if (_forwarded.IsEmpty) continue;
                var leader = _raft.IsLeader ? null : LeaderUrl;
                var now = Environment.TickCount64;
                var again = new List<Mempool.Pending>();
                foreach (var (id, (pending, at, sentTo)) in _forwarded)
                {
                    if (pending.Outcome.Task.IsCompleted) { _forwarded.TryRemove(id, out _); continue; }
                    if (now - at < ReforwardAfter.TotalMilliseconds && sentTo == leader) continue;
                    if (_forwarded.TryRemove(id, out _)) again.Add(pending);
                }
                if (again.Count > 0)
                {
                    _log.LogDebug("Forwarding {Count} transactions again (leader changed or their block is late)", again.Count);
                    _mempool.Requeue(again);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    // ---- Quorum loss: how long a submission may wait before the node admits it cannot commit (docs/api.md) ----

    // The block being replicated since this Stopwatch timestamp (0: none). A leader that lost its quorum keeps waiting
    // for the commit (the entry is in its WAL: cancelling would not take it back, a later leader may still commit it),
    // but after _commitTimeout it reports the stall so that new submissions are refused instead of queued behind it.
    private long _replicatingSince;
    private readonly TimeSpan _commitTimeout;

    /// <summary>
    /// This node leads, but the block it replicates has not committed within twice the upper election timeout: a
    /// majority of the consortium is unreachable (DotNext keeps a leader that lost its quorum leading for a while).
    /// </summary>
    public bool ReplicationStalled
    {
        get
        {
            var since = Volatile.Read(ref _replicatingSince);
            return since != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(since) > _commitTimeout;
        }
    }

    /// <summary>
    /// Whether a submission can commit now: this node leads and replicates, or it knows another node as leader to forward
    /// to (right after stepping down, Raft may still name this node as leader for an election timeout: that is no leader).
    /// </summary>
    public bool CanCommit => _raft.IsLeader ? !ReplicationStalled : LeaderUrl is not null && LeaderId != _nodeId;

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

    // ---- Cluster status (portal Cluster page, /health/ready, /metrics): read-only, no locks, no network ----

    /// <summary>This node's Raft view (members, leader, term, commit/applied index) with its ledger height, head and mempool.</summary>
    public NodeClusterStatus ClusterStatus() =>
        new(_nodeId, _raft.Status(), _ledger.Height, _ledger.Store.HeadHash, _mempool.Count, HaltReason);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await Task.WhenAll(_cutter, _replicator, _reforwarder, _membership).ConfigureAwait(false); } catch (OperationCanceledException) { }
        await _raft.DisposeAsync().ConfigureAwait(false);
        _ledger.BlockCommitted -= OnBlockCommitted;
    }

    /// <summary>Raft's view of the ledger: committed entries are blocks; see <see cref="CommittedBlockApplier"/>.</summary>
    private sealed class LedgerStateMachine(LedgerNode node) : IReplicatedStateMachine
    {
        private readonly CommittedBlockApplier _applier = new(node._ledger, () => node._blockSync, node._log);

        public long AppliedHeight => _applier.AppliedHeight;

        public ValueTask ApplyAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
        {
            if (node.HaltReason is not null) return ValueTask.CompletedTask;
            try { _applier.Apply(payload.Span); }
            catch (Exception e) when (e is StateDivergenceException or InvalidBlockException or FormatException)
            {
                node.Halt(e.Message);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask OnSnapshotRestoredAsync(long snapshotHeight, CancellationToken token)
        {
            _applier.OnSnapshot(snapshotHeight);
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
