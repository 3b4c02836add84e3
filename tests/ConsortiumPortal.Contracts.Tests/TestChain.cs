using System.Collections.Concurrent;
using System.Globalization;
using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>An organisation to found the test consortium with.</summary>
internal sealed record OrgSpec(string Id, params string[] Roles);

/// <summary>
/// A real ledger in a temporary directory with the consortium's contracts: genesis, then blocks proposed and applied
/// the way a single-node pilot does it (admit, propose, apply). Keys are generated per chain and kept by certificate id.
/// </summary>
internal sealed class TestChain : IDisposable
{
    public const long GenesisTime = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    public const string DefaultChainId = "test-consortium";
    public const string DefaultNodeId = "node-1";
    public const string NonMember = "ghost-org";

    public static readonly OrgSpec[] DefaultOrganisations =
    [
        new("bank-a", Roles.Bank),
        new("bank-b", Roles.Bank),
        new("gen-one", Roles.Generator),
        new("retail-one", Roles.Retailer),
        new("consumer-one", Roles.Consumer),
        new("supplier-one", Roles.Supplier, Roles.Consumer),
        new("regulator", Roles.Regulator),
    ];

    private readonly string _directory;
    private readonly Func<string, Sm2KeyPair> _keyFor;
    private readonly Sm2KeyPair _nodeKey;

    public Ledger Ledger { get; }
    public string ChainId { get; }
    public string NodeId { get; }
    public GenesisDocument Genesis { get; }

    /// <summary>The proposer's clock for the next block (ms). Each commit advances it by <see cref="StepMs"/>.</summary>
    public long Now { get; set; } = GenesisTime + 1_000;
    public long StepMs { get; set; } = 1_000;

    public TestChain() : this(DefaultOrganisations) { }

    public TestChain(params OrgSpec[] organisations)
    {
        var keys = new ConcurrentDictionary<string, Sm2KeyPair>(StringComparer.Ordinal);
        Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        _keyFor = KeyFor;
        NodeId = DefaultNodeId;
        Genesis = new GenesisDocument(DefaultChainId, "Test consortium", GenesisTime,
            organisations.Select(o => new GenesisOrganisation(o.Id, o.Id + " Ltd.", o.Roles, KeyFor(o.Id).PublicKeyHex)).ToArray(),
            [new ConsortiumNode(NodeId, organisations[0].Id, KeyFor("node:" + NodeId).PublicKeyHex, "127.0.0.1:1", "http://127.0.0.1:2")],
            new GovernancePolicy(2, 3));
        (_directory, Ledger) = Open();
        _nodeKey = KeyFor("node:" + NodeId);
        ChainId = Genesis.ChainId;
        Ledger.InitializeGenesis(Genesis);
    }

    /// <summary>A chain founded by someone else's genesis document (the seed's), with their key source.</summary>
    public TestChain(GenesisDocument genesis, Func<string, Sm2KeyPair> keyFor, string nodeId)
    {
        _keyFor = keyFor;
        Genesis = genesis;
        NodeId = nodeId;
        ChainId = genesis.ChainId;
        _nodeKey = keyFor("node:" + nodeId);
        Now = genesis.Timestamp + 1_000;
        (_directory, Ledger) = Open();
        Ledger.InitializeGenesis(genesis);
    }

