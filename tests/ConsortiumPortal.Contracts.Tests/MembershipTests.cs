using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>
/// Person certificates: who may issue and revoke them, what they may contain, and that a revoked person can no
/// longer act, whether their transaction arrives after the revocation or was already waiting to be ordered.
/// </summary>
public sealed class MembershipTests : IDisposable
{
    private readonly TestChain _chain = new();

    public void Dispose() => _chain.Dispose();

    // ---- issuing -----------------------------------------------------------------------------------------------

    [Fact]
    public void Genesis_gives_each_organisation_a_root_certificate_with_its_roles_and_OrgAdmin()
    {
        foreach (var org in TestChain.DefaultOrganisations)
        {
            var root = _chain.Certificate(org.Id)!;
            Assert.Equal(org.Id, root.OrganisationId);
            Assert.Equal([.. org.Roles, Roles.OrgAdmin], root.Roles);
            Assert.Equal(_chain.KeyOf(org.Id).PublicKeyHex, root.PublicKey);
            Assert.False(root.IsRevoked);
        }
    }

    [Fact]
    public void An_organisation_admin_issues_a_certificate_that_can_sign_from_the_next_block()
    {
        var result = _chain.CommitOne(_chain.IssueCertificate("bank-a", "bank-a/teller", [Roles.Bank], name: "Li Wei"));
        TestChain.AssertOk(result);
        Assert.Equal("CertificateIssued", Assert.Single(result.Events).Name);
        var certificate = _chain.Certificate("bank-a/teller")!;
        Assert.Equal(("bank-a/teller", "bank-a", "Li Wei", _chain.KeyOf("bank-a/teller").PublicKeyHex, _chain.Ledger.Height, "bank-a"),
            (certificate.Id, certificate.OrganisationId, certificate.Name, certificate.PublicKey, certificate.IssuedAtHeight, certificate.IssuedBy));
        Assert.Equal([Roles.Bank], certificate.Roles);
        Assert.False(certificate.IsRevoked);

        TestChain.AssertOk(_chain.CommitOne(_chain.Deposit("bank-a/teller", "gen-one", 100)));
        Assert.Equal(100, _chain.Balance("gen-one"));
    }

    [Fact]
    public void A_person_with_OrgAdmin_issues_and_a_person_without_it_cannot()
    {
        var admin = _chain.IssuePerson("gen-one", "admin", Roles.OrgAdmin);
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);

