using Bunit;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Features.Evidence;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConsortiumPortal.Tests.Evidence;

/// <summary>The evidence pages over fakes: what each role sees, what each button asks the ledger for.</summary>
public sealed class EvidenceComponentTests : EvidenceComponentTestBase
{
    private static AngleSharp.Dom.IElement Input<T>(IRenderedComponent<T> cut, string testId) where T : IComponent =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    private IRenderedComponent<DocumentPage> RenderDocument(string hash)
    {
        Ctx.Render<MudPopoverProvider>();
        return Ctx.Render<DocumentPage>(p => p.Add(x => x.Hash, hash));
    }

    [Fact]
    public void A_document_needing_two_signatures_shows_pending_and_the_missing_party_signs_it()
    {
        var hash = Hash('1');
        Queries.Documents.Add(Contract(hash, "grid-east", ["steel-works"], ["grid-east", "steel-works"], Signed("grid-east")));
        Queries.Stored.Add(hash);
        SignIn("steel-works/operator", "Consumer");

        var cut = RenderDocument(hash);

        cut.WaitForAssertion(() => Assert.Equal("pending", cut.Find("[data-testid=document-status]").GetAttribute("data-status")));
        var rows = cut.FindAll("[data-testid=signature-row]");
        Assert.Equal(["true", "false"], rows.Select(r => r.GetAttribute("data-signed")));
        Assert.NotNull(cut.Find("[data-testid=document-download]"));

        cut.Find("[data-testid=document-sign]").Click();
        cut.WaitForAssertion(() => Assert.Equal([$"sign {hash}"], Actions.Calls));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tx-result]")));
    }

    [Fact]
    public void The_owner_sees_the_other_partys_signature_arrive_live_when_its_block_commits()
    {
        var hash = Hash('0');
        var pending = Contract(hash, "grid-east", ["steel-works"], ["grid-east", "steel-works"], Signed("grid-east"));
        Queries.Documents.Add(pending);
        SignIn("grid-east/operator", "GridCompany");
        var cut = RenderDocument(hash);
        cut.WaitForAssertion(() => Assert.Equal("pending", cut.Find("[data-testid=document-status]").GetAttribute("data-status")));
        Assert.Empty(cut.FindAll("[data-testid=document-sign]"));   // grid-east has signed by anchoring

        Queries.Documents[0] = pending with { Signatures = [.. pending.Signatures, Signed("steel-works")], Status = DocumentStatus.Complete };
        Blocks.Raise(new Components.BlockSummary(7, Hash('f'), 1, 1, 0, "node-1", ["steel-works/operator"]));

        cut.WaitForAssertion(() => Assert.Equal("complete", cut.Find("[data-testid=document-status]").GetAttribute("data-status")));
    }

    [Fact]
    public void A_non_party_sees_the_record_but_no_download_and_no_sign_button()
    {
        var hash = Hash('2');
        Queries.Documents.Add(Contract(hash, "grid-east", ["steel-works"], ["grid-east", "steel-works"], Signed("grid-east")));
        Queries.Stored.Add(hash);
        SignIn("cable-co/operator", "Supplier");

        var cut = RenderDocument(hash);

        cut.WaitForAssertion(() => Assert.Contains("Supply contract", cut.Find("[data-testid=document-title]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=document-download]"));
        Assert.Empty(cut.FindAll("[data-testid=document-sign]"));
        Assert.Empty(cut.FindAll("[data-testid=document-new-version]"));
    }

    [Fact]
    public void The_regulator_may_download_but_not_sign_and_a_seeded_document_is_kept_by_its_owner()
    {
        var hash = Hash('3');
        Queries.Documents.Add(Contract(hash, "grid-east", ["steel-works"], ["grid-east", "steel-works"], Signed("grid-east"), Signed("steel-works")) with { Custody = DocumentCustody.Owner });
        SignIn("nea-reg/operator", "Regulator");

        var cut = RenderDocument(hash);

        cut.WaitForAssertion(() => Assert.Equal("complete", cut.Find("[data-testid=document-status]").GetAttribute("data-status")));
        Assert.Contains("kept by owner", cut.Find("[data-testid=document-custody]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=document-download]"));   // nothing stored on this node
        Assert.Empty(cut.FindAll("[data-testid=document-sign]"));
    }

    [Fact]
    public void Verify_by_hash_tells_anchored_from_not_anchored_with_a_QR_code_only_for_an_anchored_one()
    {
        var hash = Hash('4');
        Queries.Documents.Add(Contract(hash, "grid-east", ["steel-works"], ["grid-east"], Signed("grid-east")));
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<VerifyDocument>();
        Input(cut, "verify-document-hash").Change(hash.ToUpperInvariant());
        cut.Find("[data-testid=verify-document-button]").Click();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=verify-document-result]").GetAttribute("data-anchored")));
        Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=verify-document-qr]").GetAttribute("src"));
        Assert.Equal(Hash('a'), cut.Find("[data-testid=verify-document-tx]").TextContent);
        Assert.Equal("true", cut.Find("[data-testid=verify-signature]").GetAttribute("data-signed"));

        Input(cut, "verify-document-hash").Change(Hash('5'));
        cut.Find("[data-testid=verify-document-button]").Click();
        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-testid=verify-document-result]").GetAttribute("data-anchored")));
        Assert.Empty(cut.FindAll("[data-testid=verify-document-qr]"));

        Input(cut, "verify-document-hash").Change("not a hash");
        cut.Find("[data-testid=verify-document-button]").Click();
        cut.WaitForAssertion(() => Assert.Contains("64 hexadecimal", cut.Find("[data-testid=verify-document-error]").TextContent));
    }

    [Fact]
    public void My_documents_is_paged_on_the_server_and_lists_what_waits_for_my_signature()
    {
        for (var i = 0; i < 20; i++)
            Queries.Documents.Add(Contract($"{i:x2}".PadRight(64, 'f'), "grid-east", ["steel-works"], ["grid-east", "steel-works"], Signed("grid-east")));
        Queries.Documents.Add(Contract(Hash('9'), "retail-one", ["data-park"], []));   // not a party: not listed
        SignIn("steel-works/operator", "Consumer");
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<MyDocuments>();

        cut.WaitForAssertion(() => Assert.Equal(15, cut.FindAll("[data-testid=document-link]").Count));
        Assert.Contains("20 document(s) wait", cut.Find("[data-testid=awaiting-signature]").TextContent);
    }

    [Fact]
    public void Anchoring_without_a_file_or_hash_gives_a_message_and_with_a_hash_submits_the_labels()
    {
        Queries.Organisations.Add(new Chain.Membership.Organisation("steel-works", "Steel", ["Consumer"], "", 0));
        Queries.Organisations.Add(new Chain.Membership.Organisation("grid-east", "Grid", ["GridCompany"], "", 0));
        SignIn("grid-east/operator", "GridCompany");
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<AnchorDocument>();
        Input(cut, "anchor-title").Input("HV contract");
        cut.Find("[data-testid=anchor-submit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Choose a file or paste its SM3 hash.", cut.Find("[data-testid=anchor-error]").TextContent));
        Assert.Empty(Actions.Calls);

        Input(cut, "anchor-hash").Change(Hash('6'));
        Input(cut, "anchor-contract-number").Change("GDHT-1");
        cut.Find("[data-testid=anchor-submit]").Click();
        cut.WaitForAssertion(() => Assert.Equal([$"anchor {Hash('6')}"], Actions.Calls));
        Assert.Equal(["grid-east"], Actions.LastAnchor!.Parties);
        Assert.Equal(["grid-east"], Actions.LastAnchor.RequiredSigners);
        Assert.Equal("GDHT-1", Actions.LastAnchor.ContractNumber);
        cut.WaitForAssertion(() => Assert.Contains(Hash('6'), cut.Find("[data-testid=anchor-document-link]").GetAttribute("href")));
    }

    [Fact]
    public void A_work_ticket_shows_its_steps_as_a_timeline_and_the_qualified_person_signs_the_next_one()
    {
        var ticket = new WorkTicket("grid-east:WT-1", "grid-east", "WT-1", "Replace joint", "Bay 2", "grid-east/operator", null,
            [new WorkTicketStep(WorkTicketSteps.Issued, "grid-east/admin", "grid-east", 1_767_225_600_000, 5, Hash('a'), null),
             new WorkTicketStep(WorkTicketSteps.SafetyMeasuresDone, "grid-east/admin", "grid-east", 1_767_225_700_000, 6, Hash('b'), "earthing applied")]);
        Queries.Tickets.Add(ticket);
        Queries.People.Add(new PersonQualifications("grid-east/operator", "grid-east", [Qualifications.WorkLeader], 0, "grid-east/admin"));
        SignIn("grid-east/operator", "GridCompany");
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<WorkTicketPage>(p => p.Add(x => x.TicketId, "grid-east:WT-1"));

        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=ticket-step]").Count));
        Assert.Equal(["true", "true", "false", "false", "false"], cut.FindAll("[data-testid=ticket-step]").Select(s => s.GetAttribute("data-signed")));
        Assert.Contains("earthing applied", cut.Markup);
        cut.Find("[data-testid=ticket-sign-next]").Click();
        cut.WaitForAssertion(() => Assert.Equal([$"step grid-east:WT-1 {WorkTicketSteps.WorkStarted}"], Actions.Calls));
    }

    [Fact]
    public void A_person_without_the_next_steps_qualification_gets_no_sign_button()
    {
        Queries.Tickets.Add(new WorkTicket("grid-east:WT-2", "grid-east", "WT-2", "t", "l", "grid-east/operator", null,
            [new WorkTicketStep(WorkTicketSteps.Issued, "grid-east/admin", "grid-east", 1, 5, Hash('a'), null)]));
        Queries.People.Add(new PersonQualifications("grid-east/operator", "grid-east", [Qualifications.WorkLeader], 0, "grid-east/admin"));
        SignIn("grid-east/operator", "GridCompany");
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<WorkTicketPage>(p => p.Add(x => x.TicketId, "grid-east:WT-2"));
        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=ticket-step]").Count));
        Assert.Empty(cut.FindAll("[data-testid=ticket-sign-next]"));   // the next step (safety measures) needs a work permitter
    }

    [Fact]
    public void Suppliers_show_scores_in_a_chart_and_the_selected_suppliers_history()
    {
        Queries.Suppliers.Add(new SupplierRecord("cable-co", [new CategoryRecord("cable", 5, 1, SupplierScore.Of(5, 1))], 5, 1, SupplierScore.Of(5, 1)));
        Queries.Suppliers.Add(new SupplierRecord("meter-co", [new CategoryRecord("meter", 2, 2, 50)], 2, 2, 50));
        Queries.Inspections.Add(new InspectionResult(Hash('7'), "cable-co", "cable", "B-1", false, "grid-east", "grid-east/operator", 1, 7, Hash('8')));
        Queries.Labs.Add(new TestingLab("grid-east", "Metrology centre", ["cable", "meter"], "nea-reg/operator", 1, null, null));
        SignIn("steel-works/operator", "Consumer");
        Ctx.Render<MudPopoverProvider>();

        var cut = Ctx.Render<Suppliers>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=supplier-row]").Count));
        Assert.Equal(["cable-co", "meter-co"], cut.FindAll("[data-testid=supplier-row]").Select(r => r.GetAttribute("data-supplier")));
        Assert.Equal("75", cut.FindAll("[data-testid=supplier-score]")[0].TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=supplier-score-chart] svg"));
        cut.WaitForAssertion(() => Assert.Equal("cable-co", cut.Find("[data-testid=supplier-history]").GetAttribute("data-supplier")));
        cut.WaitForAssertion(() => Assert.Contains("B-1", cut.Find("[data-testid=inspection-history]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=inspection-submit]"));   // steel-works is not an accredited laboratory
    }
}
