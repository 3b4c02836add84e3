using System.Security.Claims;
using Bunit;
using Bunit.Rendering;
using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Features.Settlement;
using ConsortiumPortal.Identity;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConsortiumPortal.Tests.Dashboard;

public sealed class PaymentsTests : DashboardTestBase
{
    private static readonly ClaimsPrincipal Operator = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "steel-works/operator"), new Claim(PortalClaimTypes.Organisation, "steel-works"),
         new Claim(PortalClaimTypes.Certificate, "steel-works/operator"), new Claim(ClaimTypes.Role, "Consumer")], "test"));

    private static readonly MemberOrganisation[] Payees = [new("grid-east", "East China Grid"), new("gen-wind", "Sea Breeze Wind")];

    private IRenderedComponent<ContainerFragment> RenderForm() => Ctx.Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<PaymentForm>(1);
        b.AddAttribute(2, nameof(PaymentForm.User), Operator);
        b.AddAttribute(3, nameof(PaymentForm.Payees), (IReadOnlyList<MemberOrganisation>)Payees);
        b.CloseComponent();
    });

    private static void ChoosePayee(IRenderedComponent<ContainerFragment> cut, string organisationId)
    {
        cut.Find("[data-testid=payment-to]").Closest(".mud-input-control")!.MouseDown();
        cut.WaitForElement($"[data-testid=payment-to-{organisationId}]").Click();
    }

    private static void Type(IRenderedComponent<ContainerFragment> cut, string testId, string value) =>
        cut.Find($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input").Input(value);

    [Theory]
    [InlineData("", "Enter the amount in yuan.")]
    [InlineData("0", "The amount must be more than zero.")]
    [InlineData("0.00", "The amount must be more than zero.")]
    [InlineData("-5", "The amount must be more than zero.")]
    [InlineData("1.234", "The amount can have at most 2 decimals (fen).")]
    [InlineData("12abc", "The amount must be a number of yuan")]
    [InlineData("1e3", "The amount must be a number of yuan")]
    public void A_bad_amount_gets_a_readable_message_and_nothing_is_submitted(string amount, string message)
    {
        var cut = RenderForm();
        ChoosePayee(cut, "grid-east");
        Type(cut, "payment-amount", amount);

        cut.Find("[data-testid=payment-submit]").Click();

        cut.WaitForAssertion(() => Assert.Contains(message, cut.Markup));
        Assert.Empty(Submitter.Calls);
        Assert.Empty(cut.FindAll("[data-testid=tx-result]"));
    }

    [Fact]
    public void A_missing_payee_gets_a_message()
    {
        var cut = RenderForm();
        Type(cut, "payment-amount", "10");
        cut.Find("[data-testid=payment-submit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Choose the organisation to pay.", cut.Markup));
        Assert.Empty(Submitter.Calls);
    }

    [Fact]
    public void A_transfer_is_submitted_in_exact_fen_and_shows_its_block_and_transaction()
    {
        var gate = new TaskCompletionSource();
        Submitter.Gate = gate;
        var cut = RenderForm();
        ChoosePayee(cut, "gen-wind");
        Type(cut, "payment-amount", "1250.5");
        Type(cut, "payment-memo", "March invoice");

        cut.Find("[data-testid=payment-submit]").Click();

        // While the node orders the transaction the button is disabled and progress shows.
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=payment-progress]")));
        Assert.True(cut.Find("[data-testid=payment-submit]").HasAttribute("disabled"));
        gate.SetResult();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tx-result]")));
        Assert.Equal([("gen-wind", 125050L, "March invoice")], Submitter.Calls);
        Assert.Equal("explorer/blocks/42", cut.Find("[data-testid=tx-block]").GetAttribute("href"));
        Assert.Equal($"explorer/transactions/{new string('a', 64)}", cut.Find("[data-testid=tx-id]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=payment-progress]"));
        Assert.False(cut.Find("[data-testid=payment-submit]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_refused_transfer_shows_why()
    {
        Submitter.Outcome = () => TxOutcome.Refused(new string('b', 64), new AdmissionError("revoked", "certificate was revoked"));
        var cut = RenderForm();
        ChoosePayee(cut, "grid-east");
        Type(cut, "payment-amount", "3");
        cut.Find("[data-testid=payment-submit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("certificate was revoked", cut.Find("[data-testid=tx-refused]").TextContent));
    }

    [Fact]
    public void Payments_page_shows_balance_in_yuan_payees_other_than_mine_and_paged_tables()
    {
        Settlement.Balance = 123_456_789;
        Settlement.Members.AddRange([new("steel-works", "Steel"), .. Payees]);
        for (var i = 0; i < 25; i++)
            Settlement.Transactions.Add(new SettlementTx(new string((char)('a' + i % 6), 64), 100 - i, 0, "steel-works/operator", "transfer", "grid-east", 100 + i, "m", true, null));
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized("steel-works/operator");
        auth.SetRoles("Consumer");
        auth.SetClaims(new Claim(PortalClaimTypes.Organisation, "steel-works"));
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<Payments>();

        cut.WaitForAssertion(() => Assert.Equal("¥ 1,234,567.89", cut.Find("[data-testid=payment-balance]").TextContent.Trim()));
        Assert.Equal(["gen-wind", "grid-east"], cut.FindComponent<PaymentForm>().Instance.Payees.Select(p => p.Id));
        cut.WaitForAssertion(() => Assert.Equal(10, cut.Find("[data-testid=settlement-transactions]").QuerySelectorAll("tbody tr").Length));
        Assert.Contains("1.00", cut.Find("[data-testid=settlement-transactions]").TextContent);
        Assert.Contains("No held escrows.", cut.Find("[data-testid=held-escrows]").TextContent);
    }

    [Theory]
    [InlineData("1", 100L)]
    [InlineData("0.01", 1L)]
    [InlineData("1250.50", 125050L)]
    [InlineData(" ¥ 7.1 ", 710L)]
    [InlineData("1.500", 150L)]
    public void Yuan_parse_to_exact_fen(string text, long fen)
    {
        Assert.Equal(YuanAmount.Problem.None, YuanAmount.TryParseFen(text, out var parsed));
        Assert.Equal(fen, parsed);
    }

    [Fact]
    public void Amounts_beyond_what_the_ledger_records_are_refused() =>
        Assert.Equal(YuanAmount.Problem.TooLarge, YuanAmount.TryParseFen("999999999999999999", out _));
}
