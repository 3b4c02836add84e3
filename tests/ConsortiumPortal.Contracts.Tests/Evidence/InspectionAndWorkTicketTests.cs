using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Evidence;

namespace ConsortiumPortal.Contracts.Tests.Evidence;

/// <summary>Accredited laboratories, supplier scores, qualifications and work tickets, each rule tried against a breaking attempt.</summary>
public sealed class InspectionAndWorkTicketTests : IDisposable
{
    private readonly TestChain _chain = new(EvidenceChain.Organisations);

    public void Dispose() => _chain.Dispose();

    private string Lab()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Accredit("regulator", "grid-east", "cable", "meter")));
        return _chain.IssuePerson("grid-east", "inspector", Roles.GridCompany);
    }

    // ---- accreditation and inspection reports ------------------------------------------------------------------

    [Fact]
    public void Only_the_regulator_accredits_a_laboratory()
    {
        _chain.Refuse(_chain.Accredit("grid-east", "grid-east", "cable"), "only a Regulator");
        _chain.Refuse(_chain.Accredit("regulator", "grid-east", "spaceship"), "categories must be");
        _chain.Refuse(_chain.Accredit("regulator", "nobody", "cable"), "not a member");
        TestChain.AssertOk(_chain.CommitOne(_chain.Accredit("regulator", "grid-east", "cable")));
        _chain.Refuse(_chain.Accredit("regulator", "grid-east", "cable"), "already accredited");
        Assert.Equal("regulator", _chain.Read<TestingLab>(EvidenceKeys.Lab("grid-east"))!.AccreditedBy);
    }

    [Fact]
    public void An_inspection_by_a_non_accredited_organisation_is_refused()
    {
        var retail = _chain.IssuePerson("retail-one", "qa", Roles.Retailer);
        _chain.Refuse(_chain.Inspect(retail, EvidenceChain.HashOf("r1"), "cable-co", "cable", true), "not an accredited testing laboratory");

        var inspector = Lab();
        // Accredited, but not for transformers.
        _chain.Refuse(_chain.Inspect(inspector, EvidenceChain.HashOf("r2"), "cable-co", "transformer", true), "not accredited for category");
        // Not a supplier.
        _chain.Refuse(_chain.Inspect(inspector, EvidenceChain.HashOf("r3"), "steel-works", "cable", true), "is not a Supplier");

        // Withdrawn accreditation stops the laboratory.
        TestChain.AssertOk(_chain.CommitOne(_chain.Tx("regulator", EvidenceContract.ContractName, "withdrawAccreditation",
            new EvidenceContract.WithdrawAccreditationArgs("grid-east"))));
        _chain.Refuse(_chain.Inspect(inspector, EvidenceChain.HashOf("r4"), "cable-co", "cable", true), "not an accredited testing laboratory");
        Assert.Null(_chain.Supplier("cable-co"));
    }

    [Fact]
    public void Inspections_build_the_suppliers_history_per_category_and_its_score()
    {
        var inspector = Lab();
        var results = new[] { ("cable", true), ("cable", true), ("cable", false), ("meter", true) };
        for (var i = 0; i < results.Length; i++)
            TestChain.AssertOk(_chain.CommitOne(_chain.Inspect(inspector, EvidenceChain.HashOf("report " + i), "cable-co", results[i].Item1, results[i].Item2, $"B-{i}")));

        var record = _chain.Supplier("cable-co")!;
        var cable = Assert.Single(record.Categories, c => c.Category == "cable");
        Assert.Equal((2, 1, SupplierScore.Of(2, 1)), (cable.Passed, cable.Failed, cable.Score));
        Assert.Equal(60, cable.Score);                       // round(100 * 3 / 5)
        var meter = Assert.Single(record.Categories, c => c.Category == "meter");
        Assert.Equal(67, meter.Score);                       // round(100 * 2 / 3)
        Assert.Equal((3, 1, 67), (record.Passed, record.Failed, record.Score)); // round(100 * 4 / 6) = 66.67 -> 67

        var history = _chain.Ledger.Store.Scan(EvidenceKeys.InspectionsOf("cable-co") + "cable/").ToList();
        Assert.Equal(3, history.Count);
        Assert.Equal(DocumentTypes.InspectionReport, _chain.Document(EvidenceChain.HashOf("report 2"))!.Type);
        Assert.Equal(["cable-co", "grid-east"], _chain.Document(EvidenceChain.HashOf("report 2"))!.Labels.Parties);
    }

    [Fact]
    public void A_report_counts_once()
    {
        var inspector = Lab();
        var hash = EvidenceChain.HashOf("report");
        TestChain.AssertOk(_chain.CommitOne(_chain.Inspect(inspector, hash, "cable-co", "cable", false)));
        _chain.Refuse(_chain.Inspect(inspector, hash, "cable-co", "cable", true), "a report counts once");
        Assert.Equal(1, _chain.Supplier("cable-co")!.Failed);
    }

    [Theory]
    [InlineData(0, 0, 50)]
    [InlineData(1, 0, 67)]
    [InlineData(0, 1, 33)]
    [InlineData(10, 0, 92)]
    [InlineData(9, 1, 83)]
    [InlineData(1, 1, 50)]
    [InlineData(2, 1, 60)]
    [InlineData(0, 10, 8)]
    [InlineData(1000, 0, 100)]
    [InlineData(1, 2, 40)]
    public void The_score_is_the_pass_rate_with_one_pass_and_one_failure_assumed(int passed, int failed, int score) =>
        Assert.Equal(score, SupplierScore.Of(passed, failed));

    [Fact]
    public void The_score_is_between_0_and_100_and_rises_with_a_pass_and_falls_with_a_failure()
    {
        for (var p = 0; p < 40; p++)
        for (var f = 0; f < 40; f++)
        {
            var s = SupplierScore.Of(p, f);
            Assert.InRange(s, 0, 100);
            Assert.True(SupplierScore.Of(p + 1, f) >= s);
            Assert.True(SupplierScore.Of(p, f + 1) <= s);
        }
    }

    // ---- qualifications ---------------------------------------------------------------------------------------

    [Fact]
    public void Only_the_persons_own_org_admin_grants_a_qualification()
    {
        var worker = _chain.IssuePerson("grid-east", "worker", Roles.GridCompany);
        var steelAdmin = _chain.IssuePerson("steel-works", "admin", Roles.OrgAdmin);
        _chain.Refuse(_chain.Grant(steelAdmin, worker, Qualifications.WorkLeader), "own organisation");
        _chain.Refuse(_chain.Grant(worker, worker, Qualifications.WorkLeader), "only an organisation admin");
        _chain.Refuse(_chain.Grant("grid-east", worker, "crane-driver"), "qualification must be one of");
        _chain.Refuse(_chain.Grant("grid-east", "grid-east", Qualifications.WorkLeader), "not to an organisation's root");
        TestChain.AssertOk(_chain.CommitOne(_chain.Grant("grid-east", worker, Qualifications.WorkLeader)));
        _chain.Refuse(_chain.Grant("grid-east", worker, Qualifications.WorkLeader), "already holds");
        TestChain.AssertOk(_chain.CommitOne(_chain.Revoke("grid-east", worker, Qualifications.WorkLeader)));
        _chain.Refuse(_chain.Revoke("grid-east", worker, Qualifications.WorkLeader), "does not hold");
    }

    // ---- work tickets -----------------------------------------------------------------------------------------

    private (string Issuer, string Permitter, string Leader) Crew()
    {
        var issuer = _chain.IssuePerson("grid-east", "issuer", Roles.GridCompany);
        var permitter = _chain.IssuePerson("grid-east", "permitter", Roles.GridCompany);
        var leader = _chain.IssuePerson("grid-east", "leader", Roles.GridCompany);
        Assert.All(_chain.Commit(
            _chain.Grant("grid-east", issuer, Qualifications.TicketIssuer),
            _chain.Grant("grid-east", permitter, Qualifications.WorkPermitter),
            _chain.Grant("grid-east", leader, Qualifications.WorkLeader)), TestChain.AssertOk);
        return (issuer, permitter, leader);
    }

    [Fact]
    public void A_work_ticket_goes_through_its_steps_in_order_each_signed_by_a_qualified_person()
    {
        var (issuer, permitter, leader) = Crew();
        var hash = EvidenceChain.HashOf("ticket form");
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueTicket(issuer, "WT-1", leader, hash)));
        const string id = "grid-east:WT-1";
        Assert.Equal(DocumentTypes.WorkTicket, _chain.Document(hash)!.Type);
        TestChain.AssertOk(_chain.CommitOne(_chain.Step(permitter, id, WorkTicketSteps.SafetyMeasuresDone)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Step(leader, id, WorkTicketSteps.WorkStarted)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Step(leader, id, WorkTicketSteps.WorkFinished)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Step(permitter, id, WorkTicketSteps.Closed)));
        var ticket = _chain.Ticket(id)!;
        Assert.Equal(WorkTicketSteps.Order, ticket.Steps.Select(s => s.Step));
        Assert.Equal([issuer, permitter, leader, leader, permitter], ticket.Steps.Select(s => s.CertificateId));
        Assert.Null(ticket.NextStep);
        _chain.Refuse(_chain.Step(permitter, id, WorkTicketSteps.Closed), "is closed");
    }

    [Fact]
    public void A_step_out_of_order_is_refused()
    {
        var (issuer, permitter, leader) = Crew();
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueTicket(issuer, "WT-2", leader)));
        const string id = "grid-east:WT-2";
        _chain.Refuse(_chain.Step(leader, id, WorkTicketSteps.WorkStarted), "out of order");       // safety measures first
        _chain.Refuse(_chain.Step(permitter, id, WorkTicketSteps.Closed), "out of order");
        _chain.Refuse(_chain.Step(issuer, id, WorkTicketSteps.Issued), "out of order");             // not twice
        TestChain.AssertOk(_chain.CommitOne(_chain.Step(permitter, id, WorkTicketSteps.SafetyMeasuresDone)));
        _chain.Refuse(_chain.Step(leader, id, WorkTicketSteps.WorkFinished), "out of order");       // not before starting
        _chain.Refuse(_chain.Step(permitter, id, WorkTicketSteps.SafetyMeasuresDone), "out of order");
        _chain.Refuse(_chain.Step(leader, id, "lunch-break"), "step must be one of");
    }

    [Fact]
    public void A_step_by_an_unqualified_person_is_refused()
    {
        var (issuer, permitter, leader) = Crew();
        var unqualified = _chain.IssuePerson("grid-east", "apprentice", Roles.GridCompany);
        _chain.Refuse(_chain.IssueTicket(unqualified, "WT-3", leader), "does not hold the qualification \"ticket-issuer\"");
        _chain.Refuse(_chain.IssueTicket(issuer, "WT-3", unqualified), "does not hold the qualification \"work-leader\"");
        _chain.Refuse(_chain.IssueTicket(issuer, "WT-3", "grid-east/ghost"), "has no valid certificate");

        TestChain.AssertOk(_chain.CommitOne(_chain.IssueTicket(issuer, "WT-3", leader)));
        const string id = "grid-east:WT-3";
        _chain.Refuse(_chain.Step(unqualified, id, WorkTicketSteps.SafetyMeasuresDone), "does not hold the qualification \"work-permitter\"");
        _chain.Refuse(_chain.Step(leader, id, WorkTicketSteps.SafetyMeasuresDone), "does not hold the qualification \"work-permitter\"");
        TestChain.AssertOk(_chain.CommitOne(_chain.Step(permitter, id, WorkTicketSteps.SafetyMeasuresDone)));

        // Another qualified work leader is still not this ticket's leader.
        var otherLeader = _chain.IssuePerson("grid-east", "leader2", Roles.GridCompany);
        TestChain.AssertOk(_chain.CommitOne(_chain.Grant("grid-east", otherLeader, Qualifications.WorkLeader)));
        _chain.Refuse(_chain.Step(otherLeader, id, WorkTicketSteps.WorkStarted), "only the ticket's work leader");

        // A qualification revoked is a qualification lost.
        TestChain.AssertOk(_chain.CommitOne(_chain.Revoke("grid-east", leader, Qualifications.WorkLeader)));
        _chain.Refuse(_chain.Step(leader, id, WorkTicketSteps.WorkStarted), "does not hold the qualification \"work-leader\"");
    }

    [Fact]
    public void Issuer_and_permitter_cannot_be_the_work_leader_and_a_permitter_of_another_organisation_is_refused()
    {
        var (issuer, permitter, leader) = Crew();
        TestChain.AssertOk(_chain.CommitOne(_chain.Grant("grid-east", issuer, Qualifications.WorkLeader)));
        _chain.Refuse(_chain.IssueTicket(issuer, "WT-4", issuer), "issuer cannot be the ticket's work leader");

        TestChain.AssertOk(_chain.CommitOne(_chain.Grant("grid-east", permitter, Qualifications.WorkLeader)));
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueTicket(issuer, "WT-4", permitter)));
        _chain.Refuse(_chain.Step(permitter, "grid-east:WT-4", WorkTicketSteps.SafetyMeasuresDone), "cannot also be the ticket's work permitter");

        var outsider = _chain.IssuePerson("steel-works", "electrician", Roles.Consumer);
        TestChain.AssertOk(_chain.CommitOne(_chain.Grant("steel-works", outsider, Qualifications.WorkPermitter)));
        _chain.Refuse(_chain.Step(outsider, "grid-east:WT-4", WorkTicketSteps.SafetyMeasuresDone), "only a person of \"grid-east\"");
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueTicket(issuer, "WT-5", leader)));
        _chain.Refuse(_chain.IssueTicket(issuer, "WT-5", leader), "already exists");
    }
}
