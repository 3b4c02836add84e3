using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Jobs;
using ConsortiumPortal.Node;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Features.Receivables;

/// <summary>
/// Recurring job (every minute): submits a settlement for every root voucher whose maturity has passed by the latest
/// block time and that no settlement report covers yet, in batches of roots maturing on the same day. The job decides
/// nothing: the contract checks maturity, pays and refuses a second settlement of a root, so runs on several nodes or
/// after a crash are harmless (a batch refused because another node settled one of its roots is picked up again on
/// the next run without that root). It signs as Receivables:MaturityJob:Signer (default the node operator's operator)
/// and does nothing on a node that does not hold that key.
/// </summary>
public sealed class MaturitySettlementJob(NodeHostedService node, ReceivablesQueries queries, JobProgressBoard progress, IConfiguration configuration,
    ILogger<MaturitySettlementJob> log)
{
    public const string JobId = "receivables:maturity-settlement";
    public const string DefaultSigner = "grid-east/operator";

    public string Signer => configuration["Receivables:MaturityJob:Signer"] ?? DefaultSigner;

    /// <summary>Returns how many roots were settled by this run.</summary>
    public async Task<int> RunAsync(CancellationToken token)
    {
        var runtime = await node.Runtime;
        if (!runtime.Keys.Contains(Signer)) return 0;
        var (due, _) = await queries.DueForSettlementAsync();
        if (due.Count == 0) return 0;
        progress.Start(JobId, $"settling {due.Count} matured voucher(s)");
        var settled = 0;
        foreach (var batch in due.Chunk(MaxBatch))
        {
            token.ThrowIfCancellationRequested();
            var tx = new TxBuilder(runtime.Ledger.ChainId, Signer, runtime.Keys.Get(Signer)).Build(ContractName, "settle", new SettleArgs(batch), runtime.Ledger.Height);
            var outcome = await runtime.Node.SubmitAsync(tx);
            if (outcome.Refusal is { } refusal) throw new InvalidOperationException($"settlement batch not accepted: {refusal.Message}");
            if (outcome.Result is { Succeeded: true }) settled += batch.Length;
            else log.LogWarning("Settlement batch {First}..{Last} refused: {Error}", batch[0], batch[^1], outcome.Result?.Error);
            progress.Report(JobId, settled, due.Count, $"settled {settled} of {due.Count}");
        }
        progress.Finish(JobId, $"{settled} matured voucher(s) settled");
        return settled;
    }
}
