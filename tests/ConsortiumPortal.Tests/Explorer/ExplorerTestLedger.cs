using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Features.Explorer;

namespace ConsortiumPortal.Tests.Explorer;

/// <summary>
/// A small real ledger in a temp directory (after tests/ConsortiumPortal.Chain.Tests/TestSupport.cs): organisations org-a,
/// org-ab (a name that starts like org-a), org-b and the regulator org-c; blocks of certificate issuance signed by
/// organisation roots and by a person (org-a/alice), one of them failing in the contract.
/// </summary>
public sealed class ExplorerTestLedger : IDisposable
{
    public const string ChainId = "explorer-test";
    public const string NodeId = "node-1";
    private long _clock = 1_700_000_000_000;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "cp-explorer-" + Guid.NewGuid().ToString("N"));
    public Ledger Ledger { get; }
    public SignedTransaction AliceIssued { get; }
    public SignedTransaction AbIssued { get; }
    public SignedTransaction BobIssued { get; }
    public SignedTransaction FailedIssue { get; }
    public SignedTransaction CarolIssuedByAlice { get; }

    public ExplorerTestLedger()
    {
        var orgA = Sm2.Generate();
        var orgAb = Sm2.Generate();
        var orgB = Sm2.Generate();
        var orgC = Sm2.Generate();
        var node = Sm2.Generate();
        var alice = Sm2.Generate();
        var genesis = new GenesisDocument(ChainId, "Explorer test consortium", _clock,
            [
                new GenesisOrganisation("org-a", "甲发电公司", [Roles.Generator], orgA.PublicKeyHex),
                new GenesisOrganisation("org-ab", "Org AB", [Roles.Retailer], orgAb.PublicKeyHex),
                new GenesisOrganisation("org-b", "Org B", [Roles.Retailer], orgB.PublicKeyHex),
                new GenesisOrganisation("org-c", "Regulator", [Roles.Regulator], orgC.PublicKeyHex),
            ],
            [new ConsortiumNode(NodeId, "org-a", node.PublicKeyHex, "127.0.0.1:4001", "http://127.0.0.1:5001")],
            new GovernancePolicy(2, 3));
        Ledger = new Ledger(Directory, []);
        Ledger.InitializeGenesis(genesis);
        var adminA = new TxBuilder(ChainId, "org-a", orgA);
        var adminAb = new TxBuilder(ChainId, "org-ab", orgAb);
        var adminB = new TxBuilder(ChainId, "org-b", orgB);

        AliceIssued = Issue(adminA, "org-a/alice", "Alice 爱丽丝", alice, Roles.OrgAdmin);
        Commit(node, AliceIssued);
        AbIssued = Issue(adminAb, "org-ab/dan", "Dan", Sm2.Generate(), Roles.Retailer);
        BobIssued = Issue(adminB, "org-b/bob", "Bob", Sm2.Generate(), Roles.Retailer);
        FailedIssue = Issue(adminB, "org-a/mallory", "Mallory", Sm2.Generate(), Roles.Retailer); // another org's prefix: refused
        Commit(node, AbIssued, BobIssued, FailedIssue);
        CarolIssuedByAlice = Issue(new TxBuilder(ChainId, "org-a/alice", alice), "org-a/carol", "Carol", Sm2.Generate(), Roles.Generator);
        Commit(node, CarolIssuedByAlice);
    }

    public ExplorerQueries Queries() => new(() => Task.FromResult(Ledger));

    private SignedTransaction Issue(TxBuilder admin, string certificateId, string name, Sm2KeyPair key, params string[] roles) =>
        admin.Build(MembershipContract.ContractName, "issueCertificate", new { certificateId, name, roles, publicKey = key.PublicKeyHex }, Ledger.Height);

    private void Commit(Sm2KeyPair nodeKey, params SignedTransaction[] txs)
    {
        foreach (var tx in txs)
            if (Ledger.Admit(tx) is { } error) throw new InvalidOperationException($"admission refused: {error.Code} {error.Message}");
        var dropped = new List<(SignedTransaction, AdmissionError)>();
        var block = Ledger.Propose(txs, NodeId, nodeKey, _clock += 1000, dropped);
        if (dropped.Count > 0 || !Ledger.Apply(block)) throw new InvalidOperationException("block not applied");
    }

    public void Dispose()
    {
        Ledger.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