    private static (string, Ledger) Open()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cp-contracts-" + Guid.NewGuid().ToString("N"));
        return (directory, new Ledger(directory, ConsortiumContracts.All()));
    }

    public Sm2KeyPair KeyOf(string certificateId) => _keyFor(certificateId);

    public TxBuilder As(string certificateId) => new(ChainId, certificateId, KeyOf(certificateId));

    public SignedTransaction Tx(string signer, string contract, string method, object args) =>
        As(signer).Build(contract, method, args, Ledger.Height);

    // ---- settlement transactions -------------------------------------------------------------------------------

    public SignedTransaction Deposit(string bankSigner, string organisationId, long amount, string reference = "REF-1") =>
        Tx(bankSigner, SettlementContract.ContractName, "deposit", new SettlementContract.BankEntryArgs(organisationId, amount, reference));

    public SignedTransaction Withdraw(string bankSigner, string organisationId, long amount, string reference = "REF-1") =>
        Tx(bankSigner, SettlementContract.ContractName, "withdraw", new SettlementContract.BankEntryArgs(organisationId, amount, reference));

    public SignedTransaction Transfer(string signer, string to, long amount, string memo = "") =>
        Tx(signer, SettlementContract.ContractName, "transfer", new SettlementContract.TransferArgs(to, amount, memo));

    public SignedTransaction Hold(string signer, string escrowId, string payee, long amount, long? expiresAt = null, string memo = "") =>
        Tx(signer, SettlementContract.ContractName, "hold", new SettlementContract.HoldArgs(escrowId, payee, amount, expiresAt, memo));

    public SignedTransaction Capture(string signer, string escrowId) =>
        Tx(signer, SettlementContract.ContractName, "capture", new SettlementContract.EscrowArgs(escrowId));

    public SignedTransaction Release(string signer, string escrowId) =>
        Tx(signer, SettlementContract.ContractName, "release", new SettlementContract.EscrowArgs(escrowId));

    // ---- membership transactions -------------------------------------------------------------------------------

    public SignedTransaction IssueCertificate(string adminSigner, string certificateId, string[] roles, string? publicKeyHex = null, string name = "A Person") =>
        Tx(adminSigner, MembershipContract.ContractName, "issueCertificate",
            new MembershipContract.IssueCertificateArgs(certificateId, name, roles, publicKeyHex ?? KeyOf(certificateId).PublicKeyHex));

    public SignedTransaction RevokeCertificate(string adminSigner, string certificateId, string reason = "left the company") =>
        Tx(adminSigner, MembershipContract.ContractName, "revokeCertificate", new MembershipContract.RevokeCertificateArgs(certificateId, reason));

    /// <summary>Issues a person certificate signed by the organisation's root certificate and waits for it to commit.</summary>
    public string IssuePerson(string organisationId, string name, params string[] roles)
    {
        var id = $"{organisationId}/{name}";
        AssertOk(CommitOne(IssueCertificate(organisationId, id, roles)));
        return id;
    }

    // ---- blocks ------------------------------------------------------------------------------------------------

    /// <summary>Admits every transaction (each must be accepted), puts them in one block and applies it.</summary>
    public TxResult[] Commit(params SignedTransaction[] txs)
    {
        foreach (var tx in txs)
        {
            var refusal = Ledger.Admit(tx);
            Assert.True(refusal is null, $"admission refused {tx.Body.Contract}.{tx.Body.Method} by {tx.Body.Signer}: {refusal?.Code} {refusal?.Message}");
        }
        return CommitWithoutAdmission(txs);
    }

    public TxResult CommitOne(SignedTransaction tx) => Commit(tx)[0];

    /// <summary>Proposes and applies a block of transactions that were admitted earlier (or never): what a leader does.</summary>
    public TxResult[] CommitWithoutAdmission(IReadOnlyList<SignedTransaction> txs)
    {
        var dropped = new List<(SignedTransaction Tx, AdmissionError Reason)>();
        var height = Ledger.Height;
        var block = Ledger.Propose(txs, NodeId, _nodeKey, Now, dropped);
        Assert.Empty(dropped);
        Assert.True(Ledger.Apply(block), "the proposed block was not applied");
        Assert.Equal(height + 1, Ledger.Height);
        Now += StepMs;
        var stored = Ledger.Store.GetBlock(block.Height)!.Value;
        Assert.Equal(txs.Select(t => t.IdHex), stored.Block.Transactions.Select(t => t.IdHex));
        return stored.Results.ToArray();
    }

    /// <summary>The timestamp of the last committed block: the BlockTime its contracts saw.</summary>
    public long LastBlockTime => Ledger.Store.GetBlockHeader(Ledger.Height)!.Header.Timestamp;

    /// <summary>
    /// Commits one transaction alone in a block and checks that it failed with an error containing
    /// <paramref name="errorPart"/> and that world state is byte-for-byte what it was before.
    /// </summary>
    public TxResult Refuse(SignedTransaction tx, string errorPart)
    {
        var before = State();
        var result = CommitOne(tx);
        Assert.False(result.Succeeded, $"{tx.Body.Contract}.{tx.Body.Method} by {tx.Body.Signer} should have failed but succeeded");
        Assert.Contains(errorPart, result.Error!, StringComparison.Ordinal);
        Assert.Empty(result.Events);
        Assert.Equal(before, State());
        return result;
    }

    public static void AssertOk(TxResult result) => Assert.True(result.Succeeded, $"transaction failed: {result.Error}");

    // ---- state -------------------------------------------------------------------------------------------------

    /// <summary>Every world-state row, key -> canonical JSON value.</summary>
    public SortedDictionary<string, string> State() => new(Ledger.Store.Scan("").ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);

    public long Balance(string organisationId) => Integer(SettlementAccounts.BalanceKey(organisationId));

    public long Total => Integer(SettlementAccounts.TotalKey);

    public Escrow? Escrow(string escrowId) => Read<Escrow>(SettlementAccounts.EscrowKey(escrowId));

    public Certificate? Certificate(string certificateId) => Read<Certificate>(MembershipContract.Keys.Certificate(certificateId));

    /// <summary>The stored canonical JSON of a certificate: records with lists compare by value this way.</summary>
    public string? CertificateJson(string certificateId) => Ledger.Store.Get(MembershipContract.Keys.Certificate(certificateId));

    private T? Read<T>(string key) where T : class =>
        Ledger.Store.Get(key) is { } json ? CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    public IReadOnlyDictionary<string, long> Balances() => Ledger.Store.Scan(SettlementAccounts.BalancePrefix)
        .ToDictionary(p => p.Key[SettlementAccounts.BalancePrefix.Length..], p => long.Parse(p.Value, CultureInfo.InvariantCulture));

    public IReadOnlyList<Escrow> Escrows() => Ledger.Store.Scan(SettlementAccounts.EscrowPrefix)
        .Select(p => CanonicalJson.Deserialize<Escrow>(System.Text.Encoding.UTF8.GetBytes(p.Value))).ToList();

    private long Integer(string key) => Ledger.Store.Get(key) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : 0;

    public void Dispose()
    {
        Ledger.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
