using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Jobs;

namespace ConsortiumPortal.Features.DemandResponse;

/// <summary>
/// Meter-triggered settlement: when readings commit that reach the end of an open event of this grid company, settle it in
/// pages of <see cref="PageSize"/> participants until nothing is left or the rest still lack readings. The contract
/// computes every figure again and refuses a participant settled before, so a re-run or a second node's job pays nothing twice.
/// </summary>
public sealed class EventSettlement(IConfiguration configuration, ILogger<EventSettlement> log) : IChainEventSubscriber
{
    public const string SubscriberName = "dr-event-settlement";
    public const string DefaultSigner = "grid-east/operator";
    public const int PageSize = 500;

    public string Name => SubscriberName;

    public string SignerCertificateId => configuration["Jobs:DemandResponse:Signer"] ?? DefaultSigner;

    public bool Wants(string contract, string eventName) => contract == MeteringContract.ContractName && eventName == "ReadingsRecorded";

    public async Task HandleAsync(IReadOnlyList<ChainEvent> events, ChainEventJobContext context, CancellationToken token)
    {
        var state = context.Runtime.Ledger.Store.Committed;
        var gridCompany = SignerCertificateId.Split('/')[0];
        var now = events.Max(e => e.BlockTime);
        var reachedUpTo = events.Max(e => e.Data.GetProperty("to").GetInt64());
        var due = state.Scan(DemandResponseState.EventPrefix)
            .Select(p => CanonicalJson.Deserialize<DrEvent>(System.Text.Encoding.UTF8.GetBytes(p.Value)))
            .Where(e => e.GridCompanyId == gridCompany && e.Status == DrEventStatus.Published && e.End <= now && e.End <= reachedUpTo)
            .ToList();
        var done = 0;
        foreach (var ev in due)
        {
            context.Report(done++, due.Count, $"settling event {ev.EventId}");
            while (!token.IsCancellationRequested)
            {
                var outcome = await context.SubmitAsync(DemandResponseContract.ContractName, "settleEvent", new DemandResponseContract.SettleEventArgs(ev.EventId, null, PageSize));
                if (outcome.Refusal is { } refusal) throw new InvalidOperationException($"settling {ev.EventId} was not accepted: {refusal.Message}");
                if (outcome.Result is not { Succeeded: true } result)
                {
                    // Waiting for readings or already settled: both end this event's turn; anything else is worth a look.
                    var error = outcome.Result?.Error ?? "";
                    if (!error.Contains("not all recorded yet", StringComparison.Ordinal) && !error.Contains("already settled", StringComparison.Ordinal))
                        log.LogWarning("Settling demand-response event {Event} failed: {Error}", ev.EventId, error);
                    break;
                }
                var output = result.Output!.Value;
                if (output.GetProperty("remaining").GetInt64() == 0 || output.GetProperty("pending").GetInt64() > 0) break;
            }
        }
        context.Report(due.Count, due.Count, $"{due.Count} demand-response events checked");
    }
}
