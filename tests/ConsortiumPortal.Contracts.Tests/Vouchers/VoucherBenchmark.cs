using System.Diagnostics;
using System.Globalization;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Vouchers;
using Xunit.Abstractions;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>
/// The vouchers benchmark (docs/benchmarks.md): 1,000,000 MWh in 10,000 ranges held by 1,000 accounts, built through real
/// signed transactions; then p95 of the holdings page query and of the serial trace, and order matching throughput.
/// Runs only with VOUCHER_BENCH=1 (it takes minutes); without it the test checks the same path on a small scale.
/// </summary>
public sealed class VoucherBenchmark(ITestOutputHelper output)
{
    [Fact]
    public void Holdings_and_trace_queries_and_matching_throughput()
    {
        var full = Environment.GetEnvironmentVariable("VOUCHER_BENCH") == "1";
        var (accounts, ranges, queries) = full ? (1_000, 10_000, 2_000) : (20, 60, 50);
        const long mwhPerRange = 100;

        var orgs = new List<OrgSpec>
        {
            new("px-center", Roles.TradingCenter), new("grid-east", Roles.GridCompany), new("gen-wind", Roles.Generator), new("bank-a", Roles.Bank),
        };
        var accountIds = Enumerable.Range(0, accounts).Select(i => $"acct-{i:D4}").ToList();
        orgs.AddRange(accountIds.Select(a => new OrgSpec(a, Roles.Retailer)));
        using var chain = new TestChain([.. orgs]);
        var meters = Enumerable.Range(0, (ranges + 7_999) / 8_000).Select(i => $"M-BENCH-{i}").ToList();
        chain.CommitOne(chain.IssueCertificate("px-center", "px-center/issuer", [Roles.TradingCenter]));
        chain.CommitOne(chain.IssueCertificate("grid-east", "grid-east/reader", [Roles.GridCompany]));
        foreach (var m in meters)
            TestChain.AssertOk(chain.CommitOne(chain.Tx("grid-east/reader", MeteringContract.ContractName, "registerMeter", new MeteringContract.RegisterMeterArgs(
                m, "gen-wind", "site", MeterTypes.Generation, MeterTechnologies.Wind, 100_000_000, "jiangsu", "bench", "F-1"))));

        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var build = Stopwatch.StartNew();
        var issue = Enumerable.Range(0, ranges).AsParallel().AsOrdered().Select(i =>
        {
            var hour = start + (i % 8_000) * VoucherContract.HourMs;
            return chain.Tx("px-center/issuer", VoucherContract.ContractName, "issueFromSettlement",
                new VoucherContract.IssueFromSettlementArgs(meters[i / 8_000], hour, hour + VoucherContract.HourMs, mwhPerRange * VoucherContract.WhPerMWh, VoucherTestChain.FileSm3));
        }).ToList();
        CommitAll(chain, issue);
        // Issuance i is named by its meter and hour; moving its range "-000001" whole to account i % accounts creates "-000002".
        var transfers = Enumerable.Range(0, ranges).AsParallel().AsOrdered().Select(i =>
        {
            var first = i * mwhPerRange + 1;
            var hour = start + (i % 8_000) * VoucherContract.HourMs;
            return chain.Tx("gen-wind", VoucherContract.ContractName, "transfer",
                new VoucherContract.TransferArgs(VoucherState.RangeId(VoucherState.IssuanceId(meters[i / 8_000], hour), 1), first, first + mwhPerRange, accountIds[i % accounts]));
        }).ToList();
        CommitAll(chain, transfers);
        build.Stop();

        var model = new VoucherReadModel(chain.Ledger.Store);
        Assert.Equal(ranges / accounts, model.Holdings(new HoldingQuery(accountIds[0])).Total);
        var random = new Random(7);
        var holdings = Measure(queries, () => model.Holdings(new HoldingQuery(accountIds[random.Next(accounts)], Take: 25, SortBy: "expiresAt")));
        var trace = Measure(queries, () => Assert.NotNull(model.Trace(1 + random.NextInt64(ranges * mwhPerRange))));

        // Matching: every account offers 10 MWh at one of 50 prices; then 1,000 buyers each take 10 MWh across the book.
        var orders = Math.Min(accounts, 1_000);
        var sells = Enumerable.Range(0, orders).AsParallel().AsOrdered().Select(i =>
        {
            var range = model.Holdings(new HoldingQuery(accountIds[i], Take: 1)).Items[0];
            return chain.Tx(accountIds[i], VoucherContract.ContractName, "placeSell", new VoucherContract.PlaceSellArgs(range.RangeId, range.Start, range.Start + 10, 4_000 + (i % 50) * 10));
        }).ToList();
        var deposits = accountIds.Take(orders).Select(a => chain.Deposit("bank-a", a, 10 * 5_000)).ToArray();
        CommitAll(chain, deposits);
        var buys = Enumerable.Range(0, orders).AsParallel().AsOrdered().Select(i =>
            chain.Tx(accountIds[(i + 1) % orders], VoucherContract.ContractName, "placeBuy", new VoucherContract.PlaceBuyArgs(10, 5_000, null))).ToList();
        var match = Stopwatch.StartNew();
        CommitAll(chain, sells);
        CommitAll(chain, buys);
        match.Stop();
        var trades = model.Trades(null, 0, 1).Total;
        Assert.True(trades >= orders, $"{trades} trades for {orders} crossing buy orders");
        var ordersPerSecond = 2 * orders / match.Elapsed.TotalSeconds;

        var report = string.Create(CultureInfo.InvariantCulture,
            $"{ranges * mwhPerRange:N0} MWh in {ranges:N0} ranges, {accounts:N0} accounts; built in {build.Elapsed.TotalSeconds:F1} s\n" +
            $"holdings page (25, sorted by expiry): p50 {holdings.P50:F2} ms, p95 {holdings.P95:F2} ms over {queries} queries\n" +
            $"serial trace: p50 {trace.P50:F2} ms, p95 {trace.P95:F2} ms over {queries} queries\n" +
            $"matching: {2 * orders} orders ({orders} resting sells, {orders} crossing buys, {trades} trades) in {match.Elapsed.TotalSeconds:F2} s = {ordersPerSecond:F0} orders/s");
        output.WriteLine(report);
        if (full)
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "voucher-bench.txt"), report);
            Assert.True(holdings.P95 < 150, $"holdings p95 {holdings.P95:F1} ms");
            Assert.True(trace.P95 < 150, $"trace p95 {trace.P95:F1} ms");
        }
    }

    private static void CommitAll(TestChain chain, IReadOnlyList<SignedTransaction> txs)
    {
        foreach (var block in txs.Chunk(500))
            foreach (var result in chain.CommitWithoutAdmission(block)) TestChain.AssertOk(result);
    }

    private static (double P50, double P95) Measure(int count, Action query)
    {
        for (var i = 0; i < 20; i++) query(); // warm-up
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var sw = Stopwatch.StartNew();
            query();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[count / 2], times[(int)(count * 0.95)]);
    }
}
