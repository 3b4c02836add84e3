using System.Collections.Concurrent;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Jobs;

/// <summary>
/// The registered subscribers of this node, whether each runs here, their cursors, and whether a run is already queued
/// (so a burst of blocks queues one run, not one per block).
/// </summary>
public sealed class ChainEventSubscriptions
{
    private readonly Dictionary<string, IChainEventSubscriber> _subscribers;
    private readonly ConcurrentDictionary<string, int> _queued = new(StringComparer.Ordinal);
    private readonly Lazy<Task<ChainEventCursors>> _cursors;

    public ChainEventSubscriptions(IEnumerable<IChainEventSubscriber> subscribers, NodeHostedService host)
    {
        _subscribers = subscribers.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _cursors = new(async () => new ChainEventCursors((await host.Runtime).Data.Root));
    }

    public IReadOnlyCollection<IChainEventSubscriber> All => _subscribers.Values;

    public IChainEventSubscriber Get(string name) =>
        _subscribers.TryGetValue(name, out var s) ? s : throw new InvalidOperationException($"no chain-event subscriber named \"{name}\"");

    /// <summary>A subscriber runs on the node that holds the key of the identity that signs its effects.</summary>
    public static bool RunsHere(IChainEventSubscriber subscriber, NodeRuntime runtime) => runtime.Keys.Contains(subscriber.SignerCertificateId);

    public Task<ChainEventCursors> CursorsAsync() => _cursors.Value;

    /// <summary>True when the caller should queue a run (none is queued yet).</summary>
    public bool TryMarkQueued(string name) => _queued.AddOrUpdate(name, 1, (_, _) => 2) == 1;

    /// <summary>A run started: later blocks need a new run.</summary>
    public void MarkStarted(string name) => _queued.TryRemove(name, out _);
}
