using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Merkle;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Proofs;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Chain.Tests;

public sealed class LedgerGenesisTests
{
    [Fact]
    public void Genesis_is_block_zero_and_founds_the_membership_registry()
    {
        using var chain = new TestChain();
        var ledger = chain.Ledger;
        Assert.True(ledger.IsInitialized);
        Assert.Equal(0, ledger.Height);
        Assert.Equal(TestChain.ChainId, ledger.ChainId);

        var stored = ledger.Store.GetBlockHeader(0)!;
        Assert.Equal(stored.Header.HashHex(), stored.Hash);
        Assert.Equal(stored.Hash, ledger.GenesisHash);
        Assert.Equal(BlockHeader.ZeroHash, stored.Header.PrevHash);
        Assert.Equal(BlockHeader.ZeroHash, stored.Header.GenesisHash);
        Assert.Equal(1, stored.Header.TxCount);
        Assert.Equal(TestChain.GenesisTime, stored.Header.Timestamp);
        Assert.Equal(Hex.Encode(ledger.Store.HeadStateRoot), stored.Header.StateRoot);

        var orgA = MembershipContract.Read<Certificate>(ledger.Store, MembershipContract.Keys.Certificate("org-a"))!;
        Assert.Equal(chain.OrgA.PublicKeyHex, orgA.PublicKey);
        Assert.Contains(Roles.OrgAdmin, orgA.Roles);
        Assert.Contains(Roles.Generator, orgA.Roles);
        Assert.False(orgA.IsRevoked);
        Assert.NotNull(MembershipContract.Read<Organisation>(ledger.Store, MembershipContract.Keys.Organisation("org-c")));
        Assert.Equal(chain.NodeKey.PublicKeyHex,
            MembershipContract.Read<ConsortiumNode>(ledger.Store, MembershipContract.Keys.Node(TestChain.NodeId))!.PublicKey);
        Assert.Equal(3, ledger.Store.Scan(MembershipContract.Keys.OrganisationPrefix).Count());
    }

    [Fact]
    public void Genesis_is_deterministic_so_every_node_derives_the_same_genesis_hash()
    {
        using var chain = new TestChain();
        using var other = chain.NewFollower("other");
        Assert.Equal(chain.Ledger.GenesisHash, other.GenesisHash);
        Assert.Equal(chain.Ledger.Store.HeadStateRoot, other.Store.HeadStateRoot);
        Assert.Equal(chain.Ledger.GenesisHash, Ledger.GenesisBlock(chain.Genesis, chain.Ledger.Contracts).Block.Header.HashHex());
        var changed = Ledger.GenesisBlock(chain.Genesis with { Name = "Another consortium" }, chain.Ledger.Contracts);
        Assert.NotEqual(chain.Ledger.GenesisHash, changed.Block.Header.HashHex());
    }

    [Fact]
    public void Genesis_runs_once_and_survives_a_restart()
    {
        using var chain = new TestChain();
        var genesisHash = chain.Ledger.GenesisHash;
        Assert.Throws<InvalidOperationException>(() => chain.Ledger.InitializeGenesis(chain.Genesis));
        chain.Reopen();
        Assert.True(chain.Ledger.IsInitialized);
        Assert.Equal(genesisHash, chain.Ledger.GenesisHash);
        Assert.Equal(TestChain.ChainId, chain.Ledger.ChainId);
        Assert.Null(chain.Ledger.Admit(chain.Increment(chain.AdminA, "a")));
    }

    [Fact]
    public void A_genesis_document_the_membership_contract_refuses_is_not_stored()
    {
        using var dir = new TempDir();
        using var ledger = TestChain.Open(dir.Sub("n"));
        var key = Sm2.Generate();
        var noNodes = new GenesisDocument("c", "x", 1, [new GenesisOrganisation("org-a", "A", [Roles.Bank], key.PublicKeyHex)], [],
            new GovernancePolicy(1, 2));
        var e = Assert.Throws<InvalidOperationException>(() => ledger.InitializeGenesis(noNodes));
        Assert.Contains("node", e.Message);
        Assert.False(ledger.IsInitialized);

        var badKey = noNodes with { Nodes = [new ConsortiumNode("n", "org-a", "04" + new string('0', 128), "", "")] };
        Assert.Contains("public key", Assert.Throws<InvalidOperationException>(() => ledger.InitializeGenesis(badKey)).Message);
        Assert.False(ledger.IsInitialized);
    }
}

public sealed class LedgerAdmissionTests
{
    private static JsonElement Args(object args) => TestJson.Element(CanonicalJson.SerializeToString(args));

    private static AdmissionError Refused(TestChain chain, SignedTransaction tx, string code)
    {
        var error = chain.Ledger.Admit(tx);
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.False(tx.SignatureVerified);
        return error;
    }

