using Bunit;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Features.Registry;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConsortiumPortal.Tests.Registry;

/// <summary>The registry's main components over fake state: forms refuse bad input readably, actions submit what they show.</summary>
public sealed class RegistryComponentTests : RegistryComponentTestBase
{
    private IRenderedComponent<ParticipantForm> RenderForm(System.Security.Claims.ClaimsPrincipal user, ParticipantForm.FormMode mode = ParticipantForm.FormMode.Apply,
        ParticipantDetails? initial = null, string? id = null) =>
        Ctx.Render<ParticipantForm>(p => p.Add(f => f.User, user).Add(f => f.Mode, mode).Add(f => f.Initial, initial).Add(f => f.ParticipantId, id));

    private static string Field(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    private static void ClickOrChange<T>(IRenderedComponent<T> cut, string testId) where T : IComponent
    {
        var input = cut.Find(Field(testId));
        try { input.Change(true); }
        catch (Bunit.MissingEventHandlerException) { input.Click(); }
    }

    /// <summary>Types into a MudTextField: immediate fields listen to input, the others to change.</summary>
    private static void Type<T>(IRenderedComponent<T> cut, string testId, string value) where T : IComponent
    {
        var input = cut.Find(Field(testId));
        try { input.Input(value); }
        catch (Bunit.MissingEventHandlerException) { input.Change(value); }
    }

    [Fact]
    public void A_bad_credit_code_gets_a_readable_message_and_nothing_is_submitted()
    {
        var user = SignIn("retail-one/operator", Roles.Retailer);
        var cut = RenderForm(user);
        Type(cut, "reg-legal-name", "华能售电(浙江)有限公司");
        Type(cut, "reg-credit-code", "91330000MA0000001X");
        cut.Find("[data-testid=reg-submit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Invalid credit code: the check character does not match", cut.Markup));
        Assert.Contains("Choose at least one province.", cut.Markup);
        Assert.Empty(Actions.Calls);
    }

