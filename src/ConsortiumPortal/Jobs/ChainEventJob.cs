using Hangfire;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Jobs;

/// <summary>
/// The Hangfire job behind every subscriber: handle the wanted events from the cursor to the head, a range of blocks at
/// a time, saving the cursor after each range; repeat until the head stops moving.
/// </summary>
public sealed class ChainEventJob(NodeHostedService host, ChainEventSubscriptions subscriptions, JobProgressBoard progress, ILogger<ChainEventJob> log)
{
    /// <summary>Blocks read per range: bounds memory and how much a crash makes the subscriber handle again.</summary>
    public const int BlocksPerRange = 256;

    [DisableConcurrentExecution(timeoutInSeconds: 15 * 60)]
    [AutomaticRetry(Attempts = 5, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Chain events → {0}")]
    public async Task RunAsync(string subscriberName, CancellationToken token)
    {
        var runtime = await host.Runtime;
        var subscriber = subscriptions.Get(subscriberName);
        if (!ChainEventSubscriptions.RunsHere(subscriber, runtime)) return;
        subscriptions.MarkStarted(subscriberName);
        var cursors = await subscriptions.CursorsAsync();
        var context = new ChainEventJobContext(runtime, subscriber, progress);
        var from = cursors.Get(subscriberName) + 1;
        progress.Start(subscriberName, $"from block {from}");
        try
        {
            var handled = 0L;
            for (var head = runtime.Ledger.Height; from <= head; head = runtime.Ledger.Height)
            {
                var to = Math.Min(head, from + BlocksPerRange - 1);
                var events = ChainEventReader.Read(runtime.Ledger, from, to, subscriber);
                progress.Report(subscriberName, from - 1, head, $"blocks {from}-{to}: {events.Count} events");
                if (events.Count > 0) await subscriber.HandleAsync(events, context, token);
                cursors.Set(subscriberName, to);
                handled += events.Count;
                from = to + 1;
            }
            progress.Finish(subscriberName, $"up to block {from - 1}: {handled} events handled");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            progress.Finish(subscriberName, $"stopped at block {from}", e.Message);
            log.LogWarning(e, "Subscriber {Subscriber} stopped at block {Height}; Hangfire retries it", subscriberName, from);
            throw;
        }
    }
}
