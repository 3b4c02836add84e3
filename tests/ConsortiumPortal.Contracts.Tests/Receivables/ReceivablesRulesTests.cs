using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Contracts.Registry;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;
using static ConsortiumPortal.Contracts.Tests.Receivables.ReceivablesChain;

namespace ConsortiumPortal.Contracts.Tests.Receivables;

/// <summary>Each rule of the receivables contract, and a refusal (failed, state unchanged) for every way around it.</summary>
public sealed class ReceivablesRulesTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public ReceivablesRulesTests()
    {
        _chain.Commit(_chain.Deposit(BankA, Grid, 100_000_000), _chain.Deposit(BankA, BankA, 2_000_000_000), _chain.Deposit(BankB, BankB, 100_000_000));
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Issue_then_accept_makes_an_active_voucher_and_an_open_obligation_of_the_issuer()
    {
        var id = _chain.Ok<IdResult>(_chain.IssueTx(Tier1, 1_000_000, minSplit: 100_000)).VoucherId;
        Assert.Equal(VoucherStatus.Pending, _chain.Voucher(id).Status);
        _chain.Ok(_chain.R(Tier1, "acceptIssue", new VoucherArgs(id)));
        var v = _chain.Voucher(id);
        Assert.Equal((VoucherStatus.Active, Tier1, Grid, 1_000_000L, 100_000L), (v.Status, v.Holder, v.Issuer, v.FaceFen, v.MinSplitFen));
        Assert.True(_chain.Ledger.Store.Get(OpenObligations.Key(Grid, ObligationKind, id)) is not null);
    }

    [Fact]
    public void Issue_is_refused_to_non_grid_companies_non_suppliers_bad_hashes_past_maturity_and_a_reused_invoice()
    {
        _chain.Refuse(_chain.IssueTx(Tier1, 1_000, signer: Tier2), "only a GridCompany");
        _chain.Refuse(_chain.IssueTx("gen-one", 1_000), "is not a supplier");
        _chain.Refuse(_chain.IssueTx(TestChain.NonMember, 1_000), "is not a member");
        _chain.Refuse(_chain.IssueTx(Tier1, 0), "face amount must be a positive");
        _chain.Refuse(_chain.IssueTx(Tier1, 1_000, maturityAt: _chain.Now - 1), "maturity must be in the future");
        _chain.Refuse(_chain.IssueTx(Tier1, 1_000, maturityAt: _chain.Now + 4 * 366 * Day), "three years");
        _chain.Refuse(_chain.IssueTx(Tier1, 1_000, minSplit: 1_001), "minimum split amount");
        _chain.Refuse(_chain.R(Grid, "issue", new IssueArgs(Tier1, 1_000, _chain.Now + Day, "ABC", Hash("i"), 0, "")), "SM3 hash");
        _chain.Ok(_chain.IssueTx(Tier1, 1_000, invoice: "INV-1"));
        _chain.Refuse(_chain.IssueTx(Tier2, 2_000, invoice: "INV-1"), "already backs a voucher");
    }

    [Fact]
    public void Acceptance_by_the_wrong_organisation_is_refused_and_an_accepted_voucher_cannot_be_revoked()
    {
        var id = _chain.Ok<IdResult>(_chain.IssueTx(Tier1, 1_000)).VoucherId;
        _chain.Refuse(_chain.R(Tier2, "acceptIssue", new VoucherArgs(id)), "only the supplier the voucher was issued to");
        _chain.Refuse(_chain.R(Grid, "acceptIssue", new VoucherArgs(id)), "only the supplier the voucher was issued to");
        _chain.Refuse(_chain.R(Tier2, "rejectIssue", new VoucherArgs(id)), "only the supplier");
        _chain.Ok(_chain.R(Tier1, "acceptIssue", new VoucherArgs(id)));
        _chain.Refuse(_chain.R(Tier1, "acceptIssue", new VoucherArgs(id)), "not waiting for acceptance");
        _chain.Refuse(_chain.R(Grid, "cancelIssue", new VoucherArgs(id)), "cannot be revoked");
    }

    [Fact]
    public void A_rejected_or_cancelled_issue_frees_its_invoice()
    {
        var first = _chain.Ok<IdResult>(_chain.IssueTx(Tier1, 1_000, invoice: "INV-R")).VoucherId;
        _chain.Ok(_chain.R(Tier1, "rejectIssue", new VoucherArgs(first)));
        var second = _chain.Ok<IdResult>(_chain.IssueTx(Tier1, 900, invoice: "INV-R")).VoucherId;
        _chain.Refuse(_chain.R(Tier1, "cancelIssue", new VoucherArgs(second)), "only the issuer");
        _chain.Ok(_chain.R(Grid, "cancelIssue", new VoucherArgs(second)));
        Assert.Equal(VoucherStatus.Rejected, _chain.Voucher(first).Status);
        Assert.Equal(VoucherStatus.Cancelled, _chain.Voucher(second).Status);
        _chain.Refuse(_chain.R(Tier1, "acceptIssue", new VoucherArgs(second)), "not waiting for acceptance");
    }

    [Fact]
    public void Split_below_the_minimum_or_not_summing_to_the_original_is_refused()
    {
        var id = _chain.IssueAccepted(Tier1, 1_000_000, minSplit: 200_000);
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [900_000, 100_000])), "below the minimum split amount");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [600_000, 300_000])), "not the voucher's 1000000 fen");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [600_000, 400_001])), "not the voucher's");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [1_000_000])), "2 to 20 parts");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [1_200_000, -200_000])), "positive");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [Chain.Encoding.CanonicalJson.MaxSafeInteger, 1])), "at most the face amount");
        _chain.Refuse(_chain.R(Tier2, "split", new SplitArgs(id, [500_000, 500_000])), "only the holder");
        var parts = _chain.SplitOk(Tier1, id, 600_000, 400_000);
        Assert.Equal(VoucherStatus.Split, _chain.Voucher(id).Status);
        Assert.All(parts.Select(_chain.Voucher), p => Assert.Equal((id, id, Grid, 200_000L, VoucherStatus.Active), (p.RootId, p.ParentId, p.Issuer, p.MinSplitFen, p.Status)));
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [500_000, 500_000])), "not available to split");
        _chain.Refuse(_chain.R(Tier1, "transfer", new TransferArgs(id, Tier2)), "not available to transfer");
    }

    [Fact]
    public void Transfer_by_a_non_holder_is_refused_and_a_part_moves_only_when_the_receiver_accepts()
    {
        var id = _chain.IssueAccepted(Tier1, 1_000_000);
        _chain.Refuse(_chain.R(Tier2, "transfer", new TransferArgs(id, Tier3)), "only the holder");
        _chain.Refuse(_chain.R(Grid, "transfer", new TransferArgs(id, Tier2)), "only the holder");
        _chain.Refuse(_chain.R(Tier1, "transfer", new TransferArgs(id, BankA)), "is not a supplier");
        _chain.Refuse(_chain.R(Tier1, "transfer", new TransferArgs(id, Tier1)), "already held");
        _chain.Ok(_chain.R(Tier1, "transfer", new TransferArgs(id, Tier2)));
        Assert.Equal((VoucherStatus.Transferring, Tier1), (_chain.Voucher(id).Status, _chain.Voucher(id).Holder));
        _chain.Refuse(_chain.R(Tier3, "acceptTransfer", new VoucherArgs(id)), "only the organisation the voucher was offered to");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [500_000, 500_000])), "not available to split");
        _chain.Ok(_chain.R(Tier2, "declineTransfer", new VoucherArgs(id)));
        Assert.Equal((VoucherStatus.Active, Tier1), (_chain.Voucher(id).Status, _chain.Voucher(id).Holder));
        _chain.TransferOk(Tier1, id, Tier2);
        Assert.Equal((VoucherStatus.Active, Tier2), (_chain.Voucher(id).Status, _chain.Voucher(id).Holder));
        _chain.Refuse(_chain.R(Tier1, "transfer", new TransferArgs(id, Tier3)), "only the holder");
    }

    [Fact]
    public void Financing_pays_the_discounted_proceeds_and_assigns_the_part_to_the_bank()
    {
        var id = _chain.IssueAccepted(Tier1, 10_000_000, maturityAt: _chain.Now + 90 * Day);
        var before = (_chain.Balance(Tier1), _chain.Balance(BankA));
        var request = _chain.FinanceOk(Tier1, id, BankA, bps: 360);
        var r = _chain.Request(request);
        // 90 days at 3.60 % a year: 10,000,000 * 360 * 90 / 3,600,000 = 90,000 fen discount.
        Assert.Equal((FinancingStatus.Financed, 90L, 9_910_000L), (r.Status, r.Days, r.ProceedsFen));
        Assert.Equal((before.Item1 + 9_910_000, before.Item2 - 9_910_000), (_chain.Balance(Tier1), _chain.Balance(BankA)));
        var v = _chain.Voucher(id);
        Assert.Equal((VoucherStatus.Financed, BankA, BankA, Tier1), (v.Status, v.Financier, v.Beneficiary, v.Holder));
    }

    [Fact]
    public void Proceeds_use_whole_days_rounded_up_and_round_the_discount_half_up()
    {
        Assert.Equal((1L, 1_000_000L), Proceeds(1_000_000, 1, 2, 1));          // 1 ms left is a day; 0.28 fen rounds to 0
        Assert.Equal((2L, 997_222L), Proceeds(1_000_000, 5_000, Day + 1, 0));   // 2,777.78 fen rounds to 2,778
        Assert.Equal((1L, 1_799L), Proceeds(1_800, 1_000, Day, 0));             // exactly 0.5 fen rounds up
        Assert.Equal((1L, 1_799L), Proceeds(1_799, 1_000, Day, 0));             // 0.4997 fen rounds down
        Assert.Equal((1_098L, 4_479_820_621_337_979L), Proceeds(9_007_199_254_740_991, 1_648, 1_098 * Day, 0)); // no overflow at 2^53
    }

    [Fact]
    public void A_financed_part_cannot_be_financed_again_split_or_transferred()
    {
        var id = _chain.IssueAccepted(Tier1, 1_000_000);
        _chain.FinanceOk(Tier1, id, BankA);
        _chain.Refuse(_chain.R(Tier1, "applyFinancing", new ApplyArgs(id, BankB)), "pledged to bank-a");
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(id, [500_000, 500_000])), "pledged to bank-a");
        _chain.Refuse(_chain.R(Tier1, "transfer", new TransferArgs(id, Tier2)), "pledged to bank-a");
    }

    [Fact]
    public void Accepting_a_second_quote_for_the_same_part_is_refused()
    {
        var id = _chain.IssueAccepted(Tier1, 1_000_000);
        var first = _chain.Ok<RequestResult>(_chain.R(Tier1, "applyFinancing", new ApplyArgs(id, BankA))).RequestId;
        _chain.Refuse(_chain.R(Tier1, "applyFinancing", new ApplyArgs(id, BankB)), "open financing request");
        _chain.Ok(_chain.R(BankA, "quote", new QuoteArgs(first, 400, _chain.Now + Day)));
        _chain.Ok(_chain.R(Tier1, "acceptQuote", new RequestArgs(first)));
        _chain.Refuse(_chain.R(Tier1, "acceptQuote", new RequestArgs(first)), "is Financed, not quoted");
    }

    [Fact]
    public void Financing_an_overdue_part_is_refused()
    {
        var id = _chain.IssueAccepted(Tier1, 1_000_000, maturityAt: _chain.Now + 3 * Day);
        var request = _chain.Ok<RequestResult>(_chain.R(Tier1, "applyFinancing", new ApplyArgs(id, BankA))).RequestId;
        _chain.Ok(_chain.R(BankA, "quote", new QuoteArgs(request, 400, _chain.Now + 2 * Day)));
        _chain.Now += 3 * Day;
        _chain.Refuse(_chain.R(Tier1, "acceptQuote", new RequestArgs(request)), "expired");
        var other = _chain.IssueAccepted(Tier1, 1_000_000, maturityAt: _chain.Now + 2 * Day);
        _chain.Now += 2 * Day;
        _chain.Refuse(_chain.R(Tier1, "applyFinancing", new ApplyArgs(other, BankA)), "is overdue");
    }

    [Fact]
    public void Only_the_bank_applied_to_quotes_and_only_the_holder_accepts()
    {
        var id = _chain.IssueAccepted(Tier1, 1_000_000);
        _chain.Refuse(_chain.R(Tier1, "applyFinancing", new ApplyArgs(id, Tier2)), "is not a bank");
        var request = _chain.Ok<RequestResult>(_chain.R(Tier1, "applyFinancing", new ApplyArgs(id, BankA))).RequestId;
        _chain.Refuse(_chain.R(BankB, "quote", new QuoteArgs(request, 400, _chain.Now + Day)), "only bank-a");
        _chain.Refuse(_chain.R(BankA, "quote", new QuoteArgs(request, 0, _chain.Now + Day)), "discount rate");
        _chain.Refuse(_chain.R(BankA, "quote", new QuoteArgs(request, 400, _chain.Now + 400 * Day)), "before the voucher matures");
        _chain.Refuse(_chain.R(Tier1, "acceptQuote", new RequestArgs(request)), "not quoted");
        _chain.Ok(_chain.R(BankA, "quote", new QuoteArgs(request, 400, _chain.Now + Day)));
        _chain.Refuse(_chain.R(Tier2, "acceptQuote", new RequestArgs(request)), "only the applicant");
        _chain.Refuse(_chain.R(BankA, "acceptQuote", new RequestArgs(request)), "only the applicant");
    }

    [Fact]
    public void Financing_beyond_the_holders_credit_limit_is_refused()
    {
        // sup-1 has no recorded behaviour: grade A, a limit of 10,000,000 yuan of financed face outstanding.
        var limit = CreditEvents.Grades.Single(g => g.Grade == "A").LimitFen;
        var root = _chain.IssueAccepted(Tier1, limit + 200_000_000);
        var parts = _chain.SplitOk(Tier1, root, limit - 100_000_000, 300_000_000);
        _chain.FinanceOk(Tier1, parts[0], BankA);
        var request = _chain.Ok<RequestResult>(_chain.R(Tier1, "applyFinancing", new ApplyArgs(parts[1], BankA))).RequestId;
        _chain.Ok(_chain.R(BankA, "quote", new QuoteArgs(request, 400, _chain.Now + Day)));
        _chain.Refuse(_chain.R(Tier1, "acceptQuote", new RequestArgs(request)), "financing limit exceeded");
    }

    [Fact]
    public void Settlement_at_maturity_pays_every_beneficiary_and_closes_the_obligation()
    {
        var root = _chain.IssueAccepted(Tier1, 1_000_000, maturityAt: _chain.Now + 30 * Day);
        var parts = _chain.SplitOk(Tier1, root, 600_000, 400_000);
        _chain.TransferOk(Tier1, parts[1], Tier2);
        _chain.FinanceOk(Tier1, parts[0], BankA);
        _chain.Refuse(_chain.R(Tier1, "settle", new SettleArgs([root])), "not yet");
        _chain.Now += 30 * Day;
        var before = _chain.Balances();
        _chain.Refuse(_chain.R(Tier1, "settle", new SettleArgs([parts[0]])), "is a part");
        _chain.Refuse(_chain.R("regulator", "settle", new SettleArgs([root])), "acting for a member's business");
        _chain.Ok(_chain.R(Tier2, "settle", new SettleArgs([root])));
        Assert.Equal(before[Grid] - 1_000_000, _chain.Balance(Grid));
        Assert.Equal(before[BankA] + 600_000, _chain.Balance(BankA));
        Assert.Equal(before.GetValueOrDefault(Tier2) + 400_000, _chain.Balance(Tier2));
        Assert.Equal(before[Tier1], _chain.Balance(Tier1));
        Assert.All(parts.Select(_chain.Voucher), p => Assert.Equal(VoucherStatus.Settled, p.Status));
        Assert.Equal((1_000_000L, 0L), (_chain.Report(root)!.PaidFen, _chain.Report(root)!.OverdueFen));
        Assert.Null(_chain.Ledger.Store.Get(OpenObligations.Key(Grid, ObligationKind, root)));
        _chain.Refuse(_chain.R(Tier2, "settle", new SettleArgs([root])), "already settled");
    }

    [Fact]
    public void A_shortfall_is_recorded_overdue_and_as_a_settlement_default_of_the_issuer()
    {
        var root = _chain.IssueAccepted(Tier1, 150_000_000, maturityAt: _chain.Now + 10 * Day);
        var parts = _chain.SplitOk(Tier1, root, 90_000_000, 60_000_000);
        _chain.Now += 10 * Day;
        _chain.Ok(_chain.R(Grid, "settle", new SettleArgs([root])));
        var (first, second) = (_chain.Voucher(parts[0]), _chain.Voucher(parts[1]));
        Assert.Equal((VoucherStatus.Settled, 90_000_000L), (first.Status, first.PaidFen));
        Assert.Equal((VoucherStatus.Overdue, 10_000_000L, 50_000_000L), (second.Status, second.PaidFen, second.OverdueFen));
        Assert.Equal(0, _chain.Balance(Grid));
        var report = _chain.Report(root)!;
        Assert.Equal((150_000_000L, 100_000_000L, 50_000_000L), (report.DueFen, report.PaidFen, report.OverdueFen));
        Assert.NotNull(_chain.Ledger.Store.Get(OpenObligations.Key(Grid, ObligationKind, root)));
        var events = _chain.Ledger.Store.Scan(CreditKeys.Events(Grid)).ToList();
        Assert.Single(events);
        Assert.Contains("SettlementDefault", events[0].Value);
        _chain.Refuse(_chain.R(Tier1, "split", new SplitArgs(parts[1], [25_000_000, 25_000_000])), "Overdue");

        // Three days later the grid company has the money and pays the rest: a late payment, the obligation closes.
        _chain.Refuse(_chain.R(Grid, "payOverdue", new VoucherArgs(parts[1])), "insufficient funds");
        _chain.Commit(_chain.Deposit(BankA, Grid, 60_000_000));
        _chain.Refuse(_chain.R(Tier1, "payOverdue", new VoucherArgs(parts[1])), "only the issuer");
        _chain.Refuse(_chain.R(Grid, "payOverdue", new VoucherArgs(parts[0])), "not overdue");
        _chain.Now += 3 * Day;
        var tier1 = _chain.Balance(Tier1);
        _chain.Ok(_chain.R(Grid, "payOverdue", new VoucherArgs(parts[1])));
        Assert.Equal(tier1 + 50_000_000, _chain.Balance(Tier1));
        Assert.Equal((VoucherStatus.Settled, 60_000_000L, 0L), (_chain.Voucher(parts[1]).Status, _chain.Voucher(parts[1]).PaidFen, _chain.Voucher(parts[1]).OverdueFen));
        Assert.Null(_chain.Ledger.Store.Get(OpenObligations.Key(Grid, ObligationKind, root)));
        Assert.Contains("LatePayment", _chain.Ledger.Store.Scan(CreditKeys.Events(Grid)).Last().Value);
        _chain.Refuse(_chain.R(Grid, "payOverdue", new VoucherArgs(parts[1])), "not overdue");
    }
}
