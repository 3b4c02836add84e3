using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Registry;
using static ConsortiumPortal.Contracts.Tests.Registry.RegistryFixtures;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>Every transition of the registration lifecycle, each with what it must leave behind.</summary>
public sealed class RegistryLifecycleTests : IDisposable
{
    private readonly RegistryChain _chain = new();
    public void Dispose() => _chain.Dispose();

    [Fact]
    public void An_application_is_submitted_as_version_1_with_its_record_hash_and_claims_its_code()
    {
        var details = Details(1);
        var id = _chain.Apply("retail-one", details);
        var p = _chain.Participant(id);
        Assert.Equal("P000001", id);
        Assert.Equal(ParticipantStatus.Submitted, p.Status);
        Assert.Equal("retail-one", p.OrganisationId);
        Assert.Null(p.InForceVersion);
        Assert.Equal(new PendingReview(1, ChangeKind.Initial, ParticipantStatus.Submitted, null), p.Pending);
        var version = Assert.Single(_chain.Versions(id));
        Assert.Equal(VersionStatus.Proposed, version.Status);
        Assert.Equal(RegistryContract.RecordHash(id, 1, version.Details), p.RecordHash);
        Assert.Equal(64, p.RecordHash.Length);
        Assert.Equal(id, _chain.Read<CodeClaim>(RegistryKeys.Code(details.CreditCode))!.ParticipantId);
        Assert.Equal(["jiangsu", "zhejiang"], p.Details.Provinces);
    }

