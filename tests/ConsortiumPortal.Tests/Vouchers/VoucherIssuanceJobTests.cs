using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Features.Vouchers;
using ConsortiumPortal.Jobs;
using ConsortiumPortal.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Vouchers;

public sealed class VoucherJobsPortalApp : PortalApp
{
    protected override bool RunsJobs => true;
}

/// <summary>
/// Meter-triggered issuance end to end: the demo's readings get their days settled (the metering subscriber), each
/// settled generation day gets its vouchers issued by the trading centre (this subscriber), and running the job again
/// from the start issues nothing twice.
/// </summary>
public sealed class VoucherIssuanceJobTests(VoucherJobsPortalApp app) : IClassFixture<VoucherJobsPortalApp>
{
    [Fact]
    public async Task Settled_generation_days_are_issued_once_even_when_the_job_runs_again()
    {
        var store = app.Runtime.Ledger.Store;
        IReadOnlyList<MeterDayStatement> GenerationStatements() => store.Scan(MeterStatementsContract.StatementPrefix)
            .Select(p => VoucherState.Parse<MeterDayStatement>(p.Value)).Where(s => s.Technology is not null && s.Type != MeterTypes.Consumption).ToList();
        bool AllIssued() => GenerationStatements() is { Count: > 0 } settled && settled.All(s => store.Get(VoucherState.IssuedKey(s.MeterId, s.Day)) is not null);
        await Until(AllIssued, "every settled generation day is issued");

        var fromMeters = Issuances().Where(i => i.Source == "meter").ToList();
        Assert.NotEmpty(fromMeters);
        Assert.All(fromMeters, i => Assert.Equal("px-center/operator", i.IssuedBy));
        // Each issuance holds what its statement says, with the carried remainder: nothing invented, nothing lost.
        foreach (var i in fromMeters)
        {
            var statement = GenerationStatements().Single(s => s.MeterId == i.MeterId && s.Day == i.PeriodStart);
            Assert.Equal(statement.EnergyWh, i.EnergyWh);
            Assert.Equal(i.CarriedInWh + i.EnergyWh, i.Quantity * VoucherContract.WhPerMWh + i.CarriedOutWh);
        }

        var cursors = await app.Services.GetRequiredService<ChainEventSubscriptions>().CursorsAsync();
        var before = Issuances().Count;
        cursors.Set(VoucherIssuanceSubscriber.SubscriberName, 0);
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<ChainEventJob>().RunAsync(VoucherIssuanceSubscriber.SubscriberName, CancellationToken.None);
        Assert.Equal(before, Issuances().Count);
    }

    private List<VoucherIssuance> Issuances() =>
        app.Runtime.Ledger.Store.Scan(VoucherState.IssuancePrefix).Select(p => VoucherState.Parse<VoucherIssuance>(p.Value)).ToList();

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(200);
        }
    }
}
