using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>
/// Where a node that is behind gets committed blocks outside Raft (the deployable: a peer's node-signed
/// GET /internal/blocks). Raft snapshots carry only the ledger height, so blocks never travel through Raft's
/// snapshot install (STACK.md: one request bounded by RequestTimeout).
/// </summary>
public interface IBlockSource
{
    /// <summary>
    /// Up to <paramref name="max"/> serialized blocks (<see cref="Block.Serialize"/>) from height <paramref name="from"/>
    /// on, in height order, as <paramref name="peerUrl"/> has them (empty when it has none that high). Throws when the
    /// peer cannot be reached or refuses: the caller tries another peer and backs off.
    /// </summary>
    Task<IReadOnlyList<byte[]>> GetBlocksAsync(string peerUrl, long from, int max, CancellationToken token);
}

public sealed record BlockSyncOptions
{
    /// <summary>Blocks asked for per request (the server caps it too).</summary>
    public int BatchSize { get; init; } = 200;
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Catch-up outside Raft: fetches the blocks a node is missing from its peers (the leader first, then any other node
/// whose HTTP URL is known) in bounded batches and applies them in height order with <see cref="Ledger.Apply(ReadOnlySpan{byte})"/>,
/// which checks the hash link, Merkle root, proposer and transaction signatures and re-executes the block. A block
/// that does not validate is never applied: that peer is skipped and another one asked. Unreachable peers are retried
/// with exponential back-off. One sync runs at a time (the Raft apply path waits for it).
/// </summary>
public sealed class BlockSync : IDisposable
{
    private readonly Ledger _ledger;
    private readonly IBlockSource _source;
    private readonly Func<IReadOnlyList<string>> _peers;
    private readonly BlockSyncOptions _options;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _backgroundLock = new();
    private Task _background = Task.CompletedTask;
    private bool _backgroundRunning;
    private bool _diverged;
    private long _target = -1;
    private long _fetched;

    /// <param name="peers">HTTP URLs to fetch from, best first (the leader's, then the other nodes'); never this node's own.</param>
    public BlockSync(Ledger ledger, IBlockSource source, Func<IReadOnlyList<string>> peers, BlockSyncOptions? options = null, ILoggerFactory? loggers = null)
    {
        _ledger = ledger;
        _source = source;
        _peers = peers;
        _options = options ?? new BlockSyncOptions();
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger<BlockSync>();
    }

    /// <summary>The highest height a catch-up was asked to reach (-1: never).</summary>
    public long Target => Interlocked.Read(ref _target);

    /// <summary>Blocks applied by catch-up since start (diagnostics).</summary>
    public long BlocksFetched => Interlocked.Read(ref _fetched);

    /// <summary>True while the ledger is below the last catch-up target.</summary>
    public bool IsBehind => _ledger.Height < Target;

    /// <summary>Raised (with the reason) when a fetched block, validly signed by a consortium node, diverges from this node's state.</summary>
    public event Action<string>? Diverged;

    /// <summary>
    /// Starts catching up to <paramref name="height"/> in the background and returns at once (a Raft snapshot install
    /// must not wait for the blocks: it is one request bounded by RequestTimeout).
    /// </summary>
    public void RequestCatchUp(long height)
    {
        RaiseTarget(height);
        lock (_backgroundLock)
        {
            if (_ledger.Height >= Target || _backgroundRunning) return;
            _backgroundRunning = true;
            _background = Task.Run(CatchUpInBackgroundAsync);
        }
    }

    // Runs until the ledger reaches the target, re-reading it: Raft keeps raising it while blocks commit. Deciding to
    // stop and clearing the flag happen under the lock, so a target raised at that moment is never left unserved.
    private async Task CatchUpInBackgroundAsync()
    {
        while (true)
        {
            try { await SyncToAsync(Target, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
            catch (StateDivergenceException) { } // Diverged has halted the node: nothing more to fetch
            catch (Exception e)
            {
                _log.LogError(e, "Catch-up to height {Height} failed; retrying", Target);
                try { await Task.Delay(_options.MaxBackoff, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
                if (!_stop.IsCancellationRequested) continue;
            }
            lock (_backgroundLock)
            {
                if (_stop.IsCancellationRequested || _ledger.Height >= Target || _diverged)
                {
                    _backgroundRunning = false;
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Returns once the ledger's height is at least <paramref name="height"/>, fetching and applying the missing blocks.
    /// Retries (with back-off) until it gets there or <paramref name="token"/> is cancelled. Throws
    /// <see cref="StateDivergenceException"/> when a validly signed block gives a different state here.
    /// </summary>
    public async Task SyncToAsync(long height, CancellationToken token)
    {
        RaiseTarget(height);
        if (_ledger.Height >= height) return;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, _stop.Token);
        token = linked.Token;
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (_ledger.Height >= Target) return; // another sync got there while this one waited
            var backoff = _options.FirstBackoff;
            var started = _ledger.Height;
            _log.LogInformation("Catching up outside Raft from height {From} to {To}", started + 1, Target);
            while (_ledger.Height < Target)
            {
                token.ThrowIfCancellationRequested();
                if (await FetchRoundAsync(token).ConfigureAwait(false))
                {
                    backoff = _options.FirstBackoff;
                    continue;
                }
                _log.LogDebug("No peer gave blocks above {Height}; retrying in {Delay} ms", _ledger.Height, backoff.TotalMilliseconds);
                await Task.Delay(backoff, token).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, _options.MaxBackoff.TotalMilliseconds));
            }
            _log.LogInformation("Caught up: {Count} blocks fetched, height {Height}", _ledger.Height - started, _ledger.Height);
        }
        finally { _gate.Release(); }
    }

    /// <summary>Asks the peers in order until one gives at least one new block; applies what it gave. False: no progress.</summary>
    private async Task<bool> FetchRoundAsync(CancellationToken token)
    {
        foreach (var peer in _peers())
        {
            var from = _ledger.Height + 1;
            IReadOnlyList<byte[]> blocks;
            try
            {
                var max = (int)Math.Clamp(Target - _ledger.Height, 1, _options.BatchSize);
                blocks = await _source.GetBlocksAsync(peer, from, max, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { throw; }
            catch (Exception e)
            {
                _log.LogDebug(e, "Fetching blocks from {Peer} failed", peer);
                continue;
            }
            var applied = 0;
            foreach (var serialized in blocks)
            {
                long height;
                try { height = BlockHeader.FromCanonical(Block.ReadHeaderBytes(serialized)).Height; }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogWarning("{Peer} sent an unreadable block: {Error}", peer, e.Message);
                    break;
                }
                if (height <= _ledger.Height) continue;           // the Raft path applied it meanwhile
                if (height != _ledger.Height + 1)
                {
                    _log.LogWarning("{Peer} sent block {Got} where {Expected} was expected; ignoring the rest of its answer", peer, height, _ledger.Height + 1);
                    break;
                }
                try
                {
                    if (_ledger.Apply(serialized)) { applied++; Interlocked.Increment(ref _fetched); }
                }
                catch (StateDivergenceException e)
                {
                    _diverged = true;
                    Diverged?.Invoke(e.Message);
                    throw;
                }
                catch (Exception e) when (e is InvalidBlockException or FormatException or InvalidOperationException)
                {
                    // Hash link, Merkle root or a signature did not check: never applied; ask someone else.
                    _log.LogWarning("{Peer} sent block {Height} that does not validate: {Error}", peer, height, e.Message);
                    break;
                }
            }
            if (applied > 0 || _ledger.Height >= Target) return true;
        }
        return false;
    }

    private void RaiseTarget(long height) => AtomicMax.Raise(ref _target, height);

    public void Dispose()
    {
        _stop.Cancel();
        try { _background.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
