using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;
using Hangfire;

namespace ConsortiumPortal.Jobs;

/// <summary>
/// Queues a subscriber's job when a committed block holds an event it wants, and once at start-up so a restarted node
/// resumes from its cursor. Queuing happens off the ledger's apply thread.
/// </summary>
public sealed class ChainEventDispatcher(NodeHostedService host, ChainEventSubscriptions subscriptions, IBackgroundJobClient jobs,
    ILogger<ChainEventDispatcher> log) : IHostedService
{
    private NodeRuntime? _runtime;

    public async Task StartAsync(CancellationToken token)
    {
        if (subscriptions.All.Count == 0) return;
        _ = host.Runtime.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully) return;
            _runtime = t.Result;
            _runtime.Ledger.BlockCommitted += OnBlockCommitted;
            foreach (var subscriber in subscriptions.All) Queue(subscriber);
        }, TaskScheduler.Default);
        await Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken token)
    {
        if (_runtime is not null) _runtime.Ledger.BlockCommitted -= OnBlockCommitted;
        return Task.CompletedTask;
    }

    private void OnBlockCommitted(Block block, BlockExecution execution)
    {
        foreach (var subscriber in subscriptions.All)
            if (ChainEventReader.Contains(block, execution.Results, subscriber)) Queue(subscriber);
    }

    private void Queue(IChainEventSubscriber subscriber)
    {
        if (_runtime is null || !ChainEventSubscriptions.RunsHere(subscriber, _runtime)) return;
        if (!subscriptions.TryMarkQueued(subscriber.Name)) return;
        var name = subscriber.Name;
        _ = Task.Run(() =>
        {
            try { jobs.Enqueue<ChainEventJob>(job => job.RunAsync(name, CancellationToken.None)); }
            catch (Exception e)
            {
                subscriptions.MarkStarted(name);
                log.LogWarning(e, "Could not queue subscriber {Subscriber}; its recurring run picks the events up", name);
            }
        });
    }
}
