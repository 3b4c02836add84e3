using System.Diagnostics;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Tests.Metering;
using Xunit.Abstractions;
using static ConsortiumPortal.Contracts.Tests.Insurance.InsuranceTestChain;

namespace ConsortiumPortal.Contracts.Tests.Insurance;

/// <summary>
/// One feeder outage hitting every policy on a feeder, evaluated page by page (evaluateOutage with nextCursor) and paid.
/// By default 200 policies (a correctness check of the paging at scale); with INSURANCE_BENCH=1, 10,000 policies on
/// 2,000 meters, and the timing goes to the test output (docs/benchmarks.md records it).
/// </summary>
public sealed class OutageBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void One_outage_affecting_every_policy_on_a_feeder_is_evaluated_in_pages_and_each_policy_paid_once()
    {
        var full = Environment.GetEnvironmentVariable("INSURANCE_BENCH") == "1";
        var (meters, perMeter) = full ? (2_000, 5) : (40, 5);
        using var chain = Create();
        chain.StepMs = 1;
        var setup = Stopwatch.StartNew();
        Assert.All(chain.Commit(chain.Deposit(Teller, "steel-works", 200_000_000), chain.Deposit(Teller, "pic-insure", 300_000_000)), TestChain.AssertOk);
        TestChain.AssertOk(chain.CommitOne(chain.Publish(Underwriter, "bench", Hourly(threshold: 60, deductible: 30, ratePerHour: 10_000))));
        var meterIds = Enumerable.Range(0, meters).Select(i => $"B-{i:D5}").ToList();
        foreach (var batch in meterIds.Chunk(1_000))
            Assert.All(chain.Commit([.. batch.Select(id => chain.Register(Grid, id, "steel-works", MeterTypes.Consumption, null, 4_000_000, "F-BENCH"))]), TestChain.AssertOk);
        var policyIds = meterIds.SelectMany(m => Enumerable.Range(0, perMeter).Select(k => (Meter: m, Policy: $"b-{m[2..]}-{k}"))).ToList();
        foreach (var step in new Func<(string Meter, string Policy), ConsortiumPortal.Chain.Model.SignedTransaction>[]
                 {
                     p => chain.Apply(SteelBuyer, p.Policy, "bench", p.Meter, G + Hour, G + 30 * Day),
                     p => chain.Policy(SteelBuyer, "payPremium", p.Policy),
                     p => chain.Activate(Underwriter, p.Policy),
                 })
            foreach (var batch in policyIds.Chunk(1_000))
                Assert.All(chain.Commit([.. batch.Select(step)]), TestChain.AssertOk);
        chain.Outage("storm", G + 2 * Hour, G + 5 * Hour, feeder: "F-BENCH");
        setup.Stop();

        var holder = chain.Balance("steel-works");
        var evaluation = Stopwatch.StartNew();
        string? cursor = null;
        var pages = 0;
        long paid = 0;
        do
        {
            var page = chain.EvaluateOk("storm", cursor, InsuranceContract.MaxPage);
            paid += page.Long("paid");
            cursor = page.Output!.Value.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);
        evaluation.Stop();

        Assert.Equal(policyIds.Count, paid);
        Assert.Equal(holder + policyIds.Count * 25_000L, chain.Balance("steel-works"));
        Assert.Equal(policyIds.Count, chain.Ledger.Store.Scan(InsuranceState.OutageClaimsPrefix("storm")).Count());
        Assert.Equal((policyIds.Count + InsuranceContract.MaxPage - 1) / InsuranceContract.MaxPage, pages);

        var replay = chain.EvaluateOk("storm", null, InsuranceContract.MaxPage);
        Assert.Equal(0, replay.Long("paid"));
        Assert.Equal(holder + policyIds.Count * 25_000L, chain.Balance("steel-works"));

        output.WriteLine($"insurance benchmark: {policyIds.Count} policies on {meters} meters, one feeder outage: setup {setup.Elapsed.TotalSeconds:F1} s; " +
                         $"evaluated and paid in {pages} transactions of up to {InsuranceContract.MaxPage} in {evaluation.Elapsed.TotalSeconds:F2} s " +
                         $"({policyIds.Count / evaluation.Elapsed.TotalSeconds:F0} policies/s)");
    }
}
