using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Receivables;
using ConsortiumPortal.Seed.Registry;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Contracts.Tests.Receivables;

/// <summary>
/// The demo's supply chain: every wave commits, three distinct supplier tiers (the third admitted by governance), vouchers
/// in every state as soon as it is seeded (the dated history settled one in full) and financing requests in every state; the dated history's
/// voucher matured while grid-east was short: paid in part to meter-co, the rest overdue and a settlement default.
/// </summary>
public sealed class ReceivablesSeedTests
{
    [Fact]
    public void The_demo_has_a_three_tier_chain_with_vouchers_in_every_state_and_settles_at_maturity()
    {
        var (demo, For) = Demo();
        using var chain = new TestChain(demo.Genesis, For, demo.NodeId) { StepMs = 5 };
        chain.CommitDemo(demo, For);

        var vouchers = chain.Vouchers();
        // Every state as soon as the demo is seeded: the history holds the settled and the overdue voucher.
        Assert.Equal(Enum.GetValues<VoucherStatus>().Order(), vouchers.Select(v => v.Status).Distinct().Order());
        var paidInFull = chain.Voucher(ReceivablesSeed.PaidVoucher);
        Assert.Equal((VoucherStatus.Settled, ReceivablesSeed.PaidSupplier, ReceivablesSeed.PaidFaceFen, ReceivablesSeed.PaidFaceFen, 0L),
            (paidInFull.Status, paidInFull.Holder, paidInFull.FaceFen, paidInFull.PaidFen, paidInFull.OverdueFen));
        Assert.Equal([("RF000001", FinancingStatus.Financed), ("RF000002", FinancingStatus.Quoted), ("RF000003", FinancingStatus.Withdrawn),
            ("RF000004", FinancingStatus.Declined), ("RF000005", FinancingStatus.Applied)], chain.Requests().Select(r => (r.Id, r.Status)));
        Assert.Equal(Enum.GetValues<FinancingStatus>().Order(), chain.Requests().Select(r => r.Status).Order());
        // Three tiers: grid-east -> cable-co -> meter-co -> insul-co, three distinct suppliers down one lineage.
        var tier3 = chain.Voucher("RV000015");
        Assert.Equal(("RV000003", "RV000010", DemoOnboarding.InsulCo, 2), (tier3.RootId, tier3.ParentId, tier3.Holder, tier3.Depth));
        var lineage = Lineage(chain, tier3).Select(v => v.Holder).ToList();
        Assert.Equal(["cable-co", "meter-co", DemoOnboarding.InsulCo], lineage);
        Assert.Equal(3, vouchers.Where(v => v.Children.Count == 0).Max(v => Lineage(chain, v).Select(p => p.Holder).Distinct().Count(h => h != v.Issuer)));
        Assert.Equal("RF000005", tier3.PendingFinancing);
        Assert.Equal(8_000_000_00L, vouchers.Where(v => v.RootId == "RV000003" && v.Children.Count == 0).Sum(v => v.FaceFen));
        Assert.Equal("icbc-bank", chain.Voucher("RV000009").Financier);

        // What the maturity job does twenty minutes after genesis.
        chain.Now = TestChain.GenesisTime + ReceivablesSeed.MaturesSoonMs;
        var balances = chain.Balances();
        TestChain.AssertOk(chain.CommitOne(chain.Tx(ReceivablesSeed.Core, ContractName, "settle", new SettleArgs(["RV000007", "RV000008"]))));
        Assert.Equal(balances["meter-co"] + 200_000_00 + 50_000_00, chain.Balance("meter-co"));
        Assert.Equal(balances["cable-co"] + 100_000_00, chain.Balance("cable-co"));
        Assert.Equal(balances["grid-east"] - 350_000_00, chain.Balance("grid-east"));
        Assert.Equal(Enum.GetValues<VoucherStatus>().Order(), chain.Vouchers().Select(v => v.Status).Distinct().Order());
    }

