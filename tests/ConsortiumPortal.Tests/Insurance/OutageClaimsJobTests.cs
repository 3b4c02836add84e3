using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Insurance;
using ConsortiumPortal.Jobs;
using ConsortiumPortal.Seed.Metering;
using ConsortiumPortal.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Insurance;

/// <summary>The demo portal with its Hangfire server running: the outage-claims job reacts to committed restorations.</summary>
public sealed class InsuranceJobsPortalApp : PortalApp
{
    protected override bool RunsJobs => true;
}

/// <summary>
/// End to end on a running portal: the grid company records a simulated feeder outage and its restoration; the claims job
/// (triggered by the OutageRestored event) evaluates it in its first run and the steel works' policies are paid, with
/// receipts for the outage, the restoration and the evaluation. Running the job again pays nothing more.
/// </summary>
public sealed class OutageClaimsJobTests(InsuranceJobsPortalApp app) : IClassFixture<InsuranceJobsPortalApp>
{
    [Fact]
    public async Task A_simulated_outage_is_paid_by_the_claims_job_in_one_cycle_with_receipts_and_a_rerun_pays_once()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var outage = new SimulatedOutage("JS-F04", now - 3 * 3_600_000, now - 60_000, "simulated feeder trip");
        var grid = app.Signer("grid-east/operator");
        var steelBefore = Balance("steel-works");

        var started = await app.Runtime.Node.SubmitAsync(grid.Build(MeteringContract.ContractName, "startOutage",
            new MeteringContract.StartOutageArgs("OUT-JOB-TEST", null, outage.FeederId, outage.Start, false, outage.Cause), app.Runtime.Ledger.Height));
        Assert.True(started.Result?.Succeeded, started.Result?.Error);
        var restored = await app.Runtime.Node.SubmitAsync(grid.Build(MeteringContract.ContractName, "restoreOutage",
            new MeteringContract.RestoreOutageArgs("OUT-JOB-TEST", outage.End), app.Runtime.Ledger.Height));
        Assert.True(restored.Result?.Succeeded, restored.Result?.Error);

        // One job cycle: the dispatcher queues the subscriber for the restoration's block; its cursor passing that block
        // means the run that handled it has finished.
        var cursors = await app.Services.GetRequiredService<ChainEventSubscriptions>().CursorsAsync();
        await Until(() => cursors.Get(OutageClaims.SubscriberName) >= restored.Height, "the claims job handled the restoration");

        var state = app.Runtime.Ledger.Store;
        var claim = InsuranceState.GetClaim(state, "steel-mill1-2026", "OUT-JOB-TEST");
        Assert.NotNull(claim);
        Assert.Equal(ClaimStatuses.Paid, claim.Status);
        Assert.Equal((outage.End - outage.Start - 30 * 60_000) * 200_000 / 3_600_000, claim.AmountFen);
        var furnace = InsuranceState.GetClaim(state, "steel-furnace-2026", "OUT-JOB-TEST")!;
        Assert.Equal(ClaimStatuses.Paid, furnace.Status);
        Assert.Equal(steelBefore + claim.AmountFen + furnace.AmountFen, Balance("steel-works"));

        // Receipts: the outage, its restoration and the evaluation that paid, the last one signed by the job's identity.
        foreach (var txId in new[] { started.TxId, restored.TxId, claim.PaidTx! })
            Assert.NotNull(app.Runtime.Ledger.GetReceipt(txId));
        var evaluation = app.Runtime.Ledger.Store.GetTransaction(claim.PaidTx!)!;
        Assert.Equal((OutageClaims.DefaultSigner, "evaluateOutage"), (evaluation.Transaction.Body.Signer, evaluation.Transaction.Body.Method));
        Assert.Contains(evaluation.Result.Events, e => e.Name == "ClaimPaid");

        // A restart that lost the cursor handles the restoration again: nothing is paid twice.
        cursors.Set(OutageClaims.SubscriberName, restored.Height - 1);
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<ChainEventJob>().RunAsync(OutageClaims.SubscriberName, CancellationToken.None);
        Assert.Equal(steelBefore + claim.AmountFen + furnace.AmountFen, Balance("steel-works"));
        Assert.Equal(claim.PaidTx, InsuranceState.GetClaim(state, "steel-mill1-2026", "OUT-JOB-TEST")!.PaidTx);
    }

    private long Balance(string organisationId) =>
        long.Parse(app.Runtime.Ledger.Store.Get(Contracts.Settlement.SettlementAccounts.BalanceKey(organisationId)) ?? "0");

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