    [Fact]
    public void A_well_formed_transaction_is_admitted_and_its_signature_marked_verified()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a");
        Assert.Null(chain.Ledger.Admit(tx));
        Assert.True(tx.SignatureVerified);
    }

    [Fact]
    public void Wrong_chain_id_is_refused()
    {
        using var chain = new TestChain();
        var tx = new TxBuilder("another-chain", "org-a", chain.OrgA).Build(CounterContract.ContractName, "increment", new { key = "a", by = 1 }, 0);
        Assert.Contains("another-chain", Refused(chain, tx, "wrong-chain").Message);
    }

    [Fact]
    public void Expired_transaction_is_refused()
    {
        using var chain = new TestChain();
        chain.Commit(chain.Increment(chain.AdminA, "a"));
        chain.Commit(chain.Increment(chain.AdminA, "a"));
        Assert.Equal(2, chain.Ledger.Height);
        TransactionBody Body(long expiry) => new(TestChain.ChainId, "org-a", CounterContract.ContractName, "increment",
            Args(new { key = "a", by = 1 }), TxBuilder.NewNonce(), 1, expiry);
        Refused(chain, chain.AdminA.Sign(Body(0)), "expired");
        Refused(chain, chain.AdminA.Sign(Body(2)), "expired");
        Assert.Null(chain.Ledger.Admit(chain.AdminA.Sign(Body(3)))); // valid up to and including the next block
    }

    [Theory]
    [InlineData("counter", "nope")]
    [InlineData("nope", "increment")]
    [InlineData("membership", "genesis-typo")]
    [InlineData("Counter", "increment")]
    public void Unknown_contract_or_method_is_refused(string contract, string method)
    {
        using var chain = new TestChain();
        var tx = chain.AdminA.Build(contract, method, new { key = "a", by = 1 }, 0);
        Refused(chain, tx, "unknown-method");
    }

    [Fact]
    public void Unknown_signer_is_refused()
    {
        using var chain = new TestChain();
        var ghost = Sm2.Generate();
        var tx = new TxBuilder(TestChain.ChainId, "org-a/ghost", ghost).Build(CounterContract.ContractName, "increment", new { key = "a", by = 1 }, 0);
        Assert.Contains("org-a/ghost", Refused(chain, tx, "unknown-signer").Message);
    }

    [Fact]
    public void Signature_by_another_key_is_refused()
    {
        using var chain = new TestChain();
        var impostor = new TxBuilder(TestChain.ChainId, "org-a", chain.OrgB); // names org-a, signs with org-b's key
        Refused(chain, impostor.Build(CounterContract.ContractName, "increment", new { key = "a", by = 1 }, 0), "bad-signature");
    }

    [Fact]
    public void Altered_truncated_or_empty_signature_is_refused()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a");
        var altered = (byte[])tx.Signature.Clone();
        altered[10] ^= 1;
        Refused(chain, SignedTransaction.Create(tx.Body, altered), "bad-signature");
        Refused(chain, SignedTransaction.Create(tx.Body, tx.Signature[..63]), "bad-signature");
        Refused(chain, SignedTransaction.Create(tx.Body, []), "bad-signature");
        // The same body with its genuine signature is fine.
        Assert.Null(chain.Ledger.Admit(SignedTransaction.Create(tx.Body, tx.Signature)));
    }

    [Fact]
    public void Signature_over_another_body_is_refused()
    {
        using var chain = new TestChain();
        var genuine = chain.Increment(chain.AdminA, "a", 1);
        var tampered = SignedTransaction.Create(genuine.Body with { Args = Args(new { key = "a", by = 1000 }) }, genuine.Signature);
        Refused(chain, tampered, "bad-signature");
    }

    [Fact]
    public void Revoked_certificate_is_refused()
    {
        using var chain = new TestChain();
        var alice = Sm2.Generate();
        chain.Commit(chain.IssueCertificate(chain.AdminA, "org-a/alice", alice, Roles.Generator));
        var aliceTx = new TxBuilder(TestChain.ChainId, "org-a/alice", alice);
        Assert.Null(chain.Ledger.Admit(aliceTx.Build(CounterContract.ContractName, "increment", new { key = "a", by = 1 }, chain.Ledger.Height)));
        chain.Commit(chain.Revoke(chain.AdminA, "org-a/alice"));
        var error = Refused(chain, aliceTx.Build(CounterContract.ContractName, "increment", new { key = "a", by = 1 }, chain.Ledger.Height), "revoked");
        Assert.Contains("revoked", error.Message);
    }

    [Fact]
    public void Already_committed_transaction_is_refused()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a");
        chain.Commit(tx);
        var again = SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(tx.ToJson()));
        Assert.Contains(tx.IdHex, Refused(chain, again, "duplicate").Message);
    }

    [Fact]
    public void A_certificate_cannot_sign_before_the_block_that_issues_it_is_committed()
    {
        using var chain = new TestChain();
        var bob = Sm2.Generate();
        var issue = chain.IssueCertificate(chain.AdminB, "org-b/bob", bob, Roles.Retailer);
        var bobTx = new TxBuilder(TestChain.ChainId, "org-b/bob", bob).Build(CounterContract.ContractName, "increment", new { key = "b", by = 1 }, 0);
        Assert.Null(chain.Ledger.Admit(issue));
        Refused(chain, bobTx, "unknown-signer");
        chain.Commit(issue);
        Assert.Null(chain.Ledger.Admit(bobTx));
    }
}

