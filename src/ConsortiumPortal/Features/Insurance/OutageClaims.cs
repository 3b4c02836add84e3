using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Jobs;

namespace ConsortiumPortal.Features.Insurance;

/// <summary>
/// The meter-triggered claims job. When an outage's restoration commits, it asks the insurance contract to evaluate the
/// outage, page by page (following nextCursor) until every policy on the affected meters has its claim; when an insurer
/// receives a deposit and has claims still owed, it asks the contract to pay them.
/// <para>Who signs: evaluation takes no numbers from the caller (the contract reads the outage and the meter history on
/// chain), so any identity gives the same result. The default is the insurer's operator (pic-insure/operator), the party
/// that pays and wants claims settled, configurable as Jobs:OutageClaims:Signer; the grid company's node could run it
/// just as well. Re-running is harmless: a (policy, outage) pair gets one claim ever, and a second evaluation only pays
/// what is still owed.</para>
/// </summary>
public sealed class OutageClaims(IConfiguration configuration, ILogger<OutageClaims> log) : IChainEventSubscriber
{
    public const string SubscriberName = "insurance-outage-claims";
    public const string DefaultSigner = "pic-insure/operator";

    public string Name => SubscriberName;

    public string SignerCertificateId => configuration["Jobs:OutageClaims:Signer"] ?? DefaultSigner;

    public bool Wants(string contract, string eventName) =>
        (contract == MeteringContract.ContractName && eventName == "OutageRestored")
        || (contract == SettlementContract.ContractName && eventName == "Deposited");

    public async Task HandleAsync(IReadOnlyList<ChainEvent> events, ChainEventJobContext context, CancellationToken token)
    {
        var outages = events.Where(e => e.Name == "OutageRestored").Select(e => e.Data.GetProperty("outageId").GetString()!).Distinct().ToList();
        var state = context.Runtime.Ledger.Store.Committed;
        var insurers = events.Where(e => e.Name == "Deposited").Select(e => e.Data.GetProperty("organisationId").GetString()!).Distinct()
            .Where(org => state.Scan(InsuranceState.UnpaidOfInsurerPrefix(org)).Any()).ToList();
        var done = 0;
        var total = outages.Count + insurers.Count;
        foreach (var outageId in outages)
        {
            token.ThrowIfCancellationRequested();
            context.Report(done, total, $"evaluating outage {outageId}");
            await EvaluateAsync(context, outageId, token);
            done++;
        }
        foreach (var insurer in insurers)
        {
            context.Report(done, total, $"paying claims owed by {insurer}");
            var outcome = await context.SubmitAsync(InsuranceContract.ContractName, "payUnpaid", new InsuranceContract.PayUnpaidArgs(insurer));
            Check(outcome, $"paying claims owed by {insurer}");
            done++;
        }
        context.Report(total, total, $"{outages.Count} outages evaluated, {insurers.Count} insurers' owed claims retried");
    }

    private async Task EvaluateAsync(ChainEventJobContext context, string outageId, CancellationToken token)
    {
        string? cursor = null;
        do
        {
            token.ThrowIfCancellationRequested();
            var outcome = await context.SubmitAsync(InsuranceContract.ContractName, "evaluateOutage", new InsuranceContract.EvaluateOutageArgs(outageId, cursor));
            if (!Check(outcome, $"evaluating outage {outageId}")) return;
            cursor = outcome.Result!.Output is { } output && output.TryGetProperty("nextCursor", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String
                ? next.GetString() : null;
        } while (cursor is not null);
    }

    /// <summary>A node refusal is retried by the job (thrown); a contract refusal is deterministic and only logged.</summary>
    private bool Check(Chain.Raft.Ordering.TxOutcome outcome, string what)
    {
        if (outcome.Refusal is { } refusal) throw new InvalidOperationException($"{what} was not accepted: {refusal.Message}");
        if (outcome.Result is { Succeeded: false } failed)
        {
            log.LogWarning("{What} was refused by the contract: {Error}", what, failed.Error);
            return false;
        }
        return true;
    }
}