        TestChain.AssertOk(_chain.CommitOne(_chain.IssueCertificate(admin, "gen-one/new-hire", [Roles.Generator])));
        _chain.Refuse(_chain.IssueCertificate(ops, "gen-one/friend", [Roles.Generator]), "only an organisation admin");
        _chain.Refuse(_chain.IssueCertificate(ops, "gen-one/self-admin", [Roles.OrgAdmin]), "only an organisation admin");
        Assert.Null(_chain.Certificate("gen-one/friend"));
    }

    [Theory]
    [InlineData("gen-one-ops")]          // no organisation prefix
    [InlineData("bank-a/ops")]           // another organisation
    [InlineData("gen-one")]              // the root certificate itself
    [InlineData("bank-a")]               // another organisation's root
    [InlineData("gen-one/")]             // empty name
    [InlineData("gen-one/Ops")]          // upper case
    [InlineData("gen-one/a/b")]          // nested
    [InlineData("gen-one/.hidden")]      // must start with [a-z0-9]
    [InlineData("gen-one/with space")]
    [InlineData("gen-one-x/ops")]        // a prefix that only looks like the organisation
    [InlineData("GEN-ONE/ops")]
    public void A_certificate_id_must_be_the_organisation_id_slash_a_name(string certificateId)
    {
        var before = _chain.CertificateJson("bank-a");
        _chain.Refuse(_chain.IssueCertificate("gen-one", certificateId, [Roles.Generator], _chain.KeyOf("someone").PublicKeyHex), "certificate id must be");
        Assert.Equal(before, _chain.CertificateJson("bank-a"));
    }

    [Fact]
    public void A_name_of_up_to_64_characters_is_accepted_and_65_is_not()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueCertificate("gen-one", "gen-one/" + new string('a', 64), [])));
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/" + new string('b', 65), []), "certificate id must be");
    }

    [Fact]
    public void A_display_name_is_required()
    {
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [], name: ""), "name must be");
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [], name: " "), "name must be");
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [], name: new string('n', 129)), "name must be");
    }

    [Theory]
    [InlineData(Roles.Bank)]
    [InlineData(Roles.Regulator)]
    [InlineData(Roles.TradingCenter)]
    [InlineData("Superuser")]
    [InlineData("generator")]
    public void Roles_must_be_held_by_the_organisation(string role)
    {
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator, role]), "is not held by organisation");
    }

    [Fact]
    public void Any_subset_of_the_organisations_roles_plus_OrgAdmin_may_be_given()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueCertificate("supplier-one", "supplier-one/a", [Roles.Supplier, Roles.Consumer, Roles.OrgAdmin])));
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueCertificate("supplier-one", "supplier-one/b", [Roles.Consumer, Roles.Consumer])));
        Assert.Equal([Roles.Consumer], _chain.Certificate("supplier-one/b")!.Roles);
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueCertificate("supplier-one", "supplier-one/c", [])));
    }

    [Fact]
    public void A_certificate_id_is_issued_once()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator])));
        var original = _chain.CertificateJson("gen-one/ops");
        // Same id again with an attacker's key, by the root and by another admin of the organisation.
        var admin = _chain.IssuePerson("gen-one", "admin", Roles.OrgAdmin);
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator], Sm2.Generate().PublicKeyHex), "already exists");
        _chain.Refuse(_chain.IssueCertificate(admin, "gen-one/ops", [Roles.Generator, Roles.OrgAdmin], Sm2.Generate().PublicKeyHex), "already exists");
        Assert.Equal(original, _chain.CertificateJson("gen-one/ops"));

        // Twice in one block: the second fails.
        var results = _chain.Commit(
            _chain.IssueCertificate("gen-one", "gen-one/twin", [Roles.Generator]),
            _chain.IssueCertificate("gen-one", "gen-one/twin", [Roles.Generator, Roles.OrgAdmin], Sm2.Generate().PublicKeyHex));
        TestChain.AssertOk(results[0]);
        Assert.Contains("already exists", results[1].Error);
        Assert.Equal([Roles.Generator], _chain.Certificate("gen-one/twin")!.Roles);
        Assert.Equal(_chain.KeyOf("gen-one/twin").PublicKeyHex, _chain.Certificate("gen-one/twin")!.PublicKey);
    }

    public static TheoryData<string> BadPublicKeys()
    {
        var good = _goodKey;
        var notOnCurve = "04" + new string('1', 128);
        var full = Sm2.PublicKeyBytes(Sm2.Generate().PublicKey);
        var compressedBytes = new byte[33];
        compressedBytes[0] = (byte)(2 + (full[64] & 1));
        full.AsSpan(1, 32).CopyTo(compressedBytes.AsSpan(1));
        var compressed = Hex.Encode(compressedBytes);
        return new TheoryData<string>
        {
            "",
            "zz",
            good[..^1],                          // odd length
            good[..^2],                          // 64 bytes
            good + "00",                         // 66 bytes
            "05" + good[2..],                    // wrong prefix
            notOnCurve,
            "04" + new string('f', 128),         // coordinates beyond the field
            compressed,
            new string('0', 130),                // point at infinity, encoded wrongly
            Hex.Encode(Sm2.PrivateKeyBytes(Sm2.Generate().PrivateKey)),
        };
    }

    private static readonly string _goodKey = Sm2.Generate().PublicKeyHex;

    [Theory]
    [MemberData(nameof(BadPublicKeys))]
    public void A_certificate_with_an_invalid_public_key_is_refused(string publicKey)
    {
        var result = _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator], publicKey), "");
        Assert.Null(_chain.Certificate("gen-one/ops"));
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void An_invalid_public_key_is_reported_as_such()
    {
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator], "zz"), "invalid SM2 public key");
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator], _goodKey[..^2]), "invalid SM2 public key");
    }

    [Fact]
    public void A_point_that_is_not_on_the_curve_is_reported_as_an_invalid_key()
    {
        // 04 || X || Y with coordinates in the field but not on the curve.
        _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator], "04" + new string('1', 128)), "invalid SM2 public key");
    }

    // ---- revoking ----------------------------------------------------------------------------------------------

    [Fact]
    public void The_organisation_admin_revokes_its_own_person()
    {
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        var result = _chain.CommitOne(_chain.RevokeCertificate("gen-one", ops, "lost laptop"));
        TestChain.AssertOk(result);
        Assert.Equal("CertificateRevoked", Assert.Single(result.Events).Name);
        var revoked = _chain.Certificate(ops)!;
        Assert.True(revoked.IsRevoked);
        Assert.Equal(_chain.Ledger.Height, revoked.RevokedAtHeight);
        Assert.Equal("gen-one", revoked.RevokedBy);
        Assert.Equal("lost laptop", revoked.RevocationReason);
    }

    [Fact]
    public void A_person_admin_may_revoke_and_a_person_without_OrgAdmin_may_not()
    {
        var admin = _chain.IssuePerson("gen-one", "admin", Roles.OrgAdmin);
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        var other = _chain.IssuePerson("gen-one", "other", Roles.Generator);
        _chain.Refuse(_chain.RevokeCertificate(ops, other), "only an organisation admin");
        TestChain.AssertOk(_chain.CommitOne(_chain.RevokeCertificate(admin, other)));
        Assert.Equal(admin, _chain.Certificate(other)!.RevokedBy);
        Assert.False(_chain.Certificate(ops)!.IsRevoked);
    }

    [Fact]
    public void Another_organisation_cannot_revoke_a_certificate()
    {
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        var bankAdmin = _chain.IssuePerson("bank-a", "admin", Roles.OrgAdmin);
        _chain.Refuse(_chain.RevokeCertificate("bank-a", ops), "only by its own organisation");
        _chain.Refuse(_chain.RevokeCertificate(bankAdmin, ops), "only by its own organisation");
        _chain.Refuse(_chain.RevokeCertificate("regulator", ops), "only by its own organisation");
        Assert.False(_chain.Certificate(ops)!.IsRevoked);
    }

    [Fact]
    public void A_root_certificate_cannot_be_revoked()
    {
        var admin = _chain.IssuePerson("gen-one", "admin", Roles.OrgAdmin);
        _chain.Refuse(_chain.RevokeCertificate("gen-one", "gen-one"), "root certificate");
        _chain.Refuse(_chain.RevokeCertificate(admin, "gen-one"), "root certificate");
        _chain.Refuse(_chain.RevokeCertificate("bank-a", "gen-one"), "");
        Assert.False(_chain.Certificate("gen-one")!.IsRevoked);
    }

    [Fact]
    public void A_certificate_is_revoked_once()
    {
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        TestChain.AssertOk(_chain.CommitOne(_chain.RevokeCertificate("gen-one", ops, "first")));
        var revoked = _chain.CertificateJson(ops);
        _chain.Refuse(_chain.RevokeCertificate("gen-one", ops, "second"), "already revoked");
        Assert.Equal(revoked, _chain.CertificateJson(ops));
        Assert.Equal("first", _chain.Certificate(ops)!.RevocationReason);
    }

    [Fact]
    public void Revocation_needs_an_existing_certificate_and_a_reason()
    {
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        _chain.Refuse(_chain.RevokeCertificate("gen-one", "gen-one/nobody"), "does not exist");
        _chain.Refuse(_chain.RevokeCertificate("gen-one", ops, ""), "reason");
        _chain.Refuse(_chain.RevokeCertificate("gen-one", ops, "  "), "reason");
        _chain.Refuse(_chain.RevokeCertificate("gen-one", ops, new string('r', 257)), "reason");
    }

    [Fact]
    public void A_revoked_signer_is_refused_at_admission()
    {
        var teller = _chain.IssuePerson("bank-a", "teller", Roles.Bank);
        TestChain.AssertOk(_chain.CommitOne(_chain.RevokeCertificate("bank-a", teller)));
        var refusal = _chain.Ledger.Admit(_chain.Deposit(teller, "gen-one", 100));
        Assert.Equal("revoked", refusal?.Code);
    }

    [Fact]
    public void An_unknown_signer_is_refused_at_admission_even_when_its_certificate_is_in_the_same_batch()
    {
        var issue = _chain.IssueCertificate("bank-a", "bank-a/teller", [Roles.Bank]);
        var deposit = _chain.Deposit("bank-a/teller", "gen-one", 100);
        Assert.Null(_chain.Ledger.Admit(issue));
        Assert.Equal("unknown-signer", _chain.Ledger.Admit(deposit)?.Code);
        Assert.Equal("unknown-signer", _chain.Ledger.Admit(_chain.Deposit("bank-a/nobody", "gen-one", 100))?.Code);
    }

    [Fact]
    public void A_transaction_signed_with_the_wrong_key_is_refused_at_admission()
    {
        var forged = new ConsortiumPortal.Chain.Model.TxBuilder(_chain.ChainId, "bank-a", Sm2.Generate())
            .Build(ConsortiumPortal.Contracts.Settlement.SettlementContract.ContractName, "deposit",
                new ConsortiumPortal.Contracts.Settlement.SettlementContract.BankEntryArgs("gen-one", 100, "REF"), _chain.Ledger.Height);
        Assert.Equal("bad-signature", _chain.Ledger.Admit(forged)?.Code);
    }

    [Fact]
    public void A_transaction_admitted_before_its_signer_was_revoked_fails_in_its_block_and_changes_nothing()
    {
        var teller = _chain.IssuePerson("bank-a", "teller", Roles.Bank);
        var deposit = _chain.Deposit(teller, "gen-one", 100);
        Assert.Null(_chain.Ledger.Admit(deposit)); // waiting in the mempool

        TestChain.AssertOk(_chain.CommitOne(_chain.RevokeCertificate("bank-a", teller)));
        var before = _chain.State();
        var result = Assert.Single(_chain.CommitWithoutAdmission([deposit]));
        Assert.False(result.Succeeded);
        Assert.Contains("revoked", result.Error);
        Assert.Equal(before, _chain.State());
        Assert.Equal(0, _chain.Balance("gen-one"));
    }

    [Fact]
    public void A_revocation_takes_effect_for_later_transactions_in_the_same_block()
    {
        var teller = _chain.IssuePerson("bank-a", "teller", Roles.Bank);
        var before = _chain.Deposit(teller, "gen-one", 100);
        var revoke = _chain.RevokeCertificate("bank-a", teller);
        var after = _chain.Deposit(teller, "gen-one", 1_000);
        var results = _chain.Commit(before, revoke, after);
        TestChain.AssertOk(results[0]);
        TestChain.AssertOk(results[1]);
        Assert.False(results[2].Succeeded);
        Assert.Contains("revoked", results[2].Error);
        Assert.Equal(100, _chain.Balance("gen-one"));
        Assert.Equal(100, _chain.Total);
    }

    [Fact]
    public void A_revoked_admin_can_neither_issue_nor_revoke()
    {
        var admin = _chain.IssuePerson("gen-one", "admin", Roles.OrgAdmin);
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        var issue = _chain.IssueCertificate(admin, "gen-one/accomplice", [Roles.Generator, Roles.OrgAdmin]);
        var revoke = _chain.RevokeCertificate(admin, ops);
        Assert.Null(_chain.Ledger.Admit(issue));
        Assert.Null(_chain.Ledger.Admit(revoke));
        TestChain.AssertOk(_chain.CommitOne(_chain.RevokeCertificate("gen-one", admin)));

        var before = _chain.State();
        var results = _chain.CommitWithoutAdmission([issue, revoke]);
        Assert.All(results, r => Assert.Contains("revoked", r.Error));
        Assert.Equal(before, _chain.State());
        Assert.Null(_chain.Certificate("gen-one/accomplice"));
        Assert.False(_chain.Certificate(ops)!.IsRevoked);
    }

    [Fact]
    public void Revoked_records_stay_verifiable_and_the_id_cannot_be_issued_again()
    {
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        TestChain.AssertOk(_chain.CommitOne(_chain.RevokeCertificate("gen-one", ops)));
        _chain.Refuse(_chain.IssueCertificate("gen-one", ops, [Roles.Generator], Sm2.Generate().PublicKeyHex), "already exists");
        Assert.True(_chain.Certificate(ops)!.IsRevoked);
    }

    // ---- genesis -----------------------------------------------------------------------------------------------

    [Fact]
    public void Genesis_cannot_run_again_after_block_zero()
    {
        var attacker = Sm2.Generate();
        var takeover = _chain.Genesis with
        {
            Organisations = [new GenesisOrganisation("gen-one", "Gen One", [.. Roles.Organisation], attacker.PublicKeyHex)],
        };
        var tx = _chain.Tx("gen-one", MembershipContract.ContractName, "genesis", takeover);
        _chain.Refuse(tx, "genesis runs only in block 0");
        Assert.Equal(_chain.KeyOf("gen-one").PublicKeyHex, _chain.Certificate("gen-one")!.PublicKey);
    }

    [Fact]
    public void The_ledger_refuses_a_second_genesis()
    {
        Assert.Throws<InvalidOperationException>(() => _chain.Ledger.InitializeGenesis(_chain.Genesis));
        Assert.Equal(0, _chain.Ledger.Height);
    }

    [Fact]
    public void A_genesis_with_an_invalid_organisation_is_refused()
    {
        var key = Sm2.Generate().PublicKeyHex;
        var node = new ConsortiumNode("n", "org", key, "127.0.0.1:1", "http://127.0.0.1:2");
        GenesisDocument Doc(params GenesisOrganisation[] orgs) => new("c", "C", TestChain.GenesisTime, orgs, [node], new GovernancePolicy(2, 3));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("org", "Org", ["Superuser"], key))));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("org", "Org", [Roles.OrgAdmin], key))));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("org", "Org", [], key))));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("Org", "Org", [Roles.Bank], key))));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("org/x", "Org", [Roles.Bank], key))));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("org", "Org", [Roles.Bank], "zz"))));
        Assert.False(GenesisSucceeds(Doc(new GenesisOrganisation("org", "Org", [Roles.Bank], key), new GenesisOrganisation("org", "Org", [Roles.Bank], key))));
        Assert.True(GenesisSucceeds(Doc(new GenesisOrganisation("org", "Org", [Roles.Bank], key))));
    }

    private static bool GenesisSucceeds(GenesisDocument genesis)
    {
        var (_, execution) = ConsortiumPortal.Chain.Ledger.GenesisBlock(genesis, new ContractRegistry([new MembershipContract(), .. ConsortiumContracts.All()]));
        return execution.Results[0].Succeeded;
    }
}