public sealed class LedgerBlockTests
{
    [Fact]
    public void Propose_executes_without_storing_and_Apply_commits()
    {
        using var chain = new TestChain();
        var committed = new List<long>();
        chain.Ledger.BlockCommitted += (b, _) => committed.Add(b.Height);
        var t1 = chain.Increment(chain.AdminA, "a", 2);
        var t2 = chain.Increment(chain.AdminB, "a", 3);
        Assert.Null(chain.Ledger.Admit(t1));
        Assert.Null(chain.Ledger.Admit(t2));
        var genesisHash = chain.Ledger.GenesisHash;

        var block = chain.Propose(t1, t2);
        Assert.Equal(0, chain.Ledger.Height);
        Assert.Equal(0, chain.Counter("a"));
        Assert.Empty(committed);

        Assert.True(chain.Ledger.Apply(block));
        Assert.Equal(1, chain.Ledger.Height);
        Assert.Equal(5, chain.Counter("a"));
        Assert.Equal([1L], committed);

        var h = block.Header;
        Assert.Equal(1, h.Height);
        Assert.Equal(genesisHash, h.PrevHash);
        Assert.Equal(genesisHash, h.GenesisHash);
        Assert.Equal(TestChain.NodeId, h.Proposer);
        Assert.Equal(2, h.TxCount);
        Assert.Equal(Hex.Encode(MerkleTree.Root([t1.Id, t2.Id])), h.TxRoot);
        Assert.Equal(Hex.Encode(chain.Ledger.Store.HeadStateRoot), h.StateRoot);
        Assert.Equal(h.HashHex(), chain.Ledger.Store.HeadHash);
        Assert.True(Sm2.Verify(chain.NodeKey.PublicKey, h.ToCanonicalBytes(), block.HeaderSignature));

        var r1 = chain.ResultOf(t1);
        var r2 = chain.ResultOf(t2);
        Assert.Equal(TxResult.Ok, r1.Status);
        Assert.Equal(2, r1.Output!.Value.GetProperty("value").GetInt64());
        Assert.Equal(5, r2.Output!.Value.GetProperty("value").GetInt64());
        Assert.Equal("Incremented", Assert.Single(r2.Events).Name);
        Assert.Equal("org-b", r2.Events[0].Data.GetProperty("caller").GetString());
        Assert.Equal(Hex.Encode(MerkleTree.Root([r1.Hash(), r2.Hash()])), h.ReceiptsRoot);
        var stored = chain.Ledger.Store.GetTransaction(t2.IdHex)!;
        Assert.Equal(1, stored.Height);
        Assert.Equal(1, stored.Index);
    }

    [Fact]
    public void Block_timestamps_never_go_backwards()
    {
        using var chain = new TestChain();
        var dropped = new List<(SignedTransaction, AdmissionError)>();
        var block = chain.Ledger.Propose([], TestChain.NodeId, chain.NodeKey, TestChain.GenesisTime - 5000, dropped);
        Assert.Equal(TestChain.GenesisTime, block.Header.Timestamp);
    }

    [Fact]
    public void Applying_the_same_block_twice_is_a_no_op()
    {
        using var chain = new TestChain();
        var committed = 0;
        chain.Ledger.BlockCommitted += (_, _) => committed++;
        var block = chain.Commit(chain.Increment(chain.AdminA, "a"));
        var head = chain.Ledger.Store.HeadHash;
        var root = chain.Ledger.Store.HeadStateRoot;

        Assert.False(chain.Ledger.Apply(block));
        Assert.False(chain.Ledger.Apply(block.Serialize()));
        Assert.Equal(1, chain.Ledger.Height);
        Assert.Equal(1, chain.Counter("a"));
        Assert.Equal(1, committed);
        Assert.Equal(head, chain.Ledger.Store.HeadHash);
        Assert.Equal(root, chain.Ledger.Store.HeadStateRoot);

        chain.Commit(chain.Increment(chain.AdminA, "a"));
        Assert.False(chain.Ledger.Apply(block)); // an older block is skipped too
        chain.Reopen();
        Assert.False(chain.Ledger.Apply(block.Serialize())); // and after a restart (Raft replay)
        Assert.Equal(2, chain.Counter("a"));
        Assert.True(chain.Ledger.Audit().IsValid);
    }

