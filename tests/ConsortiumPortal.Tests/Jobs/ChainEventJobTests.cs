using System.Net;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Jobs;
using ConsortiumPortal.Tests.Api;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Jobs;

/// <summary>
/// A subscriber with an effect the contract makes idempotent: for every payment, the grid company holds a 1 fen escrow
/// whose id is derived from the payment's tx id (a second hold of the same id is refused by the settlement contract).
/// </summary>
public sealed class MirrorPaymentsSubscriber : IChainEventSubscriber
{
    public const string SubscriberName = "test-mirror-payments";
    public string Name => SubscriberName;
    public string SignerCertificateId => "grid-east/operator";

    public static string EscrowIdFor(string txId) => "m:" + txId[..60];

    public bool Wants(string contract, string eventName) => contract == SettlementContract.ContractName && eventName == "Transferred";

    public async Task HandleAsync(IReadOnlyList<ChainEvent> events, ChainEventJobContext context, CancellationToken token)
    {
        var done = 0;
        foreach (var e in events)
        {
            var payee = e.Data.GetProperty("to").GetString()!;
            if (payee == "grid-east") continue; // an escrow to oneself is refused; nothing to mirror
            var outcome = await context.SubmitAsync(SettlementContract.ContractName, "hold",
                new SettlementContract.HoldArgs(EscrowIdFor(e.TxId), payee, 1, null, "mirror of " + e.TxId[..16]));
            if (outcome.Result is { Succeeded: false } failed && !failed.Error!.Contains("already exists"))
                throw new InvalidOperationException(failed.Error);
            context.Report(++done, events.Count, "mirrored");
        }
    }
}

public sealed class JobsPortalApp : PortalApp
{
    protected override bool RunsJobs => true;

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddChainEventSubscriber<MirrorPaymentsSubscriber>(MirrorPaymentsSubscriber.SubscriberName);
}

public sealed class ChainEventJobTests(JobsPortalApp app) : IClassFixture<JobsPortalApp>
{
    [Fact]
    public async Task Committed_events_trigger_the_subscriber_and_a_rerun_or_a_concurrent_run_produces_each_effect_once()
    {
        var payments = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var outcome = await app.Runtime.Node.SubmitAsync(app.Transfer("steel-works/operator", "retail-one", 100 + i, $"job test {i}"));
            Assert.True(outcome.Result?.Succeeded, outcome.Result?.Error);
            payments.Add(outcome.TxId);
        }

        // The dispatcher queued the subscriber when the payments committed; wait until its cursor passes them.
        var cursors = await app.Services.GetRequiredService<ChainEventSubscriptions>().CursorsAsync();
        var lastPaymentHeight = app.Runtime.Ledger.Height;
        await Until(() => cursors.Get(MirrorPaymentsSubscriber.SubscriberName) >= lastPaymentHeight, "the subscriber handled the payments");
        foreach (var txId in payments) Assert.Equal(1, SuccessfulHolds(txId));

        // A restart that lost the cursor, and the same job on a second node at the same time: both handle everything again.
        cursors.Set(MirrorPaymentsSubscriber.SubscriberName, 0);
        using (var scope = app.Services.CreateScope())
        {
            var first = scope.ServiceProvider.GetRequiredService<ChainEventJob>();
            var second = scope.ServiceProvider.GetRequiredService<ChainEventJob>();
            await Task.WhenAll(first.RunAsync(MirrorPaymentsSubscriber.SubscriberName, CancellationToken.None),
                second.RunAsync(MirrorPaymentsSubscriber.SubscriberName, CancellationToken.None));
        }
        foreach (var txId in payments)
        {
            Assert.Equal(1, SuccessfulHolds(txId));
            Assert.True(app.Runtime.Ledger.Store.Get(SettlementAccounts.EscrowKey(MirrorPaymentsSubscriber.EscrowIdFor(txId))) is not null);
        }
        Assert.True(FailedHolds() > 0, "the re-runs should have tried again and been refused by the contract");
        Assert.True(cursors.Get(MirrorPaymentsSubscriber.SubscriberName) >= lastPaymentHeight);
        var progress = app.Services.GetRequiredService<JobProgressBoard>().Get(MirrorPaymentsSubscriber.SubscriberName);
        Assert.NotNull(progress);
        Assert.True(progress.Finished);
        Assert.Null(progress.Error);
    }

    [Theory]
    [InlineData("steel-works/admin")]   // an admin of another organisation
    [InlineData("grid-east/operator")]  // the node's organisation, but not an admin
    public async Task The_job_dashboard_is_refused_to_anyone_but_the_node_operators_admins(string userName)
    {
        using var client = await app.SignedInClientAsync(userName);
        using var response = await client.GetAsync(JobsExtensions.DashboardPath);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden || response.Headers.Location?.ToString().Contains("access-denied", StringComparison.OrdinalIgnoreCase) == true,
            $"{userName} got {(int)response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task The_job_dashboard_sends_strangers_to_sign_in_and_opens_for_the_node_operator()
    {
        using (var anonymous = app.Client())
        using (var response = await anonymous.GetAsync(JobsExtensions.DashboardPath))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/account/login", response.Headers.Location!.ToString());
        }
        using var client = await app.SignedInClientAsync("grid-east/admin");
        using var dashboard = await client.GetAsync(JobsExtensions.DashboardPath);
        var html = await dashboard.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("ConsortiumPortal jobs", html);
        using var recurring = await client.GetAsync(JobsExtensions.DashboardPath + "/recurring");
        Assert.Contains("chain-events:" + MirrorPaymentsSubscriber.SubscriberName, await recurring.Content.ReadAsStringAsync());
    }

    private long SuccessfulHolds(string paymentTxId) => CountHolds(MirrorPaymentsSubscriber.EscrowIdFor(paymentTxId), ok: true);

    private long FailedHolds() => CountHolds(null, ok: false);

    private long CountHolds(string? escrowId, bool ok)
    {
        using var connection = app.Runtime.Ledger.Store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.body FROM transactions t JOIN receipts r ON r.seq = t.seq
            WHERE t.signer = 'grid-east/operator' AND t.method = 'hold' AND r.status = $status
            """;
        cmd.Parameters.AddWithValue("$status", ok ? "ok" : "failed");
        using var reader = cmd.ExecuteReader();
        var count = 0L;
        while (reader.Read())
            if (escrowId is null || reader.GetString(0).Contains($"\"escrowId\":\"{escrowId}\"", StringComparison.Ordinal)) count++;
        return count;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
