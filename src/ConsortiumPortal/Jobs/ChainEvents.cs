using System.Text.Json;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Jobs;

/// <summary>A contract event of a committed, successful transaction, as a subscriber sees it.</summary>
public sealed record ChainEvent(long Height, long BlockTime, string TxId, string Contract, string Signer, string Name, JsonElement Data);

/// <summary>
/// An application that reacts to committed events ("meter-triggered" jobs: voucher issuance, insurance claims,
/// demand-response performance). Its job runs on the node that holds <see cref="SignerCertificateId"/>'s key, because
/// that identity signs the effects. Handling must be idempotent: after a restart the events since the last saved cursor
/// are handled again, and the same subscriber may run on two nodes; the contract refuses an effect that already exists,
/// so each effect happens once.
/// </summary>
public interface IChainEventSubscriber
{
    /// <summary>Stable name: the cursor's key and the Hangfire job's argument.</summary>
    string Name { get; }

    /// <summary>The certificate whose key signs this subscriber's transactions.</summary>
    string SignerCertificateId { get; }

    bool Wants(string contract, string eventName);

    Task HandleAsync(IReadOnlyList<ChainEvent> events, ChainEventJobContext context, CancellationToken token);
}

/// <summary>What a subscriber gets while handling: the node, progress reporting, and signing as its identity.</summary>
public sealed class ChainEventJobContext(NodeRuntime runtime, IChainEventSubscriber subscriber, JobProgressBoard progress)
{
    public NodeRuntime Runtime => runtime;

    /// <summary>Reports progress of the current run; the Jobs page shows it.</summary>
    public void Report(long done, long total, string message) => progress.Report(subscriber.Name, done, total, message);

    /// <summary>Signs as the subscriber's identity and submits, waiting for the transaction's block.</summary>
    public Task<Chain.Raft.Ordering.TxOutcome> SubmitAsync(string contract, string method, object args)
    {
        var builder = new TxBuilder(runtime.Ledger.ChainId, subscriber.SignerCertificateId, runtime.Keys.Get(subscriber.SignerCertificateId));
        return runtime.Node.SubmitAsync(builder.Build(contract, method, args, runtime.Ledger.Height));
    }
}

/// <summary>Reads the events a subscriber wants from committed blocks.</summary>
public static class ChainEventReader
{
    public static IReadOnlyList<ChainEvent> Read(Chain.Ledger ledger, long fromHeight, long toHeight, IChainEventSubscriber subscriber)
    {
        var events = new List<ChainEvent>();
        for (var height = Math.Max(1, fromHeight); height <= toHeight; height++)
        {
            if (ledger.Store.GetBlock(height) is not { } stored) break;
            Collect(stored.Block, stored.Results, subscriber, events);
        }
        return events;
    }

    /// <summary>Whether a just-committed block holds anything the subscriber wants (cheap: no allocation per event).</summary>
    public static bool Contains(Block block, IReadOnlyList<TxResult> results, IChainEventSubscriber subscriber)
    {
        for (var i = 0; i < results.Count; i++)
        {
            if (!results[i].Succeeded) continue;
            var contract = block.Transactions[i].Body.Contract;
            foreach (var e in results[i].Events)
                if (subscriber.Wants(contract, e.Name)) return true;
        }
        return false;
    }

    private static void Collect(Block block, IReadOnlyList<TxResult> results, IChainEventSubscriber subscriber, List<ChainEvent> events)
    {
        for (var i = 0; i < results.Count; i++)
        {
            if (!results[i].Succeeded) continue;
            var body = block.Transactions[i].Body;
            foreach (var e in results[i].Events)
                if (subscriber.Wants(body.Contract, e.Name))
                    events.Add(new ChainEvent(block.Height, block.Header.Timestamp, block.Transactions[i].IdHex, body.Contract, body.Signer, e.Name, e.Data));
        }
    }
}