    [Fact]
    public void Review_approval_disclosure_and_activation_after_the_period_by_block_time()
    {
        var id = _chain.Apply("retail-one", Details(2));
        _chain.Do(Center, "startReview", P(id));
        Assert.Equal(ParticipantStatus.UnderReview, _chain.Participant(id).Status);

        var approvedAt = _chain.Now;
        _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs));
        var p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.Disclosure, p.Status);
        Assert.Equal(approvedAt + DayMs, p.Pending!.DisclosureEndsAt);

        // Anyone may comment while the period runs; activation must wait for it to elapse.
        _chain.Do("nea-reg", "comment", new RegistryContract.CommentArgs(id, "Documents look complete.", false));
        _chain.Refuse(_chain.Registry(Center, "activate", P(id)), "the disclosure period runs until");
        _chain.Now = approvedAt + DayMs - 1;
        _chain.Refuse(_chain.Registry(Center, "activate", P(id)), "the disclosure period runs until");
        _chain.Now = approvedAt + DayMs;
        _chain.Do(Center, "activate", P(id));

        p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.Active, p.Status);
        Assert.Equal(1, p.InForceVersion);
        Assert.Null(p.Pending);
        Assert.Equal(1, p.CommentCount);
        var v = Assert.Single(_chain.Versions(id));
        Assert.Equal(VersionStatus.InForce, v.Status);
        Assert.Equal(approvedAt + DayMs, v.EffectiveAt);
        Assert.True(ParticipantDirectory.IsActive(_chain.View(), "retail-one"));
    }

    [Fact]
    public void The_applicant_may_activate_too_once_the_period_has_elapsed()
    {
        var id = _chain.Apply("retail-one", Details(3));
        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs));
        _chain.Now += DayMs;
        _chain.Do("retail-one", "activate", P(id));
        Assert.Equal(ParticipantStatus.Active, _chain.Participant(id).Status);
    }

    [Fact]
    public void Changes_requested_then_resubmitted_as_a_new_version_and_reviewed_again()
    {
        var id = _chain.Apply("retail-one", Details(4));
        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "requestChanges", Why(id, "the licence scan is unreadable"));
        var p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.ChangesRequested, p.Status);
        Assert.Equal("the licence scan is unreadable", p.LastReason);
        Assert.Equal(VersionStatus.Returned, _chain.Versions(id)[0].Status);

        var fixedDetails = Details(4) with { Documents = [new AnchoredDocument("Business licence (rescanned)", new string('b', 64))] };
        _chain.Do("retail-one", "resubmit", new RegistryContract.DetailsArgs(id, fixedDetails));
        p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.Resubmitted, p.Status);
        Assert.Equal(2, p.LatestVersion);
        Assert.Equal(2, p.Pending!.Version);
        Assert.Equal("Business licence (rescanned)", p.Details.Documents[0].Title);
        Assert.Equal([VersionStatus.Returned, VersionStatus.Proposed], _chain.Versions(id).Select(v => v.Status));

        _chain.Do(Center, "startReview", P(id));
        Assert.Equal(ParticipantStatus.UnderReview, _chain.Participant(id).Status);
    }

    [Fact]
    public void A_resubmission_may_correct_the_credit_code_and_the_old_code_is_freed()
    {
        var id = _chain.Apply("retail-one", Details(5));
        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "requestChanges", Why(id, "wrong code"));
        _chain.Do("retail-one", "resubmit", new RegistryContract.DetailsArgs(id, Details(6)));
        Assert.Null(_chain.Read<CodeClaim>(RegistryKeys.Code(Code(5))));
        Assert.Equal(id, _chain.Read<CodeClaim>(RegistryKeys.Code(Code(6)))!.ParticipantId);
        // The freed code can be used by someone else.
        _chain.Apply("retail-one", Details(5));
    }

    [Fact]
    public void An_upheld_objection_sends_the_version_back_for_changes()
    {
        var id = _chain.Apply("retail-one", Details(7));
        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs));
        _chain.Do("gen-wind", "comment", new RegistryContract.CommentArgs(id, "Welcome.", false));
        _chain.Do("grid-east", "comment", new RegistryContract.CommentArgs(id, "The stated province list includes one without a grid contract.", true));
        var objection = _chain.Scan<DisclosureComment>(RegistryKeys.Comments(id))[1];
        Assert.True(objection.Objection);
        Assert.Equal("grid-east", objection.OrganisationId);

        _chain.Refuse(_chain.Registry(Center, "upholdObjection", new RegistryContract.UpholdArgs(id, 1, "x")), "only an objection can be upheld");
        _chain.Do(Center, "upholdObjection", new RegistryContract.UpholdArgs(id, 2, "no grid contract in zhejiang"));
        var p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.ChangesRequested, p.Status);
        Assert.Null(p.Pending!.DisclosureEndsAt);
        Assert.True(_chain.Scan<DisclosureComment>(RegistryKeys.Comments(id))[1].Upheld);

        _chain.Do("retail-one", "resubmit", new RegistryContract.DetailsArgs(id, Details(7, provinces: ["jiangsu"])));
        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs));
        // The old objection was against version 1: it cannot be upheld against version 2.
        _chain.Refuse(_chain.Registry(Center, "upholdObjection", new RegistryContract.UpholdArgs(id, 2, "again")), "earlier version");
    }

    [Fact]
    public void Suspend_reinstate_and_a_voluntary_exit()
    {
        var id = _chain.Activate("retail-one", Details(8));
        _chain.Do(Center, "suspend", Why(id, "margin call unanswered"));
        Assert.Equal(ParticipantStatus.Suspended, _chain.Participant(id).Status);
        Assert.False(ParticipantDirectory.IsActive(_chain.View(), "retail-one"));
        _chain.Do(Center, "reinstate", Why(id, "margin posted"));
        Assert.Equal(ParticipantStatus.Active, _chain.Participant(id).Status);
        _chain.Do("retail-one", "exit", Why(id, "leaving the market"));
        var p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.Exited, p.Status);
        Assert.Equal("leaving the market", p.LastReason);
        var exit = Assert.Single(_chain.Scan<CreditEvent>(CreditKeys.Events("retail-one")));
        Assert.Equal((CreditEventKind.Exit, 0L), (exit.Kind, exit.Amount));
        // The code stays claimed: an exited participant's record is kept, not reused.
        _chain.Refuse(_chain.Registry("retail-one", "apply", new RegistryContract.ApplyArgs(Details(8))), "already registered");
    }

    [Fact]
    public void A_suspended_participant_can_exit_and_a_trading_centre_can_force_an_exit_which_costs_credit()
    {
        var id = _chain.Activate("retail-one", Details(9));
        _chain.Do(Center, "suspend", Why(id, "repeated defaults"));
        _chain.Do(Center, "exit", Why(id, "expelled"));
        Assert.Equal(ParticipantStatus.Exited, _chain.Participant(id).Status);
        var rating = _chain.Read<CreditRating>(CreditKeys.Rating("retail-one"))!;
        Assert.Equal(CreditEvents.BaseScore - 100, rating.Score);
    }

    [Fact]
    public void Exit_is_refused_while_the_organisation_has_an_open_obligation_and_allowed_once_it_is_closed()
    {
        var id = _chain.Activate("retail-one", Details(10));
        _chain.Ok(_chain.Tx(Center, "probe", "open", new ObligationProbeContract.ObligationArgs("retail-one", "voucher-sale", "V-1")));
        _chain.Ok(_chain.Tx(Center, "probe", "open", new ObligationProbeContract.ObligationArgs("retail-one", "receivable", "R-7")));
        _chain.Refuse(_chain.Registry("retail-one", "exit", Why(id, "leaving")), "has 2 open obligation(s)");
        _chain.Refuse(_chain.Registry(Center, "exit", Why(id, "expelled")), "open obligation");
        _chain.Ok(_chain.Tx(Center, "probe", "close", new ObligationProbeContract.ObligationArgs("retail-one", "voucher-sale", "V-1")));
        _chain.Refuse(_chain.Registry("retail-one", "exit", Why(id, "leaving")), "has 1 open obligation(s)");
        _chain.Ok(_chain.Tx(Center, "probe", "close", new ObligationProbeContract.ObligationArgs("retail-one", "receivable", "R-7")));
        _chain.Do("retail-one", "exit", Why(id, "leaving"));
        Assert.Equal(ParticipantStatus.Exited, _chain.Participant(id).Status);
    }

    [Fact]
    public void Obligations_cannot_be_opened_twice_or_closed_when_not_open()
    {
        _chain.Ok(_chain.Tx(Center, "probe", "open", new ObligationProbeContract.ObligationArgs("retail-one", "dr-event", "E-1")));
        Assert.Null(_chain.CommitOne(_chain.Tx(Center, "probe", "open", new ObligationProbeContract.ObligationArgs("retail-one", "dr-event", "E-1"))).Output);
        _chain.Refuse(_chain.Tx(Center, "probe", "open", new ObligationProbeContract.ObligationArgs("retail-one", "dr-event", "E-1")), "already open");
        _chain.Refuse(_chain.Tx(Center, "probe", "close", new ObligationProbeContract.ObligationArgs("retail-one", "dr-event", "E-2")), "is not open");
        _chain.Refuse(_chain.Tx(Center, "probe", "open", new ObligationProbeContract.ObligationArgs("retail-one", "a/b", "E-3")), "without '/'");
    }

    [Fact]
    public void A_minor_change_is_in_force_at_once_as_a_new_version()
    {
        var id = _chain.Activate("steel-works", Details(11, ParticipantType.LargeConsumer, "Steel Works Co.", capacity: 120_000_000));
        var before = _chain.Participant(id);
        _chain.Do("steel-works", "changeMinor", new RegistryContract.MinorChangeArgs(id, 150_000_000,
            [new Contact("Wang Fang", "Energy manager", "", "wang.fang@example.cn")], []));
        var p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.Active, p.Status);
        Assert.Equal(2, p.InForceVersion);
        Assert.Equal(150_000_000, p.Details.CapacityKw1000);
        Assert.NotEqual(before.RecordHash, p.RecordHash);
        Assert.Equal([(1, VersionStatus.Superseded, ChangeKind.Initial), (2, VersionStatus.InForce, ChangeKind.Minor)],
            _chain.Versions(id).Select(v => (v.Version, v.Status, v.Kind)));
        _chain.Refuse(_chain.Registry("steel-works", "changeMinor", new RegistryContract.MinorChangeArgs(id, 150_000_000,
            [new Contact("Wang Fang", "Energy manager", "", "wang.fang@example.cn")], [])), "nothing changed");
    }

    [Fact]
    public void A_major_change_is_reviewed_and_disclosed_while_the_version_in_force_stays_in_force()
    {
        var id = _chain.Activate("retail-one", Details(12));
        var inForce = _chain.Participant(id);
        var renamed = Details(13, name: "Retailer Twelve (Jiangsu) Co., Ltd.", provinces: ["jiangsu", "anhui"]);
        _chain.Do("retail-one", "proposeChange", new RegistryContract.DetailsArgs(id, renamed));
        var p = _chain.Participant(id);
        Assert.Equal(ParticipantStatus.Active, p.Status);
        Assert.Equal((inForce.Details.LegalName, inForce.Details.CreditCode, 1), (p.Details.LegalName, p.Details.CreditCode, p.InForceVersion));
        Assert.Equal(inForce.RecordHash, p.RecordHash);
        Assert.Equal(new PendingReview(2, ChangeKind.Major, ParticipantStatus.Submitted, null), p.Pending);
        // Both codes are claimed while the change is pending.
        _chain.Refuse(_chain.Registry("retail-one", "apply", new RegistryContract.ApplyArgs(Details(13))), "already registered");
        _chain.Refuse(_chain.Registry("retail-one", "proposeChange", new RegistryContract.DetailsArgs(id, Details(14, name: "Other"))), "already under review");

        // A minor change meanwhile takes effect at once and survives the major change.
        _chain.Do("retail-one", "changeMinor", new RegistryContract.MinorChangeArgs(id, 0,
            [new Contact("Han Mei", "Trader", "+86 25 1", "")], []));
        Assert.Equal(3, _chain.Participant(id).InForceVersion);

        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs));
        Assert.Equal(ParticipantStatus.Active, _chain.Participant(id).Status);
        Assert.Equal(Code(12), _chain.Participant(id).Details.CreditCode);
        _chain.Now += DayMs;
        _chain.Do(Center, "activate", P(id));

        p = _chain.Participant(id);
        Assert.Equal(2, p.InForceVersion);
        Assert.Equal("Retailer Twelve (Jiangsu) Co., Ltd.", p.Details.LegalName);
        Assert.Equal(Code(13), p.Details.CreditCode);
        Assert.Equal(["anhui", "jiangsu"], p.Details.Provinces);
        Assert.Equal("Han Mei", Assert.Single(p.Details.Contacts).Name);
        Assert.Equal(RegistryContract.RecordHash(id, 2, p.Details), p.RecordHash);
        Assert.Equal([VersionStatus.Superseded, VersionStatus.InForce, VersionStatus.Superseded], _chain.Versions(id).Select(v => v.Status));
        // The old code is free again, the new one belongs to this participant.
        Assert.Null(_chain.Read<CodeClaim>(RegistryKeys.Code(Code(12))));
        Assert.Equal(id, _chain.Read<CodeClaim>(RegistryKeys.Code(Code(13)))!.ParticipantId);
    }

    [Fact]
    public void A_major_change_sent_back_keeps_the_minor_fields_in_force_when_resubmitted()
    {
        var id = _chain.Activate("retail-one", Details(15));
        _chain.Do("retail-one", "proposeChange", new RegistryContract.DetailsArgs(id, Details(15, name: "New name")));
        _chain.Do(Center, "startReview", P(id));
        _chain.Do(Center, "requestChanges", Why(id, "name does not match the licence"));
        Assert.Equal(ParticipantStatus.Active, _chain.Participant(id).Status);
        _chain.Refuse(_chain.Registry("retail-one", "resubmit", new RegistryContract.DetailsArgs(id, Details(15))), "must change the name");
        _chain.Do("retail-one", "resubmit", new RegistryContract.DetailsArgs(id, Details(15, name: "New name Co., Ltd.") with { CapacityKw1000 = 5 }));
        var v3 = _chain.Versions(id)[2];
        Assert.Equal(0, v3.Details.CapacityKw1000);
        Assert.Equal(ParticipantStatus.Resubmitted, _chain.Participant(id).Pending!.Stage);
    }

    [Fact]
    public void Exiting_withdraws_a_pending_major_change_and_frees_its_code()
    {
        var id = _chain.Activate("retail-one", Details(16));
        _chain.Do("retail-one", "proposeChange", new RegistryContract.DetailsArgs(id, Details(17)));
        _chain.Do("retail-one", "exit", Why(id, "merger"));
        Assert.Equal(VersionStatus.Withdrawn, _chain.Versions(id)[1].Status);
        Assert.Null(_chain.Read<CodeClaim>(RegistryKeys.Code(Code(17))));
        Assert.Null(_chain.Participant(id).Pending);
    }

    [Fact]
    public void Types_map_to_roles_and_a_person_acting_for_the_organisation_may_apply()
    {
        var trader = _chain.IssuePerson("gen-wind", "trader", Roles.Generator);
        var admin = _chain.IssuePerson("vpp-agg", "admin", Roles.OrgAdmin);
        _chain.Apply(trader, Details(18, ParticipantType.Generator, capacity: 300_000_000));
        _chain.Apply(trader, Details(19, ParticipantType.EnergyStorage, capacity: 50_000_000));
        _chain.Apply(admin, Details(20, ParticipantType.Aggregator, capacity: 80_000_000));
        _chain.Apply("grid-east", Details(21, ParticipantType.GridCompany));
    }
}