    [Fact]
    public void A_complete_application_is_submitted_as_apply_with_capacity_in_kw_x_1000()
    {
        var user = SignIn("vpp-agg/operator", Roles.Aggregator);
        var cut = RenderForm(user);
        var code = UnifiedSocialCreditCode.Complete("91320000MA0000077");
        Type(cut, "reg-legal-name", "智慧虚拟电厂(江苏)有限公司");
        Type(cut, "reg-credit-code", code);
        cut.Find(Field("reg-type-Aggregator")).Click();
        ClickOrChange(cut, "reg-province-zhejiang");
        ClickOrChange(cut, "reg-province-jiangsu");
        Type(cut, "reg-capacity", "12.5");
        Type(cut, "reg-contact-name", "Han Mei");
        Type(cut, "reg-contact-email", "han@example.cn");
        cut.Find("[data-testid=reg-submit]").Click();

        cut.WaitForAssertion(() => Assert.Single(Actions.Calls));
        var (contract, method, args) = Actions.Calls[0];
        Assert.Equal((RegistryContract.ContractName, "apply"), (contract, method));
        var details = Assert.IsType<RegistryContract.ApplyArgs>(args).Details;
        Assert.Equal((code, ParticipantType.Aggregator, 12_500_000L), (details.CreditCode, details.Type, details.CapacityKw1000));
        Assert.Equal(["jiangsu", "zhejiang"], details.Provinces);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=tx-result]")));
    }

    [Fact]
    public void A_change_of_contacts_only_is_a_minor_change_and_of_the_name_a_major_one()
    {
        var user = SignIn("retail-one/operator", Roles.Retailer);
        var current = Details();
        var cut = RenderForm(user, ParticipantForm.FormMode.Change, current, "P000001");
        Type(cut, "reg-contact-phone", "+86 571 2");
        cut.Find("[data-testid=reg-submit]").Click();
        cut.WaitForAssertion(() => Assert.Equal("changeMinor", Assert.Single(Actions.Calls).Method));
        Assert.Contains("in force at once", cut.Markup);

        Type(cut, "reg-legal-name", "华能售电(浙江)股份有限公司");
        cut.Find("[data-testid=reg-submit]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, Actions.Calls.Count));
        Assert.Equal("proposeChange", Actions.Calls[1].Method);
        Assert.Contains("reviewed and disclosed again", cut.Markup);
    }

    [Fact]
    public void The_disclosure_board_renders_without_sign_in_and_offers_no_comment_box()
    {
        Ctx.AddAuthorization(); // anonymous
        var d = Details("阳光光伏(江苏)有限公司");
        Queries.Board.Add(new DisclosureEntry("P000002", "gen-solar", ChangeKind.Initial, 1, d.LegalName, d.CreditCode, ParticipantType.Generator,
            d.Provinces, 150_000_000, d.Documents, new string('b', 64), DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds(),
            [new DisclosureComment("P000002", 1, 1, "gen-wind", "gen-wind/operator", "Capacity differs from the filing.", true, 1, false, null)]));
        var cut = Ctx.Render<DisclosureBoard>();
        cut.WaitForAssertion(() => Assert.Contains("阳光光伏(江苏)有限公司", cut.Markup));
        Assert.Contains(new string('b', 64), cut.Find("[data-testid=disclosure-hash]").TextContent);
        Assert.Contains("150 MW", cut.Markup);
        Assert.Contains("Capacity differs from the filing.", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=comment-P000002]"));
    }

    [Fact]
    public void A_member_comments_on_the_board()
    {
        SignIn("grid-east/operator", Roles.GridCompany);
        var d = Details();
        Queries.Board.Add(new DisclosureEntry("P000003", "retail-one", ChangeKind.Initial, 1, d.LegalName, d.CreditCode, d.Type, d.Provinces, 0, d.Documents,
            new string('c', 64), DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds(), []));
        var cut = Ctx.Render<DisclosureBoard>();
        cut.WaitForElement(Field("comment-text-P000003"));
        Type(cut, "comment-text-P000003", "No objection.");
        cut.Find("[data-testid=object-P000003]").Click();
        cut.WaitForAssertion(() => Assert.Single(Actions.Calls));
        Assert.Equal(new RegistryContract.CommentArgs("P000003", "No objection.", true), Actions.Calls[0].Args);
    }

    [Fact]
    public void A_trading_centre_starts_a_review_and_a_period_outside_the_bounds_is_explained_not_submitted()
    {
        SignIn("px-center/operator", Roles.TradingCenter);
        Queries.Participants.Add(Participant("P000004", "retail-one", ParticipantStatus.Submitted, Details(), new PendingReview(1, ChangeKind.Initial, ParticipantStatus.Submitted, null)));
        Queries.Participants.Add(Participant("P000005", "data-park", ParticipantStatus.UnderReview, Details(n: 5), new PendingReview(1, ChangeKind.Initial, ParticipantStatus.UnderReview, null)));
        var cut = Ctx.Render<ReviewQueue>();
        cut.WaitForElement("[data-testid=start-review-P000004]").Click();
        cut.WaitForAssertion(() => Assert.Equal(("startReview", (object)new RegistryContract.ParticipantArgs("P000004")), (Actions.Calls.Single().Method, Actions.Calls.Single().Args)));

        Type(cut, "period-P000005", "90d"); // 90 days > 30
        cut.Find("[data-testid=approve-P000005]").Click();
        cut.WaitForAssertion(() => Assert.Contains("The disclosure period must lie between 1 d and 30 d.", cut.Markup));
        Assert.Single(Actions.Calls);

        Type(cut, "period-P000005", "7d");
        cut.Find("[data-testid=approve-P000005]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, Actions.Calls.Count));
        Assert.Equal(new RegistryContract.ApproveArgs("P000005", 7 * RegistrySettings.Day), Actions.Calls[1].Args);
        Assert.Equal([30_000L, 12 * 3_600_000L, 7 * RegistrySettings.Day, 7 * RegistrySettings.Day, 250L], new[] { "30s", "12h", "7d", "7", "250ms" }.Select(t => RegistryDisplay.ParseDuration(t)!.Value));
        Assert.Null(RegistryDisplay.ParseDuration("soon"));
        Assert.Null(RegistryDisplay.ParseDuration("-5s"));
    }

    [Fact]
    public void The_regulator_reads_the_queue_but_gets_no_decision_buttons()
    {
        SignIn("nea-reg/operator", Roles.Regulator);
        Queries.Participants.Add(Participant("P000004", "retail-one", ParticipantStatus.Submitted, Details(), new PendingReview(1, ChangeKind.Initial, ParticipantStatus.Submitted, null)));
        var cut = Ctx.Render<ReviewQueue>();
        cut.WaitForElement("[data-testid=review-P000004]");
        Assert.Empty(cut.FindAll("[data-testid=start-review-P000004]"));
        Assert.Contains("decisions are the trading centres'", cut.Markup);
    }

    [Fact]
    public void The_participant_page_shows_every_version_with_its_record_hash_checked()
    {
        SignIn("icbc-bank/operator", Roles.Bank);
        var v1 = Details();
        var v2 = v1 with { Contacts = [new Contact("Han Mei", "", "1", "")] };
        Queries.Participants.Add(Participant("P000006", "retail-one", ParticipantStatus.Active, v2, inForce: 2));
        Queries.Versions.Add(new ParticipantVersion("P000006", 1, ChangeKind.Initial, VersionStatus.Superseded, v1, RegistryContract.RecordHash("P000006", 1, v1), 1, "retail-one/operator", new string('1', 64), 2, null));
        Queries.Versions.Add(new ParticipantVersion("P000006", 2, ChangeKind.Minor, VersionStatus.InForce, v2, RegistryContract.RecordHash("P000006", 2, v2), 3, "retail-one/operator", new string('2', 64), 3, null));
        var cut = Ctx.Render<ParticipantDetail>(p => p.Add(c => c.ParticipantId, "P000006"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=version-hash]").Count));
        Assert.Equal(RegistryContract.RecordHash("P000006", 2, v2), cut.Find("[data-testid=participant-hash]").TextContent);
        Assert.Contains("matches", cut.Find("[data-testid=hash-check]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=suspend]")); // a bank does not suspend
    }

    [Fact]
    public void A_proposal_shows_exactly_what_it_changes_and_an_admin_votes_for_the_organisation()
    {
        SignIn("meter-co/admin", Roles.OrgAdmin, Roles.Supplier);
        Queries.Proposals.Add(new Proposal("G00003", ProposalKind.AdmitOrganisation, "Admit Jiangsu Storage",
            new ProposalChange(Organisation: new GenesisOrganisation("js-storage", "Jiangsu Storage Cooperative", [Roles.Generator], "04ab")),
            "px-center/admin", "px-center", 1, DateTimeOffset.UtcNow.AddDays(10).ToUnixTimeMilliseconds(), ProposalStatus.Open, 3, 0, new GovernancePolicy(2, 3), null, null, null));
        Queries.Votes.Add(new Vote("G00003", "gen-wind", "gen-wind/admin", true, 1));
        var cut = Ctx.Render<Governance>();
        cut.WaitForAssertion(() => Assert.Contains("js-storage", cut.Find("[data-testid=proposal-change]").TextContent));
        Assert.Contains("3 yes of 10 needed (15 voting members)", cut.Markup);
        Assert.Contains("gen-wind/admin", cut.Find("[data-testid=votes]").TextContent);
        cut.Find("[data-testid=vote-yes]").Click();
        cut.WaitForAssertion(() => Assert.Equal(new GovernanceContract.VoteArgs("G00003", true), Actions.Calls.Single().Args));
    }

    [Fact]
    public void A_rating_is_explained_line_by_line_and_a_retailer_sees_only_its_own()
    {
        SignIn("retail-one/operator", Roles.Retailer);
        Queries.Ratings.Add(CreditEvents.Compute("vpp-agg", [new CreditEvent("vpp-agg", 1, CreditEventKind.LatePayment, 12, "S-0931", 1, "px")], 2));
        Queries.Ratings.Add(CreditEvents.Compute("retail-one", [new CreditEvent("retail-one", 1, CreditEventKind.DemandResponse, 110, "DR 7", 1, "grid")], 2));
        var cut = Ctx.Render<CreditRatings>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=rating-line]").Count));
        Assert.DoesNotContain("vpp-agg", cut.Markup);
        Assert.Contains("retail-one: 760 · A", cut.Find("[data-testid=rating-explanation]").TextContent);
        Assert.Contains("DR 7", cut.Markup);
    }

    [Fact]
    public void An_exit_needs_a_reason_and_then_submits_it()
    {
        SignIn("retail-one/operator", Roles.Retailer);
        Queries.Participants.Add(Participant("P000007", "retail-one", ParticipantStatus.Active, Details(), inForce: 1));
        Queries.Participants.Add(Participant("P000008", "steel-works", ParticipantStatus.Active, Details(n: 8), inForce: 1));
        var cut = Ctx.Render<MyApplications>();
        cut.WaitForElement("[data-testid=exit-P000007]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Give the reason for the exit first.", cut.Markup));
        Assert.Empty(Actions.Calls);
        Assert.Empty(cut.FindAll("[data-testid=exit-P000008]")); // another organisation's registration is not listed
        Type(cut, "exit-reason", "merged into the group");
        cut.Find("[data-testid=exit-P000007]").Click();
        cut.WaitForAssertion(() => Assert.Equal(new RegistryContract.DecisionArgs("P000007", "merged into the group"), Actions.Calls.Single().Args));
    }

    [Fact]
    public void The_directory_pages_on_the_server_and_filters_by_text()
    {
        SignIn("icbc-bank/operator", Roles.Bank);
        for (var i = 1; i <= 25; i++)
            Queries.Participants.Add(Participant($"P{i:D6}", "retail-one", ParticipantStatus.Active, Details($"Retailer {i:D2}", i), inForce: 1));
        var cut = Ctx.Render<DirectoryPage>();
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=directory-name]").Count));
        Type(cut, "directory-search", "Retailer 25");
        cut.WaitForAssertion(() => Assert.Equal("Retailer 25", cut.Find("[data-testid=directory-name]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Single(cut.FindAll("[data-testid=directory-name]"));
    }
}
