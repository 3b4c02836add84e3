using ConsortiumPortal.Contracts.Vouchers;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>Continuous matching with price-time priority, delivery versus payment, bilateral deals and the province rule.</summary>
public sealed class VoucherExchangeTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public VoucherExchangeTests()
    {
        _chain.Fund("retail-one", 10_000_000);
        _chain.Fund("retail-two", 10_000_000);
    }

    public void Dispose() => _chain.Dispose();

    private string SellOk(string signer, string rangeId, long start, long end, long price)
    {
        var result = _chain.CommitOne(_chain.Sell(signer, rangeId, start, end, price));
        TestChain.AssertOk(result);
        return result.Text("orderId");
    }

    [Fact]
    public void A_buy_order_fills_the_cheapest_offers_first_and_the_earlier_at_the_same_price_at_the_offer_price()
    {
        var wind = _chain.IssueHour(0, 100);
        var hydro = _chain.IssueHour(0, 100, HydroMeter);
        var first = SellOk(WindOps, wind.Id, 1, 31, 5_000);                 // 30 @ 50 yuan
        var cheaper = SellOk(HydroOps, hydro.Id, 101, 121, 4_000);          // 20 @ 40 yuan
        var later = SellOk(WindOps, _chain.HoldingsOf("gen-wind").Single(r => r.Status == RangeStatuses.Active).Id, 31, 61, 5_000); // 30 @ 50, later

        var result = _chain.CommitOne(_chain.Buy(RetailOne, 40, 5_500));
        TestChain.AssertOk(result);
        Assert.Equal(40, result.Number("filled"));
        var trades = _chain.Trades();
        Assert.Equal([(cheaper, 20L, 4_000L), (first, 20L, 5_000L)], trades.Select(t => (t.SellOrderId!, t.Quantity, t.PriceFen)));
        Assert.Equal(10_000_000 - 20 * 4_000 - 20 * 5_000, _chain.Balance("retail-one"));
        Assert.Equal(20 * 5_000, _chain.Balance("gen-wind"));
        Assert.Equal(20 * 4_000, _chain.Balance("gen-hydro"));
        Assert.Equal(40, _chain.Held("retail-one"));
        Assert.Equal(10, _chain.Order(first).Remaining);
        Assert.Equal(30, _chain.Order(later).Remaining);
        Assert.Equal(OrderStatuses.Filled, _chain.Order(cheaper).Status);
        // The buyer's serials are the lowest of each offer: [101,121) and [1,21).
        Assert.Equal([(1L, 21L), (101L, 121L)], _chain.HoldingsOf("retail-one").Select(r => (r.Start, r.End)).OrderBy(x => x.Item1));
    }

    [Fact]
    public void A_sell_order_fills_the_highest_bids_first_and_a_bid_that_cannot_pay_is_cancelled()
    {
        var wind = _chain.IssueHour(0, 100);
        var low = _chain.CommitOne(_chain.Buy(RetailOne, 10, 4_000)).Text("orderId");
        var high = _chain.CommitOne(_chain.Buy(RetailTwo, 10, 6_000, VoucherClasses.NonHydro)).Text("orderId");
        var hydroOnly = _chain.CommitOne(_chain.Buy(RetailTwo, 10, 9_000, VoucherClasses.Hydro)).Text("orderId");
        // retail-one spends its money elsewhere: its resting bid can no longer pay when a seller reaches it.
        TestChain.AssertOk(_chain.CommitOne(_chain.Transfer("retail-one/trader", "retail-two", 10_000_000 - 1)));

        var result = _chain.CommitOne(_chain.Sell(WindOps, wind.Id, 1, 31, 3_000));
        TestChain.AssertOk(result);
        Assert.Equal(10, result.Number("filled"));
        Assert.Equal([(high, 10L, 6_000L)], _chain.Trades().Select(t => (t.BuyOrderId!, t.Quantity, t.PriceFen)));
        Assert.Equal(OrderStatuses.Cancelled, _chain.Order(low).Status);
        Assert.Equal(OrderStatuses.Open, _chain.Order(hydroOnly).Status); // wrong class, untouched
        Assert.Equal(20, _chain.Order(result.Text("orderId")).Remaining);
    }

    [Fact]
    public void A_buy_order_needs_the_money_for_its_whole_quantity_at_its_limit()
    {
        _chain.Refuse(_chain.Buy(RetailOne, 2_001, 5_000), "insufficient funds for the order");
        _chain.Refuse(_chain.Buy(RetailOne, 10, 0), "price must be");
        _chain.Refuse(_chain.Buy(RetailOne, 0, 5_000), "quantity must be");
        _chain.Refuse(_chain.Buy(RetailOne, 10, 5_000, "coal"), "class is");
    }

    [Fact]
    public void A_deal_moves_the_vouchers_only_with_the_money_and_only_the_named_buyer_accepts()
    {
        var wind = _chain.IssueHour(0, 50);
        var proposed = _chain.CommitOne(_chain.ProposeDeal(WindOps, wind.Id, 1, 51, "retail-one", 5_000));
        TestChain.AssertOk(proposed);
        var deal = proposed.Text("dealId");
        _chain.Refuse(_chain.AcceptDeal(RetailTwo, deal), "only the named buyer");
        TestChain.AssertOk(_chain.CommitOne(_chain.Transfer("retail-one/trader", "retail-two", 10_000_000 - 100)));
        _chain.Refuse(_chain.AcceptDeal(RetailOne, deal), "insufficient funds");
        Assert.Equal(50, _chain.Held("gen-wind", RangeStatuses.Listed));

        _chain.Fund("retail-one", 250_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.AcceptDeal(RetailOne, deal)));
        Assert.Equal(50, _chain.Held("retail-one"));
        Assert.Equal(250_000, _chain.Balance("gen-wind"));
        _chain.Refuse(_chain.AcceptDeal(RetailOne, deal), "is accepted");
    }

    [Fact]
    public void A_declined_deal_unlocks_the_range()
    {
        var wind = _chain.IssueHour(0, 50);
        var deal = _chain.CommitOne(_chain.ProposeDeal(WindOps, wind.Id, 1, 21, "retail-one", 5_000)).Text("dealId");
        TestChain.AssertOk(_chain.CommitOne(_chain.CloseDeal(RetailOne, deal)));
        Assert.Equal(50, _chain.Held("gen-wind"));
        _chain.Refuse(_chain.AcceptDeal(RetailOne, deal), "is declined");
    }

    [Fact]
    public void An_entity_below_its_provincial_minimum_buys_only_vouchers_of_its_own_province()
    {
        // retail-one consumes in Jiangsu; Jiangsu's 2026 minimum is 25% total; it has 10% renewable: below.
        TestChain.AssertOk(_chain.CommitOne(_chain.SetPolicy("jiangsu", 2026, 2_500, 1_000)));
        TestChain.AssertOk(_chain.CommitOne(_chain.ReportConsumption("retail-one", 2026, "jiangsu", 1_000, renewable: 100)));
        var hydro = _chain.IssueHour(0, 50, HydroMeter); // Sichuan
        var wind = _chain.IssueHour(0, 50);               // Jiangsu
        var deal = _chain.CommitOne(_chain.ProposeDeal(HydroOps, hydro.Id, hydro.Start, hydro.Start + 20, "retail-one", 5_000)).Text("dealId");
        _chain.Refuse(_chain.AcceptDeal(RetailOne, deal), "may buy only vouchers of its own province, not sichuan");

        var rest = _chain.HoldingsOf("gen-hydro").Single(r => r.Status == RangeStatuses.Active);
        SellOk(HydroOps, rest.Id, rest.Start, rest.Start + 10, 1_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Sell(WindOps, wind.Id, wind.Start, wind.Start + 10, 6_000)));
        var buy = _chain.CommitOne(_chain.Buy(RetailOne, 10, 7_000));
        TestChain.AssertOk(buy);
        Assert.Equal("jiangsu", Assert.Single(_chain.Trades()).Province); // the cheaper Sichuan offer was passed over

        // retail-two has no quota shortfall on record: it may buy across provinces.
        TestChain.AssertOk(_chain.CommitOne(_chain.Buy(RetailTwo, 10, 1_000)));
        Assert.Equal("sichuan", _chain.Trades()[^1].Province);
    }

    [Fact]
    public void Only_the_regulator_sets_weights_and_only_a_grid_company_or_the_regulator_reports_consumption()
    {
        _chain.Refuse(_chain.SetPolicy("jiangsu", 2026, 2_500, 1_000, signer: Issuer), "only a Regulator");
        _chain.Refuse(_chain.SetPolicy("atlantis", 2026, 2_500, 1_000), "unknown province");
        _chain.Refuse(_chain.SetPolicy("jiangsu", 2026, 2_500, 3_000), "part of the total weight");
        _chain.Refuse(_chain.ReportConsumption("retail-one", 2026, "jiangsu", 1_000, signer: RetailOne), "only a GridCompany or the Regulator");
        _chain.Refuse(_chain.ReportConsumption("retail-one", 2026, "jiangsu", 1_000, renewable: 2_000), "renewable <= consumption");
        _chain.Refuse(_chain.ReportConsumption("retail-one", 2026, "jiangsu", 1_000, exempt: 1_000), "exempt load is less");
    }
}
