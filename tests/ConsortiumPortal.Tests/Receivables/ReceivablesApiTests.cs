using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Features.Receivables;
using ConsortiumPortal.Seed.Receivables;
using ConsortiumPortal.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Receivables;

/// <summary>
/// /api/receivables in-process over the demo: the whole life of a voucher through the HTTP API as the people of each
/// organisation (issue -> accept -> split -> transfer to tier 2 -> finance at a bank -> the maturity job -> everyone
/// paid, balances checked), who sees what, and bad input and refusals as problem details.
/// </summary>
public sealed class ReceivablesApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length > 0 && (raw[0] == '{' || raw[0] == '[') ? JsonDocument.Parse(raw).RootElement.Clone() : default);
    }

    private static async Task<JsonElement> OkAsync(HttpClient client, string path, object? body = null)
    {
        var (status, json) = await SendAsync(client.PostAsJsonAsync(path, body ?? new { }));
        Assert.True(status == HttpStatusCode.OK, $"POST {path}: {(int)status} {json}");
        return json.GetProperty("output");
    }

    private long Balance(string organisationId) =>
        app.Runtime.Ledger.Store.Get(SettlementAccounts.BalanceKey(organisationId)) is { } v ? long.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private long BlockTime => app.Runtime.Ledger.Store.GetBlockHeader(app.Runtime.Ledger.Height)!.Header.Timestamp;

    [Fact]
    public async Task Issue_accept_split_transfer_finance_and_the_maturity_job_pay_everyone()
    {
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        using var cable = await app.SignedInClientAsync("cable-co/operator");
        using var meter = await app.SignedInClientAsync("meter-co/operator");
        using var bank = await app.SignedInClientAsync("ccb-bank/operator");
        var before = new { grid = Balance("grid-east"), cable = Balance("cable-co"), meter = Balance("meter-co"), bank = Balance("ccb-bank") };

        // Short enough for the test to wait, long enough for eight transactions on a busy machine.
        var maturity = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 20_000;
        var id = (await OkAsync(grid, "/api/receivables/vouchers", new
        {
            supplier = "cable-co", faceFen = 100_000_00L, maturityAt = maturity, contract = "HT-API-" + Guid.NewGuid(), invoice = "INV-API-" + Guid.NewGuid(), minSplitFen = 10_000_00L,
        })).GetProperty("voucherId").GetString()!;
        var (wrong, refusal) = await SendAsync(meter.PostAsync($"/api/receivables/vouchers/{id}/accept", null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong);
        Assert.Contains("only the supplier the voucher was issued to", refusal.GetProperty("detail").GetString());
        await OkAsync(cable, $"/api/receivables/vouchers/{id}/accept");
        var parts = (await OkAsync(cable, $"/api/receivables/vouchers/{id}/split", new { amounts = new[] { 60_000_00L, 40_000_00L } }))
            .GetProperty("parts").EnumerateArray().Select(p => p.GetString()!).ToArray();
        await OkAsync(cable, $"/api/receivables/vouchers/{parts[1]}/transfer", new { to = "meter-co" });
        await OkAsync(meter, $"/api/receivables/vouchers/{parts[1]}/accept-transfer");
        var request = (await OkAsync(meter, $"/api/receivables/vouchers/{parts[1]}/financing", new { bank = "ccb-bank" })).GetProperty("requestId").GetString()!;
        var (_, queue) = await SendAsync(bank.GetAsync("/api/receivables/financing?status=Applied"));
        Assert.Contains(queue.EnumerateArray(), r => r.GetProperty("id").GetString() == request);
        await OkAsync(bank, $"/api/receivables/financing/{request}/quote", new { discountBps = 500, validUntil = maturity - 1 });
        var proceeds = (await OkAsync(meter, $"/api/receivables/financing/{request}/accept")).GetProperty("proceedsFen").GetInt64();
        // One day at 5 %: 40,000 yuan * 500 * 1 / 3,600,000 = 5.56 yuan discount.
        Assert.Equal(40_000_00L - 556, proceeds);
        Assert.Equal(before.meter + proceeds, Balance("meter-co"));
        Assert.Equal(before.bank - proceeds, Balance("ccb-bank"));

        // The lineage as the tier-2 holder sees it: the root and both parts, the financed one assigned to the bank.
        var (_, detail) = await SendAsync(meter.GetAsync($"/api/receivables/vouchers/{parts[1]}"));
        Assert.Equal([id, parts[0], parts[1]], detail.GetProperty("tree").EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToArray());
        Assert.Equal("ccb-bank", detail.GetProperty("voucher").GetProperty("financier").GetString());
        // grid-east defaulted on the demo's history voucher (ReceivablesSeed.History): BBB, from the base A.
        Assert.Equal("BBB", detail.GetProperty("issuerRating").GetProperty("grade").GetString());

        // Maturity passes; the job settles the root in one transaction; a second run finds nothing to do.
        var wait = maturity + 200 - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait));
        using (var scope = app.Services.CreateScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<MaturitySettlementJob>();
            await NudgeBlockAsync(grid);
            Assert.True(BlockTime >= maturity);
            Assert.True(await job.RunAsync(CancellationToken.None) >= 1);
            Assert.Equal(0, await job.RunAsync(CancellationToken.None));
        }
        Assert.Equal(before.grid - 100_000_00L, Balance("grid-east"));
        Assert.Equal(before.cable + 60_000_00L, Balance("cable-co"));
        Assert.Equal(before.meter + proceeds, Balance("meter-co"));
        Assert.Equal(before.bank - proceeds + 40_000_00L, Balance("ccb-bank"));
        var (_, reports) = await SendAsync(cable.GetAsync("/api/receivables/reports"));
        var report = reports.EnumerateArray().Single(r => r.GetProperty("rootId").GetString() == id);
        Assert.Equal((100_000_00L, 0L), (report.GetProperty("paidFen").GetInt64(), report.GetProperty("overdueFen").GetInt64()));
    }

    [Fact]
    public async Task The_demo_history_voucher_is_overdue_paid_in_part_to_its_supplier_and_the_job_leaves_it_alone()
    {
        // meter-co, the supplier, sees the voucher paid in part at maturity and the rest overdue; grid-east's rating shows the default.
        using var meter = await app.SignedInClientAsync("meter-co/operator");
        var (status, detail) = await SendAsync(meter.GetAsync($"/api/receivables/vouchers/{ReceivablesSeed.OverdueVoucher}"));
        Assert.Equal(HttpStatusCode.OK, status);
        var voucher = detail.GetProperty("voucher");
        var (face, paid, overdue) = (voucher.GetProperty("faceFen").GetInt64(), voucher.GetProperty("paidFen").GetInt64(), voucher.GetProperty("overdueFen").GetInt64());
        Assert.Equal(("Overdue", ReceivablesSeed.OverdueFaceFen), (voucher.GetProperty("status").GetString(), face));
        Assert.True(paid > 0 && overdue > 0 && paid + overdue == face, $"paid {paid} + overdue {overdue} != face {face}");
        Assert.Contains(detail.GetProperty("issuerRating").GetProperty("lines").EnumerateArray(), l => l.GetProperty("label").GetString() == "Settlement default");
        var (_, reports) = await SendAsync(meter.GetAsync("/api/receivables/reports"));
        var report = reports.EnumerateArray().Single(r => r.GetProperty("rootId").GetString() == ReceivablesSeed.OverdueVoucher);
        Assert.Equal((paid, overdue), (report.GetProperty("paidFen").GetInt64(), report.GetProperty("overdueFen").GetInt64()));
        var line = Assert.Single(report.GetProperty("lines").EnumerateArray());
        Assert.Equal(("meter-co", paid), (line.GetProperty("beneficiary").GetString(), line.GetProperty("paidFen").GetInt64()));

        // Settled once (with a report): the maturity job never picks it up again.
        using var scope = app.Services.CreateScope();
        var (due, _) = await scope.ServiceProvider.GetRequiredService<ReceivablesQueries>().DueForSettlementAsync();
        Assert.DoesNotContain(ReceivablesSeed.OverdueVoucher, due);
    }

    /// <summary>The job reads maturity against the latest block's time: commit a harmless transaction so one exists after maturity.</summary>
    private static async Task NudgeBlockAsync(HttpClient grid)
    {
        var (status, json) = await SendAsync(grid.PostAsJsonAsync("/api/receivables/vouchers/RV999999/accept", new { }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status); // refused, but committed in a block with the current time
        Assert.Contains("does not exist", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bad_input_and_refusals_are_problem_details_and_others_vouchers_are_not_found()
    {
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var (badView, _) = await SendAsync(grid.GetAsync("/api/receivables/vouchers?view=everything"));
        Assert.Equal(HttpStatusCode.BadRequest, badView);
        var (noInvoice, problem) = await SendAsync(grid.PostAsJsonAsync("/api/receivables/vouchers", new { supplier = "cable-co", faceFen = 100L, maturityAt = 0L, contract = "x", invoice = "" }));
        Assert.Equal(HttpStatusCode.BadRequest, noInvoice);
        Assert.Contains("invoice", problem.GetProperty("detail").GetString());
        using var cable = await app.SignedInClientAsync("cable-co/operator");
        var (issueBySupplier, refused) = await SendAsync(cable.PostAsJsonAsync("/api/receivables/vouchers",
            new { supplier = "meter-co", faceFen = 100L, maturityAt = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeMilliseconds(), contract = "c", invoice = "i-" + Guid.NewGuid() }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, issueBySupplier);
        Assert.Contains("only a GridCompany", refused.GetProperty("detail").GetString());
        Assert.Equal(64, refused.GetProperty("txId").GetString()!.Length);

        // The demo's big voucher: cable-co, meter-co and insul-co hold parts, ICBC financed one; steel-works is not in the chain.
        using var steel = await app.SignedInClientAsync("steel-works/operator");
        var (hidden, _) = await SendAsync(steel.GetAsync("/api/receivables/vouchers/RV000003"));
        Assert.Equal(HttpStatusCode.NotFound, hidden);
        using var regulator = await app.SignedInClientAsync("nea-reg/operator");
        var (seen, tree) = await SendAsync(regulator.GetAsync("/api/receivables/vouchers/RV000003"));
        Assert.Equal(HttpStatusCode.OK, seen);
        Assert.True(tree.GetProperty("tree").GetArrayLength() >= 6);
        // Three tiers of suppliers down one lineage: cable-co, meter-co, and insul-co, the supplier the seed voted in.
        var byId = tree.GetProperty("tree").EnumerateArray().ToDictionary(v => v.GetProperty("id").GetString()!, v => v);
        var lineage = new List<string>();
        string? Parent(string id) => byId[id].TryGetProperty("parentId", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        for (string? id = "RV000015"; id is not null; id = Parent(id))
            lineage.Insert(0, byId[id].GetProperty("holder").GetString()!);
        Assert.Equal(["cable-co", "meter-co", "insul-co"], lineage);
        Assert.Equal("grid-east", byId["RV000015"].GetProperty("issuer").GetString());
        var (_, financed) = await SendAsync(regulator.GetAsync("/api/receivables/vouchers?view=financed"));
        Assert.Contains(financed.GetProperty("items").EnumerateArray(), v => v.GetProperty("financier").GetString() == "icbc-bank");

        using var anonymous = app.Client();
        var (unauthenticated, _) = await SendAsync(anonymous.GetAsync("/api/receivables/vouchers"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated);
    }
}