    [Fact]
    public void Follower_applying_the_same_bytes_twice_commits_once()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var bytes = chain.Commit(chain.Increment(chain.AdminA, "a", 7)).Serialize();
        Assert.True(follower.Apply(bytes));
        Assert.False(follower.Apply(bytes));
        Assert.Equal(1, follower.Height);
        Assert.Equal("7", follower.Store.Get(CounterContract.CounterKey("a")));
    }

    [Fact]
    public void Propose_leaves_out_repeated_committed_and_expired_transactions()
    {
        using var chain = new TestChain();
        var committed = chain.Increment(chain.AdminA, "a");
        chain.Commit(committed);
        var fresh = chain.Increment(chain.AdminA, "a");
        Assert.Null(chain.Ledger.Admit(fresh));
        var expired = chain.AdminA.Sign(new TransactionBody(TestChain.ChainId, "org-a", CounterContract.ContractName, "increment",
            TestJson.Element("""{"by":1,"key":"a"}"""), "expired-nonce", 1, 1));
        Assert.Equal("expired", chain.Ledger.Admit(expired)?.Code);

        var dropped = new List<(SignedTransaction Tx, AdmissionError Reason)>();
        var block = chain.Ledger.Propose([fresh, committed, fresh, expired], TestChain.NodeId, chain.NodeKey, chain.NextTime(), dropped);
        Assert.Equal([fresh.IdHex], block.Transactions.Select(t => t.IdHex));
        Assert.Equal(["duplicate", "duplicate", "expired"], dropped.Select(d => d.Reason.Code));
        Assert.Equal([committed.IdHex, fresh.IdHex, expired.IdHex], dropped.Select(d => d.Tx.IdHex));
        Assert.True(chain.Ledger.Apply(block));
        Assert.Equal(2, chain.Counter("a"));
    }

    [Fact]
    public void A_failed_transaction_is_recorded_with_its_error_and_changes_no_state()
    {
        using var chain = new TestChain();
        chain.Commit(chain.Increment(chain.AdminA, "a", 1));
        var stateBefore = chain.Ledger.Store.Scan("").ToArray();
        var rootBefore = chain.Ledger.Store.HeadStateRoot;

        var fail = chain.AdminA.Build(CounterContract.ContractName, "fail", new { reason = "not today" }, chain.Ledger.Height);
        var block = chain.Commit(fail);

        var result = chain.ResultOf(fail);
        Assert.Equal(TxResult.Failed, result.Status);
        Assert.False(result.Succeeded);
        Assert.Equal("refused: not today", result.Error);
        Assert.Empty(result.Events);
        Assert.Null(result.Output);
        Assert.Equal(2, chain.Ledger.Height);
        Assert.Equal(stateBefore, chain.Ledger.Store.Scan("").ToArray());
        Assert.Null(chain.Ledger.Store.Get(CounterContract.CounterKey("written-before-failing")));
        // The state root advances exactly as for a block without writes.
        var emptyWrites = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        Assert.Equal(StateRoot.Next(rootBefore, emptyWrites), chain.Ledger.Store.HeadStateRoot);
        Assert.Equal(Hex.Encode(StateRoot.Next(rootBefore, emptyWrites)), block.Header.StateRoot);
    }

    [Fact]
    public void A_failure_between_successes_only_drops_its_own_writes()
    {
        using var chain = new TestChain();
        var t1 = chain.Increment(chain.AdminA, "a", 1);
        var bad = chain.AdminA.Build(CounterContract.ContractName, "fail", new { reason = "x" }, 0);
        var badArgs = chain.AdminA.Build(CounterContract.ContractName, "increment", new { key = "a", by = 1, extra = true }, 0);
        var t2 = chain.Increment(chain.AdminA, "a", 10);
        chain.Commit(t1, bad, badArgs, t2);
        Assert.Equal(11, chain.Counter("a"));
        Assert.Equal(TxResult.Ok, chain.ResultOf(t1).Status);
        Assert.Equal(TxResult.Failed, chain.ResultOf(bad).Status);
        Assert.StartsWith("invalid arguments", chain.ResultOf(badArgs).Error);
        Assert.Equal(11, chain.ResultOf(t2).Output!.Value.GetProperty("value").GetInt64());
        Assert.Null(chain.Ledger.Store.Get(CounterContract.CounterKey("written-before-failing")));
    }

    [Fact]
    public void The_state_root_commits_to_the_writes_and_to_nothing_else()
    {
        using var chain = new TestChain();
        using var twin = chain.NewFollower("twin"); // same genesis, proposes its own blocks
        var dropped = new List<(SignedTransaction, AdmissionError)>();

        // Block 1: a block whose only transaction fails here, an empty block there: the same state root.
        chain.Commit(chain.AdminA.Build(CounterContract.ContractName, "fail", new { reason = "x" }, 0));
        var noop = chain.AdminA.Build(CounterContract.ContractName, "noop", new { }, 0);
        Assert.True(twin.Apply(twin.Propose([noop], TestChain.NodeId, chain.NodeKey, TestChain.GenesisTime + 77, dropped)));
        Assert.NotEqual(chain.Ledger.Store.HeadHash, twin.Store.HeadHash);
        Assert.Equal(chain.Ledger.Store.HeadStateRoot, twin.Store.HeadStateRoot);

        // Block 2: a write here, none there: the roots part.
        var previous = chain.Ledger.Store.HeadStateRoot;
        chain.Commit(chain.Increment(chain.AdminA, "a", 4));
        Assert.True(twin.Apply(twin.Propose([], TestChain.NodeId, chain.NodeKey, TestChain.GenesisTime + 78, dropped)));
        Assert.NotEqual(chain.Ledger.Store.HeadStateRoot, twin.Store.HeadStateRoot);
        var writes = new SortedDictionary<string, string?>(StringComparer.Ordinal) { [CounterContract.CounterKey("a")] = "4" };
        Assert.Equal(StateRoot.Next(previous, writes), chain.Ledger.Store.HeadStateRoot);
    }

    [Fact]
    public void Write_set_hash_is_SM3_of_the_sorted_pairs_array()
    {
        var writes = new Dictionary<string, string?> { ["b"] = "{\"x\":1}", ["a"] = null, ["\ue000"] = "1", ["\ud83d\ude00"] = "\"s\"" };
        var expected = Sm3.Hash(System.Text.Encoding.UTF8.GetBytes("[[\"a\",null],[\"b\",{\"x\":1}],[\"\ud83d\ude00\",\"s\"],[\"\ue000\",1]]"));
        Assert.Equal(expected, StateRoot.WriteSetHash(writes));
        var previous = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(Sm3.Hash([.. previous, .. expected]), StateRoot.Next(previous, writes));
    }

    [Fact]
    public void Certificate_issue_and_revocation_refuse_later_transactions_and_keep_earlier_receipts_valid()
    {
        using var chain = new TestChain();
        var alice = Sm2.Generate();
        var issue = chain.IssueCertificate(chain.AdminA, "org-a/alice", alice, Roles.Generator);
        chain.Commit(issue);
        Assert.Equal(TxResult.Ok, chain.ResultOf(issue).Status);
        var cert = MembershipContract.Read<Certificate>(chain.Ledger.Store, MembershipContract.Keys.Certificate("org-a/alice"))!;
        Assert.Equal(alice.PublicKeyHex, cert.PublicKey);
        Assert.Equal("org-a", cert.OrganisationId);
        Assert.Equal(1, cert.IssuedAtHeight);

        var aliceTx = new TxBuilder(TestChain.ChainId, "org-a/alice", alice);
        var before = aliceTx.Build(CounterContract.ContractName, "increment", new { key = "alice", by = 1 }, chain.Ledger.Height);
        chain.Commit(before);
        Assert.Equal(TxResult.Ok, chain.ResultOf(before).Status);
        Assert.Equal("org-a/alice", chain.ResultOf(before).Events[0].Data.GetProperty("caller").GetString());

        // Admitted while the certificate is valid, but ordered after the revocation.
        var pending = aliceTx.Build(CounterContract.ContractName, "increment", new { key = "alice", by = 100 }, chain.Ledger.Height);
        Assert.Null(chain.Ledger.Admit(pending));

        var revoke = chain.Revoke(chain.AdminA, "org-a/alice");
        chain.Commit(revoke);
        Assert.Equal(TxResult.Ok, chain.ResultOf(revoke).Status);
        var revoked = MembershipContract.Read<Certificate>(chain.Ledger.Store, MembershipContract.Keys.Certificate("org-a/alice"))!;
        Assert.True(revoked.IsRevoked);
        Assert.Equal(3, revoked.RevokedAtHeight);
        Assert.Equal("org-a", revoked.RevokedBy);

        Assert.Equal("revoked", chain.Ledger.Admit(aliceTx.Build(CounterContract.ContractName, "increment", new { key = "alice", by = 1 }, 3))!.Code);

        var block = chain.Propose(pending);
        Assert.True(chain.Ledger.Apply(block));
        var result = chain.ResultOf(pending);
        Assert.Equal(TxResult.Failed, result.Status);
        Assert.Contains("revoked", result.Error);
        Assert.Equal(1, chain.Counter("alice"));

        var receipt = chain.Ledger.GetReceipt(before.IdHex)!;
        Assert.Equal(alice.PublicKeyHex, receipt.Json["signerPublicKey"]!.GetValue<string>());
        Assert.True(ReceiptVerifier.Verify(receipt.ToJson()).IsValid);
        Assert.True(ReceiptVerifier.Verify(chain.Ledger.GetReceipt(pending.IdHex)!.ToJson()).IsValid);
        Assert.True(chain.Ledger.Audit().IsValid);
    }

    [Fact]
    public void A_revocation_earlier_in_the_same_block_fails_the_revoked_signers_later_transaction()
    {
        using var chain = new TestChain();
        var alice = Sm2.Generate();
        chain.Commit(chain.IssueCertificate(chain.AdminA, "org-a/alice", alice, Roles.Generator));
        var aliceTx = new TxBuilder(TestChain.ChainId, "org-a/alice", alice)
            .Build(CounterContract.ContractName, "increment", new { key = "alice", by = 1 }, chain.Ledger.Height);
        var revoke = chain.Revoke(chain.AdminA, "org-a/alice");
        chain.Commit(revoke, aliceTx);
        Assert.Equal(TxResult.Ok, chain.ResultOf(revoke).Status);
        Assert.Equal(TxResult.Failed, chain.ResultOf(aliceTx).Status);
        Assert.Equal(0, chain.Counter("alice"));
    }

    [Fact]
    public void Only_an_organisation_admin_of_the_same_organisation_issues_and_revokes()
    {
        using var chain = new TestChain();
        var alice = Sm2.Generate();
        chain.Commit(chain.IssueCertificate(chain.AdminA, "org-a/alice", alice, Roles.Generator));
        var aliceTx = new TxBuilder(TestChain.ChainId, "org-a/alice", alice);

        var byNonAdmin = chain.IssueCertificate(aliceTx, "org-a/mallory", Sm2.Generate(), Roles.Generator);
        var otherOrg = chain.Revoke(chain.AdminB, "org-a/alice");
        var foreignRole = chain.IssueCertificate(chain.AdminA, "org-a/carol", Sm2.Generate(), Roles.Bank);
        var foreignPrefix = chain.IssueCertificate(chain.AdminA, "org-b/dave", Sm2.Generate(), Roles.Generator);
        var rootRevocation = chain.Revoke(chain.AdminA, "org-a");
        chain.Commit(byNonAdmin, otherOrg, foreignRole, foreignPrefix, rootRevocation);

        Assert.Contains("admin", chain.ResultOf(byNonAdmin).Error);
        Assert.Contains("own organisation", chain.ResultOf(otherOrg).Error);
        Assert.Contains("Bank", chain.ResultOf(foreignRole).Error);
        Assert.Contains("org-a/", chain.ResultOf(foreignPrefix).Error);
        Assert.Contains("root certificate", chain.ResultOf(rootRevocation).Error);
        Assert.Null(chain.Ledger.Store.Get(MembershipContract.Keys.Certificate("org-a/mallory")));
        Assert.False(MembershipContract.Read<Certificate>(chain.Ledger.Store, MembershipContract.Keys.Certificate("org-a/alice"))!.IsRevoked);
    }

    [Fact]
    public void The_genesis_method_cannot_be_called_after_genesis()
    {
        using var chain = new TestChain();
        var tx = chain.AdminA.Build(MembershipContract.ContractName, "genesis", chain.Genesis, 0);
        chain.Commit(tx);
        Assert.Equal(TxResult.Failed, chain.ResultOf(tx).Status);
    }
}

