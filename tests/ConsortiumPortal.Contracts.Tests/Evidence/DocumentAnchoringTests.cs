using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Evidence;

namespace ConsortiumPortal.Contracts.Tests.Evidence;

/// <summary>Anchoring, multi-party signing and versions of documents, each rule tried against a breaking attempt.</summary>
public sealed class DocumentAnchoringTests : IDisposable
{
    private readonly TestChain _chain = new(EvidenceChain.Organisations);
    private readonly string _gridClerk;
    private readonly string _steelBuyer;
    private readonly string _retailClerk;

    public DocumentAnchoringTests()
    {
        _gridClerk = _chain.IssuePerson("grid-east", "clerk", Roles.GridCompany);
        _steelBuyer = _chain.IssuePerson("steel-works", "buyer", Roles.Consumer);
        _retailClerk = _chain.IssuePerson("retail-one", "clerk", Roles.Retailer);
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void A_hash_anchored_twice_yields_one_record_and_the_second_anchor_answers_the_first()
    {
        var hash = EvidenceChain.HashOf("contract v1");
        var first = _chain.CommitOne(_chain.Anchor(_gridClerk, hash, ["steel-works"], ["grid-east", "steel-works"]));
        TestChain.AssertOk(first);
        Assert.Equal(hash, first.Output("documentId"));
        Assert.Equal("True", first.Output("created"));
        var before = _chain.State();

        // Someone else anchors the very same bytes, with other labels: no new record, the first one's id.
        var second = _chain.CommitOne(_chain.Anchor(_retailClerk, hash, ["grid-east"], [], DocumentTypes.Other));
        TestChain.AssertOk(second);
        Assert.Equal(hash, second.Output("documentId"));
        Assert.Equal("False", second.Output("created"));
        Assert.Empty(second.Events);
        Assert.Equal(before, _chain.State());
        Assert.Single(_chain.State().Keys, k => k.StartsWith(EvidenceKeys.DocumentPrefix, StringComparison.Ordinal));
        Assert.Equal("grid-east", _chain.Document(hash)!.Owner);
    }

    [Fact]
    public void A_document_requiring_two_signatures_is_pending_until_both_have_signed()
    {
        var hash = EvidenceChain.HashOf("supply contract between grid-east and steel-works");
        // The anchor is grid-east's signature; steel-works still has to sign.
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_gridClerk, hash, ["steel-works"], ["grid-east", "steel-works"])));
        var pending = _chain.Document(hash)!;
        Assert.Equal(DocumentStatus.Pending, pending.Status);
        Assert.Equal(["grid-east"], pending.Signatures.Select(s => s.OrganisationId));

        var signed = _chain.CommitOne(_chain.Sign(_steelBuyer, hash));
        TestChain.AssertOk(signed);
        var complete = _chain.Document(hash)!;
        Assert.Equal(DocumentStatus.Complete, complete.Status);
        var steel = Assert.Single(complete.Signatures, s => s.OrganisationId == "steel-works");
        Assert.Equal(_steelBuyer, steel.CertificateId);
        Assert.Equal(_chain.LastBlockTime, steel.SignedAt);
        Assert.Equal(signed.TxId, steel.TxId);
    }

    [Fact]
    public void Two_other_organisations_must_both_sign_and_the_anchoring_owner_need_not()
    {
        var hash = EvidenceChain.HashOf("three-party agreement");
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_gridClerk, hash, ["steel-works", "retail-one"], ["steel-works", "retail-one"])));
        Assert.Equal(DocumentStatus.Pending, _chain.Document(hash)!.Status);
        Assert.Empty(_chain.Document(hash)!.Signatures);
        TestChain.AssertOk(_chain.CommitOne(_chain.Sign(_steelBuyer, hash)));
        Assert.Equal(DocumentStatus.Pending, _chain.Document(hash)!.Status);
        TestChain.AssertOk(_chain.CommitOne(_chain.Sign(_retailClerk, hash)));
        Assert.Equal(DocumentStatus.Complete, _chain.Document(hash)!.Status);
    }

    [Fact]
    public void A_non_party_an_unrequired_party_a_second_signature_and_an_admin_alone_are_refused()
    {
        var hash = EvidenceChain.HashOf("contract");
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_gridClerk, hash, ["steel-works", "retail-one"], ["grid-east", "steel-works"])));
        var cable = _chain.IssuePerson("cable-co", "sales", Roles.Supplier);
        _chain.Refuse(_chain.Sign(cable, hash), "not a required signer");
        _chain.Refuse(_chain.Sign(_retailClerk, hash), "not a required signer");        // a party, but not asked to sign
        _chain.Refuse(_chain.Sign("regulator", hash), "not a required signer");
        _chain.Refuse(_chain.Sign(_gridClerk, hash), "already signed");
        var steelAdmin = _chain.IssuePerson("steel-works", "it-admin", Roles.OrgAdmin);
        _chain.Refuse(_chain.Sign(steelAdmin, hash), "not an admin role alone");
        _chain.Refuse(_chain.Sign(_steelBuyer, EvidenceChain.HashOf("never anchored")), "is not anchored");
        Assert.Equal(DocumentStatus.Pending, _chain.Document(hash)!.Status);
    }

    [Fact]
    public void Bad_hashes_types_parties_and_signers_are_refused()
    {
        var hash = EvidenceChain.HashOf("x");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash.ToUpperInvariant(), ["steel-works"], []), "64 lower-case hex");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash[..63], ["steel-works"], []), "64 lower-case hex");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], [], type: DocumentTypes.InspectionReport), "type must be one of");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["nobody-org"], []), "is not a member");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], ["retail-one"]), "is not a party");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], ["steel-works", "steel-works"]), "named twice");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], [], labels: EvidenceChain.Labels("t", "steel-works") with { EffectiveFrom = "2026-13-01" }), "yyyy-MM-dd");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], [], labels: EvidenceChain.Labels("t", "steel-works") with { EffectiveFrom = "2027-01-01" }), "not be after");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], [], labels: EvidenceChain.Labels("t", "steel-works") with { ContractNumber = "no spaces allowed" }), "contract number");
        _chain.Refuse(_chain.Anchor(_gridClerk, hash, ["steel-works"], [], labels: EvidenceChain.Labels(" ", "steel-works")), "title");
    }

    [Fact]
    public void The_owner_is_always_a_party_and_labels_are_kept()
    {
        var hash = EvidenceChain.HashOf("labels");
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_steelBuyer, hash, ["grid-east"], [])));
        var record = _chain.Document(hash)!;
        Assert.Equal(["grid-east", "steel-works"], record.Labels.Parties);
        Assert.Equal("HT-2026-001", record.Labels.ContractNumber);
        Assert.Equal("MTR-0001", record.Labels.MeterNumber);
        Assert.Equal(DocumentStatus.Complete, record.Status); // nobody has to sign
        Assert.Equal(_steelBuyer, record.AnchoredBy);
    }

    [Fact]
    public void A_new_version_links_to_the_previous_one_and_only_the_owner_or_a_party_makes_it()
    {
        var v1 = EvidenceChain.HashOf("v1");
        var v2 = EvidenceChain.HashOf("v2");
        var v3 = EvidenceChain.HashOf("v3");
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_gridClerk, v1, ["steel-works"], ["grid-east", "steel-works"])));

        var cable = _chain.IssuePerson("cable-co", "sales", Roles.Supplier);
        _chain.Refuse(_chain.Anchor(cable, v2, ["grid-east"], [], previous: v1), "only the owner or a party");
        _chain.Refuse(_chain.Anchor(_steelBuyer, v2, ["grid-east"], [], previous: EvidenceChain.HashOf("nope")), "is not anchored");
        _chain.Refuse(_chain.Anchor(_steelBuyer, v2, ["grid-east"], [], type: DocumentTypes.Other, previous: v1), "keeps the type");

        // A party (not the owner) anchors version 2.
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_steelBuyer, v2, ["grid-east"], ["grid-east", "steel-works"], previous: v1)));
        Assert.Equal(v2, _chain.Document(v1)!.NextVersion);
        Assert.Equal(2, _chain.Document(v2)!.Version);
        Assert.Equal(v1, _chain.Document(v2)!.PreviousVersion);

        // History is linear: version 1 cannot be superseded a second time.
        _chain.Refuse(_chain.Anchor(_gridClerk, v3, ["steel-works"], [], previous: v1), "already has a next version");
        TestChain.AssertOk(_chain.CommitOne(_chain.Anchor(_gridClerk, v3, ["steel-works"], [], previous: v2)));
        Assert.Equal(3, _chain.Document(v3)!.Version);
    }
}
