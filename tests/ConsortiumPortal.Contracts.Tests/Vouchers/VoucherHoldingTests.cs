using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Vouchers;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>Transfer, split, retirement and expiry: quantities conserved, provenance kept, finished ranges never move.</summary>
public sealed class VoucherHoldingTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void A_sub_range_transfer_closes_the_range_into_children_that_trace_to_the_issuance()
    {
        var range = _chain.IssueHour(0, 100);
        var result = _chain.CommitOne(_chain.TransferRange(WindOps, range.Id, 21, 41, "retail-one"));
        TestChain.AssertOk(result);
        var parent = _chain.Range(range.Id);
        Assert.Equal(RangeStatuses.Closed, parent.Status);
        var children = parent.Children!.Select(_chain.Range).ToList();
        Assert.Equal([(1L, 21L, "gen-wind"), (21L, 41L, "retail-one"), (41L, 101L, "gen-wind")], children.Select(c => (c.Start, c.End, c.Owner)));
        Assert.All(children, c => Assert.Equal((range.Id, range.IssuanceId), (c.ParentId, c.IssuanceId)));
        Assert.Equal(80, _chain.Held("gen-wind"));
        Assert.Equal(20, _chain.Held("retail-one"));
        Assert.DoesNotContain(_chain.HoldingsOf("gen-wind"), r => r.Id == range.Id);

        var split = _chain.CommitOne(_chain.SplitRange(WindOps, children[2].Id, 71));
        TestChain.AssertOk(split);
        Assert.Equal([(41L, 71L), (71L, 101L)], _chain.Range(children[2].Id).Children!.Select(_chain.Range).Select(c => (c.Start, c.End)));
    }

    [Fact]
    public void Only_the_holder_acting_for_its_business_moves_a_range_and_only_inside_it()
    {
        var range = _chain.IssueHour(0, 10);
        _chain.Refuse(_chain.TransferRange(RetailOne, range.Id, 1, 5, "retail-one"), "not held by retail-one");
        _chain.Refuse(_chain.TransferRange(WindAdmin, range.Id, 1, 5, "retail-one"), "acting for the organisation's business");
        _chain.Refuse(_chain.TransferRange(WindOps, range.Id, 0, 5, "retail-one"), "not a non-empty part");
        _chain.Refuse(_chain.TransferRange(WindOps, range.Id, 5, 12, "retail-one"), "not a non-empty part");
        _chain.Refuse(_chain.TransferRange(WindOps, range.Id, 5, 5, "retail-one"), "not a non-empty part");
        _chain.Refuse(_chain.TransferRange(WindOps, range.Id, 1, 5, "gen-wind"), "another organisation");
        _chain.Refuse(_chain.TransferRange(WindOps, range.Id, 1, 5, TestChain.NonMember), "not a member");
        _chain.Refuse(_chain.SplitRange(WindOps, range.Id, 1), "strictly inside");
        _chain.Refuse(_chain.TransferRange(WindOps, "M-NONE@2025060100-000001", 1, 5, "retail-one"), "does not exist");
    }

    [Fact]
    public void Retired_vouchers_never_move_again_and_count_toward_the_quota_of_the_retiring_entity()
    {
        var range = _chain.IssueHour(0, 50);
        var bought = Moved(_chain.CommitOne(_chain.TransferRange(WindOps, range.Id, 1, 31, "retail-one")));
        _chain.Refuse(_chain.RetireRange(WindOps, HoldingOf("gen-wind").Id, 31, 41), "only an obligated entity");
        _chain.Refuse(_chain.RetireRange(RetailOne, bought, 1, 11, year: 2024), "production year or a later one");
        _chain.Refuse(_chain.RetireRange(RetailOne, bought, 1, 11, reason: ""), "needs a reason");
        _chain.Refuse(_chain.RetireRange(RetailOne, bought, 1, 11, RetirementPurposes.Voluntary), "names its beneficiary");
        var retired = Moved(_chain.CommitOne(_chain.RetireRange(RetailOne, bought, 1, 11)));
        Assert.Equal(10, VoucherState.RetiredTotal(_chain.Ledger.Store, "retail-one", 2025, "total"));
        Assert.Equal(10, VoucherState.RetiredTotal(_chain.Ledger.Store, "retail-one", 2025, VoucherClasses.NonHydro));

        _chain.Refuse(_chain.TransferRange(RetailOne, retired, 1, 11, "retail-two"), "is retired");
        _chain.Refuse(_chain.RetireRange(RetailOne, retired, 1, 11), "is retired");
        _chain.Refuse(_chain.Sell(RetailOne, retired, 1, 11, 5_000), "is retired");
        _chain.Refuse(_chain.ProposeDeal(RetailOne, retired, 1, 11, "retail-two", 5_000), "is retired");
        _chain.Refuse(_chain.Expire(Issuer, retired), "is retired");

        // Voluntary retirement: anyone holding vouchers, any beneficiary; not counted toward a quota.
        var voluntary = Moved(_chain.CommitOne(_chain.RetireRange(WindOps, HoldingOf("gen-wind").Id, 31, 36, RetirementPurposes.Voluntary,
            beneficiary: "Expo 2025 green venue", reason: "green electricity claim")));
        Assert.Equal("Expo 2025 green venue", VoucherState.Read<VoucherRetirement>(_chain.Ledger.Store, VoucherState.RetirementKey(voluntary))!.Beneficiary);
        Assert.Equal(0, VoucherState.RetiredTotal(_chain.Ledger.Store, "gen-wind", 2025, "total"));
    }

    [Fact]
    public void Expired_ranges_are_refused_by_block_time_and_marked_by_the_expiry_transaction()
    {
        var range = _chain.IssueHour(0, 20);
        var listed = _chain.CommitOne(_chain.Sell(WindOps, range.Id, 11, 21, 3_000));
        TestChain.AssertOk(listed);
        var listedRange = _chain.Order(listed.Text("orderId")).RangeId!;
        var active = HoldingOf("gen-wind").Id;
        _chain.Refuse(_chain.Expire(Issuer, active), "has not expired");

        _chain.Now = VoucherState.StartOfYear(2027); // the end of 2026, the year after production
        _chain.Refuse(_chain.TransferRange(WindOps, active, 1, 5, "retail-one"), "expired at");
        _chain.Refuse(_chain.RetireRange(WindOps, active, 1, 5, RetirementPurposes.Voluntary, beneficiary: "x"), "expired at");
        _chain.Fund("retail-one", 1_000_000);
        var buy = _chain.CommitOne(_chain.Buy(RetailOne, 10, 3_000));
        TestChain.AssertOk(buy);
        Assert.Equal(0, buy.Number("filled")); // the expired offer left the book instead of filling
        Assert.Equal(OrderStatuses.Cancelled, _chain.Order(listed.Text("orderId")).Status);

        _chain.Refuse(_chain.Expire(WindOps, active), "only a TradingCenter");
        TestChain.AssertOk(_chain.CommitOne(_chain.Expire(Issuer, active, listedRange)));
        Assert.Equal(20, _chain.Held("gen-wind", RangeStatuses.Expired));
        Assert.Empty(_chain.Ledger.Store.Scan(VoucherState.ExpiryPrefix));
        _chain.Refuse(_chain.Expire(Issuer, active), "is expired");
    }

    [Fact]
    public void An_open_sell_order_is_an_open_obligation_of_the_seller_until_it_is_cancelled()
    {
        var range = _chain.IssueHour(0, 20);
        var orderId = _chain.CommitOne(_chain.Sell(WindOps, range.Id, 1, 21, 3_000)).Text("orderId");
        Assert.True(_chain.Ledger.Store.Get(OpenObligations.Key("gen-wind", VoucherContract.OrderObligation, orderId)) is not null);
        _chain.Refuse(_chain.TransferRange(WindOps, _chain.Order(orderId).RangeId!, 1, 5, "retail-one"), "is listed");
        _chain.Refuse(_chain.CancelOrder(RetailOne, orderId), "only the organisation that placed");
        TestChain.AssertOk(_chain.CommitOne(_chain.CancelOrder(WindOps, orderId)));
        Assert.Null(_chain.Ledger.Store.Get(OpenObligations.Key("gen-wind", VoucherContract.OrderObligation, orderId)));
        Assert.Equal(20, _chain.Held("gen-wind"));
        _chain.Refuse(_chain.CancelOrder(WindOps, orderId), "is cancelled");
    }

    private VoucherRange HoldingOf(string organisation) => _chain.HoldingsOf(organisation).Single(r => r.Status == RangeStatuses.Active);

    private static string Moved(Chain.Model.TxResult result)
    {
        TestChain.AssertOk(result);
        return result.Text("rangeId");
    }
}
