using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Jobs;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// The demo subscriber of the meter-triggered mechanism: when readings commit, settle every (meter, day) of the grid
/// company that runs this job whose 96 readings are now complete and whose day is over. Each settlement is its own
/// transaction, in day order, so a long backlog shows progress and a crash loses at most the one in flight; the
/// contract refuses a second statement for a day, which makes re-runs harmless.
/// </summary>
public sealed class MeterDaySettlement(IConfiguration configuration, ILogger<MeterDaySettlement> log) : IChainEventSubscriber
{
    public const string SubscriberName = "meter-day-settlement";

    /// <summary>The grid company's metering identity that signs statements (Jobs:MeterDaySettlement:Signer).</summary>
    public const string DefaultSigner = "grid-east/operator";

    public string Name => SubscriberName;

    public string SignerCertificateId => configuration["Jobs:MeterDaySettlement:Signer"] ?? DefaultSigner;

    public bool Wants(string contract, string eventName) => contract == MeteringContract.ContractName && eventName == "ReadingsRecorded";

    public async Task HandleAsync(IReadOnlyList<ChainEvent> events, ChainEventJobContext context, CancellationToken token)
    {
        var state = context.Runtime.Ledger.Store.Committed;
        var gridCompany = SignerCertificateId.Split('/')[0];
        var now = events.Max(e => e.BlockTime);
        var due = new SortedSet<(long Day, string MeterId)>();
        foreach (var e in events)
        {
            var from = e.Data.GetProperty("from").GetInt64();
            var to = e.Data.GetProperty("to").GetInt64();
            foreach (var meterId in e.Data.GetProperty("meterIds").EnumerateArray().Select(m => m.GetString()!))
                for (var day = MeteringState.DayStartOf(from); day < to; day += MeteringState.DayMs)
                    due.Add((day, meterId));
        }
        var done = 0;
        foreach (var (day, meterId) in due)
        {
            token.ThrowIfCancellationRequested();
            context.Report(done++, due.Count, $"settling meter days: {done} of {due.Count}");
            if (day + MeteringState.DayMs > now) continue;
            if (MeteringState.GetMeter(state, meterId) is not { } meter || meter.GridCompanyId != gridCompany) continue;
            if (state.Get(MeterStatementsContract.StatementKey(meterId, day)) is not null) continue;
            if (MeteringState.Readings(state, meterId, day, day + MeteringState.DayMs).Count < MeteringState.IntervalsPerDay) continue;
            var outcome = await context.SubmitAsync(MeterStatementsContract.ContractName, "settleDay", new MeterStatementsContract.SettleDayArgs(meterId, day));
            if (outcome.Refusal is { } refusal) throw new InvalidOperationException($"settling {meterId} was not accepted: {refusal.Message}");
            if (outcome.Result is { Succeeded: false } failed && !failed.Error!.Contains("already settled", StringComparison.Ordinal))
                log.LogWarning("Settling meter {Meter} day {Day} failed: {Error}", meterId, day, failed.Error);
        }
        context.Report(due.Count, due.Count, $"{due.Count} meter days checked");
    }
}
