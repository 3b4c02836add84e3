using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Vouchers;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>The demo vouchers commit through a real ledger: a year of issuance, deals, orders, quota and retirements.</summary>
public sealed class VoucherSeedTests
{
    [Fact]
    public void The_demo_issues_a_year_trades_and_retires_across_provinces()
    {
        var keys = new System.Collections.Concurrent.ConcurrentDictionary<string, Chain.Crypto.Sm2KeyPair>();
        Chain.Crypto.Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => Chain.Crypto.Sm2.Generate());
        var consortium = new DemoConsortium(KeyFor, new Chain.Membership.ConsortiumNode("node-1", "grid-east", "", "127.0.0.1:1", "http://127.0.0.1:2"), TestChain.GenesisTime);
        using var chain = new TestChain(consortium.Genesis, KeyFor, "node-1");
        chain.CommitDemo(consortium, KeyFor);

        var issuances = chain.Issuances();
        Assert.Equal(VoucherSeed.Plan(TestChain.GenesisTime, new Bogus.Randomizer(1)).Count, issuances.Count);
        Assert.True(issuances.Count >= 50 * VoucherSeed.Generators.Count);
        Assert.Equal(["jiangsu", "zhejiang"], issuances.Select(i => i.Province).Distinct().Order());
        Assert.True(issuances.Max(i => i.PeriodStart) - issuances.Min(i => i.PeriodStart) >= 49L * 7 * 24 * 3_600_000, "about a year of production");
        Assert.True(chain.Trades().Count >= VoucherSeed.Weeks / 2, "deals and order fills");
        var model = new VoucherReadModel(chain.Ledger.Store);
        var quota = model.Quota(2026);
        Assert.Equal(["data-park", "retail-one", "steel-works"], quota.Select(q => q.OrganisationId).Order());
        Assert.All(quota, q => Assert.True(VoucherState.RetiredTotal(chain.Ledger.Store, q.OrganisationId, 2026, "total") > 0));
        Assert.NotEmpty(model.Book().Asks);
        Assert.NotEmpty(model.Book().Bids);
        Assert.Contains("retired", model.Trace(issuances[1].FirstSerial)!.Steps.Select(s => s.Kind).Concat(model.Trace(issuances[0].FirstSerial)!.Steps.Select(s => s.Kind)).Concat(
            issuances.SelectMany(i => model.Trace(i.FirstSerial)!.Steps).Select(s => s.Kind)));
    }
}