public sealed class LedgerFollowerTests
{
    /// <summary>A leader with a few blocks: certificates, successes, a failure, a revocation.</summary>
    private static List<Block> BuildHistory(TestChain chain)
    {
        var blocks = new List<Block>();
        var alice = Sm2.Generate();
        blocks.Add(chain.Commit(chain.IssueCertificate(chain.AdminA, "org-a/alice", alice, Roles.Generator),
            chain.Increment(chain.AdminB, "b", 2)));
        var aliceTx = new TxBuilder(TestChain.ChainId, "org-a/alice", alice);
        blocks.Add(chain.Commit(aliceTx.Build(CounterContract.ContractName, "increment", new { key = "a", by = 5 }, chain.Ledger.Height),
            chain.AdminA.Build(CounterContract.ContractName, "fail", new { reason = "no" }, chain.Ledger.Height),
            chain.AdminA.Build(CounterContract.ContractName, "put", new { key = "doc/1", value = "é中😀" }, chain.Ledger.Height)));
        blocks.Add(chain.Commit());
        blocks.Add(chain.Commit(chain.Revoke(chain.AdminA, "org-a/alice"), chain.Increment(chain.AdminA, "a", 1)));
        return blocks;
    }

    [Fact]
    public void A_follower_applying_the_leaders_blocks_reaches_the_same_head_and_state()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var blocks = BuildHistory(chain);
        foreach (var block in blocks)
            Assert.True(follower.Apply(block.Serialize()));

