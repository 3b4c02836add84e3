using Bunit;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Features.Receivables;
using Microsoft.AspNetCore.Components;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Tests.Receivables;

/// <summary>The receivables pages over fakes: what each organisation may do on a voucher, and what each button signs.</summary>
public sealed class ReceivablesComponentTests : ReceivablesComponentTestBase
{
    private IRenderedComponent<VoucherDetailPage> RenderVoucher(string id)
    {
        RenderProviders();
        return Ctx.Render<VoucherDetailPage>(p => p.Add(x => x.VoucherId, id));
    }

    private static AngleSharp.Dom.IElement Input<T>(IRenderedComponent<T> cut, string testId) where T : IComponent =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    [Fact]
    public void The_named_supplier_accepts_a_pending_voucher_and_sees_the_outcome()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Pending));
        SignIn("cable-co/operator", "Supplier");
        var cut = RenderVoucher("RV000001");
        cut.WaitForAssertion(() => cut.Find("[data-testid=accept-issue]"));
        Assert.Empty(cut.FindAll("[data-testid=cancel-issue]"));
        cut.Find("[data-testid=accept-issue]").Click();
        cut.WaitForAssertion(() => Assert.Equal(("acceptIssue", (object)new VoucherArgs("RV000001")), Actions.Calls.Single()));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tx-result]")));
    }

    [Fact]
    public void The_issuer_sees_the_suppliers_acceptance_arrive_live_when_its_block_commits()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Pending));
        SignIn("grid-east/operator", "GridCompany");
        var cut = RenderVoucher("RV000001");
        cut.WaitForAssertion(() => cut.Find("[data-testid=cancel-issue]"));
        Queries.Vouchers[0] = Queries.Vouchers[0] with { Status = VoucherStatus.Active };
        Blocks.Raise(new Components.BlockSummary(7, new string('f', 64), 1, 1, 0, "node-1", ["cable-co/operator"]));
        cut.WaitForAssertion(() => Assert.Equal("active", cut.Find("[data-testid=voucher-status]").GetAttribute("data-status")));
        Assert.Empty(cut.FindAll("[data-testid=cancel-issue]"));
    }

    [Fact]
    public void The_issuer_is_offered_to_pay_an_overdue_part_and_signs_it()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Overdue) with { PaidFen = 400_000_00, OverdueFen = 600_000_00 });
        SignIn("grid-east/operator", "GridCompany");
        var cut = RenderVoucher("RV000001");
        cut.WaitForAssertion(() => Assert.Contains("600,000.00", cut.Find("[data-testid=pay-overdue]").TextContent));
        cut.Find("[data-testid=pay-overdue]").Click();
        cut.WaitForAssertion(() => Assert.Equal(("payOverdue", (object)new VoucherArgs("RV000001")), Actions.Calls.Single()));
    }

    [Fact]
    public void Another_organisation_sees_no_action_and_the_issuer_may_only_cancel_before_acceptance()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Pending));
        SignIn("meter-co/operator", "Supplier");
        var cut = RenderVoucher("RV000001");
        cut.WaitForAssertion(() => cut.Find("[data-testid=no-actions]"));
        Assert.Empty(cut.FindAll("[data-testid=accept-issue]"));
    }

    [Fact]
    public void The_holder_splits_in_yuan_and_the_page_signs_fen()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Active));
        SignIn("cable-co/operator", "Supplier");
        var cut = RenderVoucher("RV000001");
        cut.WaitForAssertion(() => cut.Find("[data-testid=split-submit]"));
        Input(cut, "split-amounts").Change("600000, 400000.50");
        cut.Find("[data-testid=split-submit]").Click();
        cut.WaitForAssertion(() => Assert.Single(Actions.Calls));
        var (method, args) = Actions.Calls[0];
        Assert.Equal("split", method);
        Assert.Equal([60_000_000L, 40_000_050L], ((SplitArgs)args).Amounts);
    }

    [Fact]
    public void A_bad_split_amount_is_a_readable_message_and_nothing_is_signed()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Active));
        SignIn("cable-co/operator", "Supplier");
        var cut = RenderVoucher("RV000001");
        cut.WaitForAssertion(() => cut.Find("[data-testid=split-submit]"));
        Input(cut, "split-amounts").Change("600000, 0.001");
        cut.Find("[data-testid=split-submit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("0.001", cut.Find("[data-testid=action-error]").TextContent));
        Assert.Empty(Actions.Calls);
    }

    [Fact]
    public void The_lineage_tree_shows_every_part_with_its_holder_and_the_bank_it_was_assigned_to()
    {
        Queries.Vouchers.Add(V("RV000001", "cable-co", 1_000_000_00, VoucherStatus.Split, null, "RV000001", "RV000002", "RV000003"));
        Queries.Vouchers.Add(V("RV000002", "cable-co", 600_000_00, VoucherStatus.Active, "RV000001"));
        Queries.Vouchers.Add(V("RV000003", "meter-co", 400_000_00, VoucherStatus.Financed, "RV000001") with { Financier = "ccb-bank" });
        SignIn("meter-co/operator", "Supplier");
        var cut = RenderVoucher("RV000003");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=lineage-node]").Count));
        Assert.Contains("ccb-bank", cut.Find("[data-testid=lineage-RV000003]").TextContent);
        Assert.Contains("cable-co", cut.Find("[data-testid=lineage-RV000002]").TextContent);
        Assert.Equal("financed", cut.Find("[data-testid=lineage-RV000003] [data-testid=voucher-status]").GetAttribute("data-status"));
        Assert.Equal("ccb-bank", cut.Find("[data-testid=voucher-financier]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=split-submit]")); // a financed part cannot be split
    }

    [Fact]
    public void The_bank_applied_to_quotes_in_percent_and_the_page_signs_basis_points()
    {
        Queries.Requests.Add(new FinancingRequest("RF000001", "RV000003", "RV000001", "meter-co", "ccb-bank", 400_000_00, Maturity, FinancingStatus.Applied, 1));
        SignIn("ccb-bank/operator", "Bank");
        RenderProviders();
        var cut = Ctx.Render<FinancingPage>();
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("[data-testid=quote-submit]").Count == 1, cut.Markup));
        Input(cut, "quote-rate").Change("4.25");
        cut.Find("[data-testid=quote-submit]").Click();
        cut.WaitForAssertion(() => Assert.Single(Actions.Calls));
        var quote = Assert.IsType<QuoteArgs>(Actions.Calls[0].Args);
        Assert.Equal(("RF000001", 425L), (quote.RequestId, quote.DiscountBps));
        Assert.True(quote.ValidUntil < Maturity);
    }

    [Fact]
    public void The_holder_accepts_a_quote_but_another_bank_cannot_quote()
    {
        Queries.Requests.Add(new FinancingRequest("RF000001", "RV000003", "RV000001", "meter-co", "ccb-bank", 400_000_00, Maturity, FinancingStatus.Quoted, 1,
            425, 2, Maturity - 1, 399_000_00));
        SignIn("icbc-bank/operator", "Bank");
        RenderProviders();
        var bank = Ctx.Render<FinancingPage>();
        bank.WaitForAssertion(() => bank.Find("[data-testid=financing-requests]"));
        Assert.Empty(bank.FindAll("[data-testid=quote-submit]"));
        Assert.Empty(bank.FindAll("[data-testid=accept-quote]"));
    }

    [Fact]
    public void The_held_list_pages_on_the_server()
    {
        for (var i = 1; i <= 20; i++) Queries.Vouchers.Add(V($"RV{i:D6}", "cable-co", i * 100_00, VoucherStatus.Active, root: $"RV{i:D6}"));
        SignIn("cable-co/operator", "Supplier");
        RenderProviders();
        var cut = Ctx.Render<VoucherTable>(p => p.Add(x => x.View, VoucherView.Held));
        cut.WaitForAssertion(() => Assert.Equal(15, cut.FindAll("[data-testid=voucher-link]").Count));
        Assert.Contains(Queries.Asked, q => q is { View: VoucherView.Held, Skip: 0, Take: 15 });
    }

    [Fact]
    public void Issuing_with_a_bad_amount_says_why_and_signs_nothing()
    {
        SignIn("grid-east/operator", "GridCompany");
        RenderProviders();
        var cut = Ctx.Render<IssueVoucher>();
        Input(cut, "issue-face").Change("12.345");
        cut.Find("[data-testid=issue-submit]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=issue-error]")));
        Assert.Empty(Actions.Calls);
    }
}