    [Fact]
    public void The_history_voucher_matured_while_grid_east_was_short_was_paid_in_part_and_is_overdue()
    {
        var (demo, For) = Demo();
        using var chain = new TestChain(demo.Genesis, For, demo.NodeId) { StepMs = 5 };
        var now = demo.SeedingTime;
        TxResult? settlement = null;
        long supplierBefore = 0, supplierAfter = 0, gridBefore = 0, gridAfter = 0;
        foreach (var wave in demo.Waves(For, chain.Ledger.Height))
        {
            // The overdue voucher's settlement (the history's other settlement paid its voucher in full a day earlier).
            var settles = wave.At == ReceivablesSeed.OverdueSettledAt(now);
            if (settles) (supplierBefore, gridBefore) = (chain.Balance(ReceivablesSeed.OverdueSupplier), chain.Balance("grid-east"));
            var results = chain.CommitWave(demo, wave);
            Assert.All(results.Zip(wave), r => Assert.True(r.First.Succeeded, $"{r.Second.Body.Method} by {r.Second.Body.Signer}: {r.First.Error}"));
            if (!settles) continue;
            Assert.Null(settlement);
            settlement = Assert.Single(results);
            (supplierAfter, gridAfter) = (chain.Balance(ReceivablesSeed.OverdueSupplier), chain.Balance("grid-east"));
        }

        // Paid in part: everything grid-east's account held, and the rest overdue.
        var v = chain.Voucher(ReceivablesSeed.OverdueVoucher);
        Assert.Equal((VoucherStatus.Overdue, ReceivablesSeed.OverdueSupplier, "grid-east", v.Id, ReceivablesSeed.OverdueFaceFen),
            (v.Status, v.Holder, v.Issuer, v.RootId, v.FaceFen));
        Assert.Equal(v.FaceFen, v.PaidFen + v.OverdueFen);
        Assert.True(v.PaidFen > 0 && v.OverdueFen > 0, $"paid {v.PaidFen}, overdue {v.OverdueFen}");
        Assert.Equal((ReceivablesSeed.OverdueMaturityAt(now), ReceivablesSeed.OverdueSettledAt(now)), (v.MaturityAt, v.SettledAt));
        Assert.Equal(gridBefore, v.PaidFen);
        Assert.Equal(0, gridAfter);

        // The supplier's receipt: the settlement transaction paid it the partial amount, and its balance shows it.
        Assert.NotNull(settlement);
        var settled = Assert.Single(settlement.Events, e => e.Name == "VouchersSettled").Data;
        Assert.Equal((v.Id, v.FaceFen, v.PaidFen, v.OverdueFen), (settled.GetProperty("rootId").GetString(), settled.GetProperty("dueFen").GetInt64(),
            settled.GetProperty("paidFen").GetInt64(), settled.GetProperty("overdueFen").GetInt64()));
        var paid = Assert.Single(settled.GetProperty("paid").EnumerateArray());
        Assert.Equal((ReceivablesSeed.OverdueSupplier, v.PaidFen), (paid.GetProperty("beneficiary").GetString(), paid.GetProperty("paidFen").GetInt64()));
        Assert.Equal(supplierBefore + v.PaidFen, supplierAfter);
        var report = chain.Report(v.Id)!;
        Assert.Equal([new SettlementLine(v.Id, ReceivablesSeed.OverdueSupplier, ReceivablesSeed.OverdueSupplier, v.FaceFen, v.PaidFen, v.OverdueFen)], report.Lines);

        // grid-east's rating records the default: its only credit event, BBB (from A) whatever the demo seed drew.
        var events = chain.Ledger.Store.Scan(CreditKeys.Events("grid-east")).Select(p => Json<CreditEvent>(p.Value)).ToList();
        var defaulted = Assert.Single(events);
        Assert.Equal((CreditEventKind.SettlementDefault, v.OverdueFen, $"receivable {v.Id} unpaid at maturity", ReceivablesSeed.OverdueSettledAt(now)),
            (defaulted.Kind, defaulted.Amount, defaulted.Reference, defaulted.At));
        var rating = Json<CreditRating>(chain.Ledger.Store.Get(CreditKeys.Rating("grid-east"))!);
        Assert.Equal((750 - 80 - v.OverdueFen / 100_000_00, "BBB"), (rating.Score, rating.Grade));

        // The loan refilled the account: after the whole seed grid-east can still pay the overdue part (a late payment).
        var gridNow = chain.Balance("grid-east");
        var supplierNow = chain.Balance(ReceivablesSeed.OverdueSupplier);
        TestChain.AssertOk(chain.CommitOne(chain.Tx(ReceivablesSeed.Core, ContractName, "payOverdue", new VoucherArgs(v.Id))));
        Assert.Equal((gridNow - v.OverdueFen, supplierNow + v.OverdueFen), (chain.Balance("grid-east"), chain.Balance(ReceivablesSeed.OverdueSupplier)));
        Assert.Equal((VoucherStatus.Settled, v.FaceFen, 0L), (chain.Voucher(v.Id).Status, chain.Voucher(v.Id).PaidFen, chain.Voucher(v.Id).OverdueFen));
    }

    /// <summary>The demo consortium, seeding at TestChain.GenesisTime, and its keys.</summary>
    private static (DemoConsortium Demo, Func<string, Sm2KeyPair> KeyFor) Demo()
    {
        var keys = new ConcurrentDictionary<string, Sm2KeyPair>(StringComparer.Ordinal);
        Sm2KeyPair For(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        return (new DemoConsortium(For, new ConsortiumNode("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:1", "http://127.0.0.1:2"), TestChain.GenesisTime), For);
    }

    private static T Json<T>(string json) => ConsortiumPortal.Chain.Encoding.CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>The voucher and its ancestors, root first.</summary>
    private static IEnumerable<Voucher> Lineage(TestChain chain, Voucher v)
    {
        var path = new List<Voucher> { v };
        while (path[^1].ParentId is { } parent) path.Add(chain.Voucher(parent));
        return Enumerable.Reverse(path);
    }
}
