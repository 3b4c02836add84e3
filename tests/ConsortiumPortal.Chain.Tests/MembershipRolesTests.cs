using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>
/// membership.setCertificateRoles: an organisation admin changes the roles of one of the organisation's people,
/// within the roles the organisation holds (plus OrgAdmin); never another organisation's, a revoked or a root certificate.
/// </summary>
public sealed class MembershipRolesTests : IDisposable
{
    private readonly TestChain _chain = new();
    private readonly Sm2KeyPair _alice = Sm2.Generate();

    public MembershipRolesTests() =>
        _chain.Commit(_chain.IssueCertificate(_chain.AdminA, "org-a/alice", _alice, Roles.Generator));

    public void Dispose() => _chain.Dispose();

    private SignedTransaction SetRoles(TxBuilder who, string certificateId, params string[] roles) =>
        who.Build(MembershipContract.ContractName, "setCertificateRoles", new { certificateId, roles }, _chain.Ledger.Height);

    private Certificate Certificate(string id) =>
        MembershipContract.Read<Certificate>(_chain.Ledger.Store.Committed, MembershipContract.Keys.Certificate(id))!;

    private void AssertRefused(SignedTransaction tx, string error)
    {
        var before = _chain.Ledger.Store.Get(MembershipContract.Keys.Certificate("org-a/alice"));
        _chain.Commit(tx);
        var result = _chain.ResultOf(tx);
        Assert.Equal(TxResult.Failed, result.Status);
        Assert.Contains(error, result.Error);
        Assert.Empty(result.Events);
        Assert.Equal(before, _chain.Ledger.Store.Get(MembershipContract.Keys.Certificate("org-a/alice")));
    }

    [Fact]
    public void The_organisation_admin_sets_roles_and_an_event_records_the_change()
    {
        var tx = SetRoles(_chain.AdminA, "org-a/alice", Roles.TradingCenter, Roles.OrgAdmin, Roles.TradingCenter);
        _chain.Commit(tx);
        var result = _chain.ResultOf(tx);
        Assert.True(result.Succeeded, result.Error);
        var changed = Assert.Single(result.Events);
        Assert.Equal("CertificateRolesChanged", changed.Name);
        Assert.Equal("org-a/alice", changed.Data.GetProperty("certificateId").GetString());
        Assert.Equal([Roles.Generator], changed.Data.GetProperty("previous").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal([Roles.TradingCenter, Roles.OrgAdmin], Certificate("org-a/alice").Roles);
        // Everything else about the certificate is unchanged.
        var certificate = Certificate("org-a/alice");
        Assert.Equal((_alice.PublicKeyHex, "org-a", 1L), (certificate.PublicKey, certificate.OrganisationId, certificate.IssuedAtHeight));
    }

    [Fact]
    public void A_person_given_OrgAdmin_can_then_change_roles_and_losing_it_takes_that_away()
    {
        var alice = new TxBuilder(TestChain.ChainId, "org-a/alice", _alice);
        AssertRefused(SetRoles(alice, "org-a/alice", Roles.OrgAdmin), "only an organisation admin");

        _chain.Commit(SetRoles(_chain.AdminA, "org-a/alice", Roles.Generator, Roles.OrgAdmin));
        var selfDemotion = SetRoles(alice, "org-a/alice", Roles.Generator);
        _chain.Commit(selfDemotion);
        Assert.True(_chain.ResultOf(selfDemotion).Succeeded);
        AssertRefused(SetRoles(alice, "org-a/alice", Roles.OrgAdmin), "only an organisation admin");
    }

    [Fact]
    public void An_empty_role_list_is_allowed_and_the_person_can_no_longer_act_in_a_role() 
    {
        var tx = SetRoles(_chain.AdminA, "org-a/alice");
        _chain.Commit(tx);
        Assert.True(_chain.ResultOf(tx).Succeeded);
        Assert.Empty(Certificate("org-a/alice").Roles);
    }

    [Fact]
    public void A_role_the_organisation_does_not_hold_is_refused() =>
        AssertRefused(SetRoles(_chain.AdminA, "org-a/alice", Roles.Generator, Roles.Regulator), "role \"Regulator\" is not held by organisation \"org-a\"");

    [Fact]
    public void Another_organisations_admin_cannot_change_roles() =>
        AssertRefused(SetRoles(_chain.AdminB, "org-a/alice", Roles.Generator), "only by the certificate's own organisation");

    [Fact]
    public void A_person_without_OrgAdmin_cannot_change_roles()
    {
        var bob = Sm2.Generate();
        _chain.Commit(_chain.IssueCertificate(_chain.AdminA, "org-a/bob", bob, Roles.Generator, Roles.TradingCenter));
        AssertRefused(SetRoles(new TxBuilder(TestChain.ChainId, "org-a/bob", bob), "org-a/alice", Roles.TradingCenter), "only an organisation admin");
    }

    [Fact]
    public void A_revoked_certificate_keeps_its_roles()
    {
        _chain.Commit(_chain.Revoke(_chain.AdminA, "org-a/alice"));
        AssertRefused(SetRoles(_chain.AdminA, "org-a/alice", Roles.TradingCenter), "is revoked");
        Assert.Equal([Roles.Generator], Certificate("org-a/alice").Roles);
    }

    [Fact]
    public void The_root_certificate_is_not_changed_by_an_admin()
    {
        var before = _chain.Ledger.Store.Get(MembershipContract.Keys.Certificate("org-a"));
        var tx = SetRoles(_chain.AdminA, "org-a", Roles.Generator);
        _chain.Commit(tx);
        Assert.Equal(TxResult.Failed, _chain.ResultOf(tx).Status);
        Assert.Contains("root certificate", _chain.ResultOf(tx).Error);
        Assert.Equal(before, _chain.Ledger.Store.Get(MembershipContract.Keys.Certificate("org-a")));
    }

    [Fact]
    public void An_unknown_certificate_is_refused()
    {
        var tx = SetRoles(_chain.AdminA, "org-a/nobody", Roles.Generator);
        _chain.Commit(tx);
        Assert.Contains("does not exist", _chain.ResultOf(tx).Error);
        Assert.Null(_chain.Ledger.Store.Get(MembershipContract.Keys.Certificate("org-a/nobody")));
    }
}
