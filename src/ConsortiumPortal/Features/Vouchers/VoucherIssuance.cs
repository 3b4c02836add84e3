using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Jobs;

namespace ConsortiumPortal.Features.Vouchers;

/// <summary>
/// Meter-triggered issuance: when a generation meter's day is settled, the trading centre issues that day's vouchers.
/// The job passes only the meter and the day; the contract reads the settled statement and computes the quantity itself,
/// and refuses a meter-hour that is already issued, so handling the same events again issues nothing twice.
/// </summary>
public sealed class VoucherIssuanceSubscriber(IConfiguration configuration, ILogger<VoucherIssuanceSubscriber> log) : IChainEventSubscriber
{
    public const string SubscriberName = "voucher-issuance";

    /// <summary>The trading centre's identity that issues (Jobs:VoucherIssuance:Signer).</summary>
    public const string DefaultSigner = "px-center/operator";

    public string Name => SubscriberName;

    public string SignerCertificateId => configuration["Jobs:VoucherIssuance:Signer"] ?? DefaultSigner;

    public bool Wants(string contract, string eventName) => contract == MeterStatementsContract.ContractName && eventName == "MeterDaySettled";

    public async Task HandleAsync(IReadOnlyList<ChainEvent> events, ChainEventJobContext context, CancellationToken token)
    {
        var state = context.Runtime.Ledger.Store.Committed;
        var due = events.Select(e => (Day: e.Data.GetProperty("day").GetInt64(), MeterId: e.Data.GetProperty("meterId").GetString()!)).Distinct().Order().ToList();
        var done = 0;
        foreach (var (day, meterId) in due)
        {
            token.ThrowIfCancellationRequested();
            context.Report(done++, due.Count, $"issuing vouchers for settled meter days: {done} of {due.Count}");
            if (MeteringState.GetMeter(state, meterId) is not { Technology: not null, Type: not MeterTypes.Consumption }) continue;
            if (state.Get(VoucherState.IssuedKey(meterId, day)) is not null) continue;
            var outcome = await context.SubmitAsync(VoucherContract.ContractName, "issueFromMeter", new VoucherContract.IssueFromMeterArgs(meterId, day, day + MeteringState.DayMs));
            if (outcome.Refusal is { } refusal) throw new InvalidOperationException($"issuing {meterId} was not accepted: {refusal.Message}");
            if (outcome.Result is { Succeeded: false } failed && !failed.Error!.Contains("already issued", StringComparison.Ordinal))
                log.LogWarning("Issuing vouchers for meter {Meter} day {Day} failed: {Error}", meterId, day, failed.Error);
        }
        context.Report(due.Count, due.Count, $"{due.Count} settled meter days checked");
    }
}
