using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Registry;
using System.Collections.Concurrent;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>The demo consortium, every wave committed once for the tests of this class.</summary>
public sealed class SeededDemo : IDisposable
{
    private readonly ConcurrentDictionary<string, Sm2KeyPair> _keys = new(StringComparer.Ordinal);
    internal TestChain Chain { get; }
    public DemoConsortium Demo { get; }

    public Sm2KeyPair KeyFor(string id) => _keys.GetOrAdd(id, _ => Sm2.Generate());

    public SeededDemo()
    {
        Demo = new DemoConsortium(KeyFor, new ConsortiumNode("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:1", "http://127.0.0.1:2"), TestChain.GenesisTime);
        Chain = new TestChain(Demo.Genesis, KeyFor, Demo.NodeId) { StepMs = 5 };
        Chain.CommitDemo(Demo, KeyFor);
    }

    public T Read<T>(string key) => ConsortiumPortal.Chain.Encoding.CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(Chain.Ledger.Store.Get(key)!));

    public void Dispose() => Chain.Dispose();
}

/// <summary>The demo consortium's registry: every wave commits, every lifecycle state is present, and a supplier joins.</summary>
public sealed class RegistrySeedTests(SeededDemo seeded) : IClassFixture<SeededDemo>
{
    private TestChain Chain => seeded.Chain;

    [Fact]
    public void The_demo_has_participants_in_every_state_proposals_and_ratings()
    {
        var participants = Chain.Ledger.Store.Scan(RegistryKeys.ParticipantPrefix).Select(p => seeded.Read<Participant>(p.Key)).ToList();
        Assert.Equal(Enum.GetValues<ParticipantStatus>().Order(), participants.Select(p => p.Status).Distinct().Order());
        Assert.Contains(participants, p => p is { Status: ParticipantStatus.Active, Pending.Stage: ParticipantStatus.UnderReview, Pending.Kind: ChangeKind.Major });
        Assert.Contains(participants, p => p is { Status: ParticipantStatus.Active, InForceVersion: 2 });
        Assert.Equal(RegistrySeed.DemoSettings, seeded.Read<RegistrySettings>(RegistryKeys.Settings));
        var proposals = Chain.Ledger.Store.Scan(GovernanceKeys.ProposalPrefix).Select(p => seeded.Read<Proposal>(p.Key)).ToList();
        Assert.Equal([ProposalStatus.Passed, ProposalStatus.Open, ProposalStatus.Open, ProposalStatus.Rejected, ProposalStatus.Passed], proposals.Select(p => p.Status));
        Assert.True(Chain.Ledger.Store.Scan(CreditKeys.RatingPrefix).Count() >= 4);
    }

    [Fact]
    public void The_onboarded_supplier_was_voted_in_and_is_an_active_member_whose_people_can_sign()
    {
        // Voting members are counted from the ledger: the founders plus whoever governance admitted.
        var members = Chain.Ledger.Store.Scan(MembershipContract.Keys.OrganisationPrefix).Select(p => seeded.Read<Organisation>(p.Key)).ToList();
        Assert.Equal(DemoOnboarding.AllOrganisations.Select(o => o.Id).Order(), members.Select(o => o.Id).Order());
        Assert.True(members.Count > DemoConsortium.Organisations.Count);

        var admission = seeded.Read<Proposal>(GovernanceKeys.Proposal("G00005"));
        Assert.Equal((ProposalKind.AdmitOrganisation, ProposalStatus.Passed, DemoOnboarding.InsulCo), (admission.Kind, admission.Status, admission.Change.Organisation!.Id));
        Assert.Equal((int?)DemoConsortium.Organisations.Count, admission.VotersAtDecision);
        Assert.Equal(GovernanceContract.VotesNeeded(DemoConsortium.Organisations.Count, seeded.Demo.Genesis.Policy), (long)admission.YesVotes);

        var supplier = Assert.Single(members, o => o.Id == DemoOnboarding.InsulCo);
        Assert.Equal([Roles.Supplier], supplier.Roles);
        Assert.True(supplier.AdmittedAtHeight > 0);
        Assert.Equal(seeded.KeyFor(DemoOnboarding.InsulCo).PublicKeyHex, supplier.PublicKey);
        Assert.Equal($"governance:{admission.Id}", Chain.Certificate(DemoOnboarding.InsulCo)!.IssuedBy);
        foreach (var person in DemoOnboarding.People)
        {
            var certificate = Chain.Certificate(person.CertificateId)!;
            Assert.Equal((DemoOnboarding.InsulCo, DemoOnboarding.InsulCo, false), (certificate.OrganisationId, certificate.IssuedBy, certificate.IsRevoked));
            Assert.Equal(person.Roles.Order(), certificate.Roles.Order());
            Assert.Equal(seeded.KeyFor(person.CertificateId).PublicKeyHex, certificate.PublicKey);
        }
        Assert.True(Chain.Balance(DemoOnboarding.InsulCo) > 0, "its bank opened its settlement account");

        // Its people sign: the operator pays, the admin casts the organisation's vote on the open admission of js-storage.
        var before = Chain.Balance("meter-co");
        TestChain.AssertOk(Chain.CommitOne(Chain.Tx($"{DemoOnboarding.InsulCo}/operator", SettlementContract.ContractName, "transfer",
            new SettlementContract.TransferArgs("meter-co", 1_00, "sample terminal blocks returned"))));
        Assert.Equal(before + 1_00, Chain.Balance("meter-co"));
        TestChain.AssertOk(Chain.CommitOne(Chain.Tx($"{DemoOnboarding.InsulCo}/admin", GovernanceContract.ContractName, "vote", new GovernanceContract.VoteArgs("G00003", false))));
        Assert.Equal(1, seeded.Read<Proposal>(GovernanceKeys.Proposal("G00003")).NoVotes);
    }
}
