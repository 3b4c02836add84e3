using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>
/// Admitted transactions waiting for a block, deduplicated by tx id: submitting the same transaction again while it
/// waits returns the same pending outcome, so it is ordered once however often it is sent.
/// </summary>
public sealed class Mempool(int capacity)
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);

    public sealed class Pending(SignedTransaction tx)
    {
        public SignedTransaction Transaction { get; } = tx;
        public TaskCompletionSource<TxOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public int Count => _pending.Count;

    /// <summary>Adds a transaction, or returns the one already pending with the same id. Null when full.</summary>
    public Pending? Add(SignedTransaction tx, out bool added)
    {
        added = false;
        if (_pending.TryGetValue(tx.IdHex, out var existing)) return existing;
        if (_pending.Count >= capacity) return null;
        var pending = new Pending(tx);
        var winner = _pending.GetOrAdd(tx.IdHex, pending);
        if (!ReferenceEquals(winner, pending)) return winner;
        added = true;
        _queue.Enqueue(pending);
        _signal.Release();
        return pending;
    }

    public bool TryGet(string txId, out Pending pending) => _pending.TryGetValue(txId, out pending!);

    /// <summary>Waits for at least one transaction, then collects up to <paramref name="max"/>, waiting at most <paramref name="maxWait"/> for more.</summary>
    /// <remarks>Blocking: it runs on the block cutter's own thread.</remarks>
    public List<Pending> TakeBatch(int max, TimeSpan maxWait, CancellationToken token)
    {
        _signal.Wait(token);
        var batch = new List<Pending>(Math.Min(max, 1024));
        Drain(batch, max);
        if (batch.Count < max && maxWait > TimeSpan.Zero)
        {
            var deadline = DateTime.UtcNow + maxWait;
            while (batch.Count < max)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !_signal.Wait(left, token)) break;
                Drain(batch, max);
            }
        }
        return batch;
    }

    private void Drain(List<Pending> batch, int max)
    {
        while (batch.Count < max && _queue.TryDequeue(out var p)) batch.Add(p);
        // Keep the semaphore count roughly equal to the queue length: consume signals for what was taken.
        while (_signal.CurrentCount > _queue.Count && _signal.Wait(0)) { }
    }

    /// <summary>Puts transactions back at the end of the queue (a block that failed to replicate).</summary>
    public void Requeue(IEnumerable<Pending> batch)
    {
        foreach (var p in batch) { _queue.Enqueue(p); _signal.Release(); }
    }

    public void Complete(string txId, TxOutcome outcome)
    {
        if (_pending.TryRemove(txId, out var p)) p.Outcome.TrySetResult(outcome);
    }
}