        Assert.Equal(chain.Ledger.Height, follower.Height);
        Assert.Equal(chain.Ledger.Store.HeadHash, follower.Store.HeadHash);
        Assert.Equal(chain.Ledger.Store.HeadStateRoot, follower.Store.HeadStateRoot);
        Assert.Equal(chain.Ledger.Store.Scan("").ToArray(), follower.Store.Scan("").ToArray());
        for (var h = 1; h <= chain.Ledger.Height; h++)
        {
            var leaderBlock = chain.Ledger.Store.GetBlock(h)!.Value;
            var followerBlock = follower.Store.GetBlock(h)!.Value;
            Assert.Equal(leaderBlock.StoredHash, followerBlock.StoredHash);
            Assert.Equal(leaderBlock.Results.Select(r => r.ToCanonicalBytes()), followerBlock.Results.Select(r => r.ToCanonicalBytes()));
            foreach (var tx in leaderBlock.Block.Transactions)
            {
                var receipt = follower.GetReceipt(tx.IdHex)!.ToJson();
                Assert.Equal(chain.Ledger.GetReceipt(tx.IdHex)!.ToJson(), receipt);
                Assert.True(ReceiptVerifier.Verify(receipt).IsValid);
            }
        }
        Assert.True(follower.Audit().IsValid);
    }

    [Fact]
    public void A_follower_also_accepts_the_Block_object_and_verifies_it_itself()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        foreach (var block in BuildHistory(chain))
            Assert.True(follower.Apply(block)); // the leader's objects carry SignatureVerified; the follower must not trust it
        Assert.Equal(chain.Ledger.Store.HeadHash, follower.Store.HeadHash);
    }

    [Fact]
    public void A_block_that_skips_a_height_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var blocks = BuildHistory(chain);
        var e = Assert.Throws<InvalidBlockException>(() => follower.Apply(blocks[1].Serialize()));
        Assert.Equal(2, e.Height);
        Assert.Equal(0, follower.Height);
    }

    [Fact]
    public void A_block_of_another_chain_is_refused()
    {
        using var chain = new TestChain();
        using var stranger = new TestChain(nodeKey: chain.NodeKey); // same node key, different organisations: another genesis
        var block = chain.Commit(chain.Increment(chain.AdminA, "a"));
        var e = Assert.Throws<InvalidBlockException>(() => stranger.Ledger.Apply(block.Serialize()));
        Assert.Contains("genesis", e.Reason);
        Assert.Equal(0, stranger.Ledger.Height);
    }

    private static Block Resign(Block block, BlockHeader header, Sm2KeyPair key, IReadOnlyList<SignedTransaction>? txs = null) =>
        new(header, key.Sign(header.ToCanonicalBytes()), txs ?? block.Transactions);

    [Fact]
    public void A_block_with_a_tampered_header_signature_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var block = Block.Deserialize(chain.Commit(chain.Increment(chain.AdminA, "a")).Serialize());
        var signature = (byte[])block.HeaderSignature.Clone();
        signature[5] ^= 0x01;
        var e = Assert.Throws<InvalidBlockException>(() => follower.Apply(new Block(block.Header, signature, block.Transactions)));
        Assert.Contains("signature", e.Reason);
        Assert.Throws<InvalidBlockException>(() => follower.Apply(new Block(block.Header, [], block.Transactions)));
        Assert.Throws<InvalidBlockException>(() => follower.Apply(Resign(block, block.Header, Sm2.Generate()))); // not the node's key
        Assert.Equal(0, follower.Height);
        Assert.True(follower.Apply(block)); // the genuine block still applies
    }

    [Fact]
    public void A_block_from_an_unknown_proposer_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var block = Block.Deserialize(chain.Commit(chain.Increment(chain.AdminA, "a")).Serialize());
        var e = Assert.Throws<InvalidBlockException>(() => follower.Apply(Resign(block, block.Header with { Proposer = "node-9" }, chain.NodeKey)));
        Assert.Contains("node-9", e.Reason);
    }

    [Fact]
    public void A_block_with_a_badly_signed_transaction_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var block = Block.Deserialize(chain.Commit(chain.Increment(chain.AdminA, "a"), chain.Increment(chain.AdminB, "b")).Serialize());
        var tx = block.Transactions[1];
        var forged = SignedTransaction.Create(tx.Body, chain.OrgA.Sign(tx.BodyBytes)); // org-b's transaction signed by org-a
        // The header commits to transaction ids, not signatures: the block is otherwise perfectly consistent.
        var tampered = new Block(block.Header, block.HeaderSignature, [block.Transactions[0], forged]);
        var e = Assert.Throws<InvalidBlockException>(() => follower.Apply(tampered.Serialize()));
        Assert.Contains("signature", e.Reason);
        Assert.Equal(0, follower.Height);
        Assert.True(follower.Apply(block.Serialize()));
        Assert.Equal(chain.Ledger.Store.HeadHash, follower.Store.HeadHash);
    }

    [Fact]
    public void A_block_whose_transactions_do_not_match_the_header_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var block = Block.Deserialize(chain.Commit(chain.Increment(chain.AdminA, "a"), chain.Increment(chain.AdminB, "b")).Serialize());
        var swapped = new Block(block.Header, block.HeaderSignature, [block.Transactions[1], block.Transactions[0]]);
        Assert.Contains("Merkle", Assert.Throws<InvalidBlockException>(() => follower.Apply(swapped)).Reason);
        var missing = new Block(block.Header, block.HeaderSignature, [block.Transactions[0]]);
        Assert.Throws<InvalidBlockException>(() => follower.Apply(missing));
        var extra = chain.Increment(chain.AdminA, "c");
        var added = new Block(block.Header, block.HeaderSignature, [.. block.Transactions, extra]);
        Assert.Throws<InvalidBlockException>(() => follower.Apply(added));
        Assert.Equal(0, follower.Height);
    }

    [Fact]
    public void A_block_replaying_a_committed_transaction_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var first = chain.Commit(chain.Increment(chain.AdminA, "a"));
        Assert.True(follower.Apply(first.Serialize()));
        var replayed = first.Transactions[0];
        var header = new BlockHeader(2, follower.Store.HeadHash, Hex.Encode(MerkleTree.Root([replayed.Id])), 1, TestChain.GenesisTime + 99_000,
            TestChain.NodeId, first.Header.StateRoot, first.Header.ReceiptsRoot, follower.GenesisHash);
        var e = Assert.Throws<InvalidBlockException>(() => follower.Apply(Resign(first, header, chain.NodeKey, [replayed])));
        Assert.Contains("replay", e.Reason);

        var twice = chain.Increment(chain.AdminA, "b");
        var header2 = header with { TxRoot = Hex.Encode(MerkleTree.Root([twice.Id, twice.Id])), TxCount = 2 };
        Assert.Contains("replay", Assert.Throws<InvalidBlockException>(() => follower.Apply(Resign(first, header2, chain.NodeKey, [twice, twice]))).Reason);
        Assert.Equal(1, follower.Height);
    }

    [Fact]
    public void A_header_whose_roots_differ_from_this_nodes_execution_halts_the_node()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var block = Block.Deserialize(chain.Commit(chain.Increment(chain.AdminA, "a")).Serialize());
        var wrongState = Resign(block, block.Header with { StateRoot = new string('0', 64) }, chain.NodeKey);
        var e = Assert.Throws<StateDivergenceException>(() => follower.Apply(wrongState));
        Assert.Contains("halts", e.Message);
        var wrongReceipts = Resign(block, block.Header with { ReceiptsRoot = block.Header.StateRoot }, chain.NodeKey);
        Assert.Throws<StateDivergenceException>(() => follower.Apply(wrongReceipts));
        Assert.Equal(0, follower.Height);
        Assert.Null(follower.Store.Get(CounterContract.CounterKey("a")));
    }

    [Fact]
    public void A_header_with_a_backwards_timestamp_is_refused()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var block = Block.Deserialize(chain.Commit(chain.Increment(chain.AdminA, "a")).Serialize());
        var backwards = Resign(block, block.Header with { Timestamp = TestChain.GenesisTime - 1 }, chain.NodeKey);
        Assert.Contains("backwards", Assert.Throws<InvalidBlockException>(() => follower.Apply(backwards)).Reason);
    }

    [Fact]
    public void A_block_carrying_a_non_canonical_transaction_body_is_refused()
    {
        // txId = SM3(canonical(body)): a body stored or relayed in any other byte form gets an id no verifier can
        // recompute, so its receipt can never verify. The signer signed those exact bytes, so only the canonical
        // check can catch it.
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var canonical = chain.Increment(chain.AdminA, "a").BodyBytes;
        var spaced = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(canonical).Replace(",", ", "));
        Assert.NotEqual(canonical, spaced);
        SignedTransaction tx;
        try { tx = SignedTransaction.FromStored(spaced, chain.OrgA.Sign(spaced)); }
        catch (InvalidTransactionException) { return; } // refused where blocks are deserialized: what this test asks for
        var dropped = new List<(SignedTransaction, AdmissionError)>();
        var block = chain.Ledger.Propose([tx], TestChain.NodeId, chain.NodeKey, chain.NextTime(), dropped);

        var refusal = Record.Exception(() => follower.Apply(block.Serialize()));
        if (refusal is null)
        {
            var verification = ReceiptVerifier.Verify(follower.GetReceipt(tx.IdHex)!.ToJson());
            Assert.Fail("the follower committed a transaction with a non-canonical body; its receipt " +
                        (verification.IsValid ? "verifies" : $"fails the \"{verification.FirstFailure!.Name}\" check"));
        }
        Assert.Equal(0, follower.Height);
    }
}
