using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Registry;
using static ConsortiumPortal.Contracts.Tests.Registry.RegistryFixtures;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>Every refused transition: wrong role, wrong organisation, wrong state, bad input. Each leaves state unchanged.</summary>
public sealed class RegistryRefusalTests : IDisposable
{
    private readonly RegistryChain _chain = new();
    public void Dispose() => _chain.Dispose();

    private string Submitted(int n) => _chain.Apply("retail-one", Details(n));

    private string UnderReview(int n) { var id = Submitted(n); _chain.Do(Center, "startReview", P(id)); return id; }

    private string InDisclosure(int n) { var id = UnderReview(n); _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs)); return id; }

    private RegistryContract.ApplyArgs ApplyArgs(ParticipantDetails d) => new(d);

    // ---- bad input -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("91350100M000100Y4", "18 characters")]
    [InlineData("91350100M000100Y44", "check character")]
    [InlineData("91350100M000100Y4I", "not allowed")]
    [InlineData("91350100m000100Y43", "not allowed")]
    [InlineData("B1350100M000100Y43", "not a registration authority")]
    [InlineData("94350100M000100Y43", "not an organisation type")]
    [InlineData("913501A0M000100Y43", "administrative division")]
    public void A_bad_credit_code_is_refused(string code, string error) =>
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(Details(1) with { CreditCode = code })), error);

    [Fact]
    public void A_duplicate_credit_code_is_refused_whoever_applies()
    {
        Submitted(1);
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(Details(1, name: "Other name"))), $"credit code {Code(1)} is already registered (participant P000001)");
        _chain.Refuse(_chain.Registry("steel-works", "apply", ApplyArgs(Details(1, ParticipantType.LargeConsumer, capacity: 1))), "already registered");
    }

    [Fact]
    public void The_applying_organisation_must_hold_the_role_of_the_type()
    {
        _chain.Refuse(_chain.Registry("steel-works", "apply", ApplyArgs(Details(2))), "a Retailer must be registered by an organisation holding the Retailer role");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(Details(2, ParticipantType.Generator, capacity: 1))), "holding the Generator role");
        _chain.Refuse(_chain.Registry("icbc-bank", "apply", ApplyArgs(Details(2, ParticipantType.LargeConsumer, capacity: 1))), "holding the Consumer role");
    }

    [Fact]
    public void Details_are_validated()
    {
        var d = Details(3);
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { LegalName = " " })), "legal name");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Provinces = [] })), "at least one province");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Provinces = ["atlantis"] })), "unknown province \"atlantis\"");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Provinces = ["jiangsu", "jiangsu"] })), "listed twice");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { CapacityKw1000 = -1 })), "capacity");
        _chain.Refuse(_chain.Registry("steel-works", "apply", ApplyArgs(Details(3, ParticipantType.LargeConsumer))), "must state its capacity or load");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Contacts = [] })), "one to ten contacts");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Contacts = [new Contact("Li", "", "", "no-at-sign")] })), "phone number or e-mail");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Documents = [new AnchoredDocument("Licence", new string('A', 64))] })), "SM3 hash");
        _chain.Refuse(_chain.Registry("retail-one", "apply", ApplyArgs(d with { Documents = [new AnchoredDocument("Licence", "abc")] })), "SM3 hash");
    }

    // ---- wrong role or organisation ------------------------------------------------------------------------------

    [Fact]
    public void Only_a_person_acting_for_the_organisation_applies()
    {
        var clerk = _chain.IssuePerson("retail-one", "clerk");
        _chain.Refuse(_chain.Registry(clerk, "apply", ApplyArgs(Details(4))), "only a person acting for the organisation");
        // The Regulator organisation reads everything but is no market participant and holds no business role.
        _chain.Refuse(_chain.Registry("nea-reg", "apply", ApplyArgs(Details(4))), "holding the Retailer role");
    }

    [Theory]
    [InlineData("retail-one")]
    [InlineData("grid-east")]
    [InlineData("nea-reg")]
    public void Review_decisions_need_a_trading_centre(string signer)
    {
        var submitted = Submitted(5);
        var review = UnderReview(6);
        var disclosure = InDisclosure(7);
        _chain.Do("gen-wind", "comment", new RegistryContract.CommentArgs(disclosure, "objection", true));
        _chain.Refuse(_chain.Registry(signer, "startReview", P(submitted)), "only a TradingCenter");
        _chain.Refuse(_chain.Registry(signer, "requestChanges", Why(review)), "only a TradingCenter");
        _chain.Refuse(_chain.Registry(signer, "approve", new RegistryContract.ApproveArgs(review, DayMs)), "only a TradingCenter");
        _chain.Refuse(_chain.Registry(signer, "upholdObjection", new RegistryContract.UpholdArgs(disclosure, 1, "x")), "only a TradingCenter");
        var active = _chain.Activate("steel-works", Details(8, ParticipantType.LargeConsumer, capacity: 1));
        _chain.Refuse(_chain.Registry(signer, "suspend", Why(active)), "only a TradingCenter");
        _chain.Do(Center, "suspend", Why(active));
        _chain.Refuse(_chain.Registry(signer, "reinstate", Why(active)), "only a TradingCenter");
    }

    [Fact]
    public void A_trading_centre_person_needs_the_TradingCenter_role_not_just_the_organisation()
    {
        var id = Submitted(9);
        var clerk = _chain.IssuePerson(Center, "clerk");
        var reviewer = _chain.IssuePerson(Center, "reviewer", Roles.TradingCenter);
        _chain.Refuse(_chain.Registry(clerk, "startReview", P(id)), "only a TradingCenter");
        _chain.Do(reviewer, "startReview", P(id));
    }

    [Fact]
    public void Only_the_applicant_resubmits_changes_activates_or_exits_its_own_registration()
    {
        var returned = UnderReview(10);
        _chain.Do(Center, "requestChanges", Why(returned));
        _chain.Refuse(_chain.Registry("steel-works", "resubmit", new RegistryContract.DetailsArgs(returned, Details(10))), "only organisation \"retail-one\"");
        _chain.Refuse(_chain.Registry(Center, "resubmit", new RegistryContract.DetailsArgs(returned, Details(10))), "only organisation \"retail-one\"");

        var disclosure = InDisclosure(11);
        _chain.Now += DayMs;
        _chain.Refuse(_chain.Registry("steel-works", "activate", P(disclosure)), "only a TradingCenter or the applicant");
        _chain.Do("retail-one", "activate", P(disclosure));

        _chain.Refuse(_chain.Registry("steel-works", "changeMinor", new RegistryContract.MinorChangeArgs(disclosure, 1, Details(11).Contacts, [])), "only organisation");
        _chain.Refuse(_chain.Registry("steel-works", "proposeChange", new RegistryContract.DetailsArgs(disclosure, Details(12))), "only organisation");
        _chain.Refuse(_chain.Registry("steel-works", "exit", Why(disclosure)), "only the participant or a TradingCenter");
        _chain.Refuse(_chain.Registry("nea-reg", "exit", Why(disclosure)), "only the participant or a TradingCenter");
    }

    // ---- wrong state ---------------------------------------------------------------------------------------------

    [Fact]
    public void Review_steps_out_of_order_are_refused()
    {
        var submitted = Submitted(13);
        _chain.Refuse(_chain.Registry(Center, "approve", new RegistryContract.ApproveArgs(submitted, DayMs)), "is Submitted, not UnderReview");
        _chain.Refuse(_chain.Registry(Center, "requestChanges", Why(submitted)), "is Submitted, not UnderReview");
        _chain.Refuse(_chain.Registry("retail-one", "resubmit", new RegistryContract.DetailsArgs(submitted, Details(13))), "not ChangesRequested");
        _chain.Refuse(_chain.Registry(Center, "activate", P(submitted)), "not Disclosure");
        _chain.Refuse(_chain.Registry("gen-wind", "comment", new RegistryContract.CommentArgs(submitted, "hi", false)), "not Disclosure");

        var review = UnderReview(14);
        _chain.Refuse(_chain.Registry(Center, "startReview", P(review)), "is UnderReview, not Submitted or Resubmitted");

        var disclosure = InDisclosure(15);
        _chain.Refuse(_chain.Registry(Center, "approve", new RegistryContract.ApproveArgs(disclosure, DayMs)), "is Disclosure");
        _chain.Refuse(_chain.Registry(Center, "startReview", P(disclosure)), "is Disclosure");
        _chain.Refuse(_chain.Registry(Center, "requestChanges", Why(disclosure)), "is Disclosure");
    }

    [Fact]
    public void Registrations_not_in_force_cannot_be_suspended_changed_or_exited()
    {
        var submitted = Submitted(16);
        _chain.Refuse(_chain.Registry(Center, "suspend", Why(submitted)), "is Submitted, not Active");
        _chain.Refuse(_chain.Registry(Center, "reinstate", Why(submitted)), "not Suspended");
        _chain.Refuse(_chain.Registry("retail-one", "exit", Why(submitted)), "not Active or Suspended");
        _chain.Refuse(_chain.Registry("retail-one", "changeMinor", new RegistryContract.MinorChangeArgs(submitted, 1, Details(16).Contacts, [])), "not Active or Suspended");
        _chain.Refuse(_chain.Registry("retail-one", "proposeChange", new RegistryContract.DetailsArgs(submitted, Details(17))), "not Active or Suspended");
    }

    [Fact]
    public void Suspend_reinstate_and_exit_need_the_right_state()
    {
        var id = _chain.Activate("retail-one", Details(18));
        _chain.Refuse(_chain.Registry(Center, "reinstate", Why(id)), "is Active, not Suspended");
        _chain.Do(Center, "suspend", Why(id));
        _chain.Refuse(_chain.Registry(Center, "suspend", Why(id)), "is Suspended, not Active");
        _chain.Do("retail-one", "exit", Why(id));
        _chain.Refuse(_chain.Registry(Center, "reinstate", Why(id)), "is Exited");
        _chain.Refuse(_chain.Registry(Center, "suspend", Why(id)), "is Exited");
        _chain.Refuse(_chain.Registry("retail-one", "exit", Why(id)), "is Exited");
        _chain.Refuse(_chain.Registry("retail-one", "changeMinor", new RegistryContract.MinorChangeArgs(id, 1, Details(18).Contacts, [])), "is Exited");
    }

    [Fact]
    public void A_major_change_must_change_a_major_field()
    {
        var id = _chain.Activate("retail-one", Details(19));
        _chain.Refuse(_chain.Registry("retail-one", "proposeChange", new RegistryContract.DetailsArgs(id, Details(19) with { CapacityKw1000 = 9 })), "must change the name");
    }

    [Fact]
    public void Comments_close_with_the_disclosure_period_and_need_text()
    {
        var id = InDisclosure(20);
        _chain.Refuse(_chain.Registry("gen-wind", "comment", new RegistryContract.CommentArgs(id, "", false)), "a comment is 1..");
        _chain.Now += DayMs;
        _chain.Refuse(_chain.Registry("gen-wind", "comment", new RegistryContract.CommentArgs(id, "late objection", true)), "the disclosure period has ended");
    }

    [Fact]
    public void The_disclosure_period_must_lie_within_the_governed_bounds_and_reasons_are_required()
    {
        var id = UnderReview(21);
        _chain.Refuse(_chain.Registry(Center, "approve", new RegistryContract.ApproveArgs(id, DayMs - 1)), "must be between 86400000 and 2592000000 ms");
        _chain.Refuse(_chain.Registry(Center, "approve", new RegistryContract.ApproveArgs(id, 30 * DayMs + 1)), "must be between");
        _chain.Refuse(_chain.Registry(Center, "requestChanges", Why(id, "")), "a reason");
    }

    [Fact]
    public void Unknown_participants_and_comments_are_refused()
    {
        _chain.Refuse(_chain.Registry(Center, "startReview", P("P999999")), "participant \"P999999\" does not exist");
        var id = InDisclosure(22);
        _chain.Refuse(_chain.Registry(Center, "upholdObjection", new RegistryContract.UpholdArgs(id, 7, "x")), "comment 7");
    }
}
