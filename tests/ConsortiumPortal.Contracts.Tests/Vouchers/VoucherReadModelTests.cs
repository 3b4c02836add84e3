using ConsortiumPortal.Contracts.Vouchers;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>The read side: a serial's whole history, paged holdings, depth, quota report, expiry due list.</summary>
public sealed class VoucherReadModelTests : IDisposable
{
    private readonly TestChain _chain = Create();
    private VoucherReadModel Model => new(_chain.Ledger.Store);

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void A_serial_traces_through_issuance_split_listing_trade_transfer_and_retirement()
    {
        _chain.Fund("retail-one", 1_000_000);
        var range = _chain.IssueHour(0, 100);
        TestChain.AssertOk(_chain.CommitOne(_chain.SplitRange(WindOps, range.Id, 51)));
        var low = _chain.HoldingsOf("gen-wind").Single(r => r.Start == 1);
        TestChain.AssertOk(_chain.CommitOne(_chain.Sell(WindOps, low.Id, 1, 51, 4_000)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Buy(RetailOne, 30, 4_000)));
        var bought = _chain.HoldingsOf("retail-one").Single();
        TestChain.AssertOk(_chain.CommitOne(_chain.TransferRange(RetailOne, bought.Id, 11, 31, "retail-two")));
        var atTwo = _chain.HoldingsOf("retail-two").Single();
        TestChain.AssertOk(_chain.CommitOne(_chain.RetireRange(RetailTwo, atTwo.Id, 11, 21)));

        var trace = Model.Trace(15)!;
        Assert.Equal("GV000000000000015", trace.Code);
        Assert.Equal(["issued", "split", "listed", "trade", "transfer", "retired"], trace.Steps.Select(s => s.Kind));
        Assert.Equal(["gen-wind", "gen-wind", "gen-wind", "retail-one", "retail-two", "retail-two"], trace.Steps.Select(s => s.Owner));
        Assert.Contains("4000 fen/MWh", trace.Steps[3].Detail);
        Assert.Equal("gen-wind", trace.Steps[3].Counterparty);
        Assert.Equal((RangeStatuses.Retired, "retail-two"), (trace.CurrentStatus, trace.CurrentOwner));
        Assert.All(trace.Steps, s => Assert.NotNull(_chain.Ledger.Store.GetTransaction(s.TxId)));

        Assert.Equal(["issued", "split"], Model.Trace(60)!.Steps.Select(s => s.Kind));
        Assert.Null(Model.Trace(101));
        Assert.Null(Model.Trace(0));
    }

    [Fact]
    public void Holdings_are_paged_filtered_and_sorted_in_the_database()
    {
        for (var h = 0; h < 7; h++) _chain.IssueHour(h, 10 + h, h % 2 == 0 ? WindMeter : WindMeter);
        var page = Model.Holdings(new HoldingQuery("gen-wind", SortBy: "quantity", Descending: true, Skip: 2, Take: 3));
        Assert.Equal(7, page.Total);
        Assert.Equal([14L, 13L, 12L], page.Items.Select(i => i.End - i.Start));
        Assert.Equal(0, Model.Holdings(new HoldingQuery("gen-wind", Status: RangeStatuses.Retired)).Total);
        Assert.Equal(0, Model.Holdings(new HoldingQuery("gen-win")).Total); // a prefix of another owner is not that owner
        Assert.Equal(7 * 10 + 21, Model.HoldingTotals("gen-wind")[RangeStatuses.Active]);
    }

    [Fact]
    public void The_book_aggregates_levels_and_the_expiry_list_names_ranges_past_expiry()
    {
        var range = _chain.IssueHour(0, 30);
        TestChain.AssertOk(_chain.CommitOne(_chain.Sell(WindOps, range.Id, 1, 11, 5_000)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Sell(WindOps, _chain.HoldingsOf("gen-wind").Single(r => r.Status == RangeStatuses.Active).Id, 11, 21, 5_000)));
        _chain.Fund("retail-one", 1_000_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Buy(RetailOne, 5, 4_000)));
        var book = Model.Book();
        Assert.Equal([new DepthLevel(5_000, 20, 2)], book.Asks);
        Assert.Equal([new DepthLevel(4_000, 5, 1)], book.Bids);
        Assert.Empty(Model.DueForExpiry(_chain.Now, 10));
        Assert.Equal(3, Model.DueForExpiry(VoucherState.StartOfYear(2027), 10).Count);
    }
}
