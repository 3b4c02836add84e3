using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Receivables;
using ConsortiumPortal.Seed.Registry;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Contracts.Tests.Receivables;

/// <summary>
/// The demo's supply chain: every wave commits, three distinct supplier tiers (the third admitted by governance), vouchers
/// in every state but Overdue and financing requests in every state, and the soon-maturing ones settle.
/// </summary>
public sealed class ReceivablesSeedTests
{
    [Fact]
    public void The_demo_has_a_three_tier_chain_with_vouchers_in_every_state_and_settles_at_maturity()
    {
        var keys = new ConcurrentDictionary<string, Sm2KeyPair>(StringComparer.Ordinal);
        Sm2KeyPair For(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        var demo = new DemoConsortium(For, new ConsortiumNode("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:1", "http://127.0.0.1:2"), TestChain.GenesisTime);
        using var chain = new TestChain(demo.Genesis, For, demo.NodeId) { StepMs = 5 };
        chain.CommitDemo(demo, For);

        var vouchers = chain.Vouchers();
        var before = new[] { VoucherStatus.Pending, VoucherStatus.Active, VoucherStatus.Transferring, VoucherStatus.Financed, VoucherStatus.Split,
            VoucherStatus.Rejected, VoucherStatus.Cancelled };
        Assert.Equal(before.Order(), vouchers.Select(v => v.Status).Distinct().Order());
        Assert.Equal([("RF000001", FinancingStatus.Financed), ("RF000002", FinancingStatus.Quoted), ("RF000003", FinancingStatus.Withdrawn),
            ("RF000004", FinancingStatus.Declined), ("RF000005", FinancingStatus.Applied)], chain.Requests().Select(r => (r.Id, r.Status)));
        Assert.Equal(Enum.GetValues<FinancingStatus>().Order(), chain.Requests().Select(r => r.Status).Order());
        // Three tiers: grid-east -> cable-co -> meter-co -> insul-co, three distinct suppliers down one lineage.
        var tier3 = chain.Voucher("RV000013");
        Assert.Equal(("RV000001", "RV000008", DemoOnboarding.InsulCo, 2), (tier3.RootId, tier3.ParentId, tier3.Holder, tier3.Depth));
        var lineage = Lineage(chain, tier3).Select(v => v.Holder).ToList();
        Assert.Equal(["cable-co", "meter-co", DemoOnboarding.InsulCo], lineage);
        Assert.Equal(3, vouchers.Where(v => v.Children.Count == 0).Max(v => Lineage(chain, v).Select(p => p.Holder).Distinct().Count(h => h != v.Issuer)));
        Assert.Equal("RF000005", tier3.PendingFinancing);
        Assert.Equal(8_000_000_00L, vouchers.Where(v => v.RootId == "RV000001" && v.Children.Count == 0).Sum(v => v.FaceFen));
        Assert.Equal("icbc-bank", chain.Voucher("RV000007").Financier);

        // What the maturity job does twenty minutes after genesis.
        chain.Now = TestChain.GenesisTime + ReceivablesSeed.MaturesSoonMs;
        var balances = chain.Balances();
        TestChain.AssertOk(chain.CommitOne(chain.Tx(ReceivablesSeed.Core, ContractName, "settle", new SettleArgs(["RV000005", "RV000006"]))));
        Assert.Equal(balances["meter-co"] + 200_000_00 + 50_000_00, chain.Balance("meter-co"));
        Assert.Equal(balances["cable-co"] + 100_000_00, chain.Balance("cable-co"));
        Assert.Equal(balances["grid-east"] - 350_000_00, chain.Balance("grid-east"));
        Assert.Contains(chain.Vouchers(), v => v.Status == VoucherStatus.Settled);
    }

    /// <summary>The voucher and its ancestors, root first.</summary>
    private static IEnumerable<Voucher> Lineage(TestChain chain, Voucher v)
    {
        var path = new List<Voucher> { v };
        while (path[^1].ParentId is { } parent) path.Add(chain.Voucher(parent));
        return Enumerable.Reverse(path);
    }
}
