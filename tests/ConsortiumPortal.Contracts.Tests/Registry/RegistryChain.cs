using System.Collections.Concurrent;
using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>
/// Stands in for the contracts of other applications that open and close obligations and record credit behaviour
/// (vouchers, receivables, demand response): the registry tests need someone to call the public static registries.
/// </summary>
internal sealed class ObligationProbeContract : Contract
{
    public override string Name => "probe";
    public sealed record ObligationArgs(string OrganisationId, string Kind, string Id);
    public sealed record CreditArgs(string OrganisationId, CreditEventKind Kind, long Amount, string Reference);

    [ContractMethod("open")]
    public object? Open(ContractContext ctx, ObligationArgs a) { OpenObligations.Open(ctx.State, a.OrganisationId, a.Kind, a.Id); return null; }

    [ContractMethod("close")]
    public object? Close(ContractContext ctx, ObligationArgs a) { OpenObligations.Close(ctx.State, a.OrganisationId, a.Kind, a.Id); return null; }

    [ContractMethod("credit")]
    public object? Credit(ContractContext ctx, CreditArgs a) { CreditEvents.Record(ctx.State, a.OrganisationId, a.Kind, a.Amount, a.Reference, ctx.BlockTime, "probe"); return null; }
}

/// <summary>
/// The ledger of <see cref="TestChain"/> (admit, propose, apply, refusal leaves state unchanged) with the consortium's
/// contracts plus <see cref="ObligationProbeContract"/>, and a consortium with a trading centre and one organisation
/// per participant type. TestChain itself is shared and takes no extra contracts, hence this small sibling.
/// </summary>
internal sealed class RegistryChain : IDisposable
{
    public const long GenesisTime = TestChain.GenesisTime;

    public static readonly OrgSpec[] Organisations =
    [
        new("px-center", Roles.TradingCenter),
        new("px-south", Roles.TradingCenter),
        new("grid-east", Roles.GridCompany),
        new("gen-wind", Roles.Generator),
        new("retail-one", Roles.Retailer),
        new("steel-works", Roles.Consumer),
        new("vpp-agg", Roles.Aggregator),
        new("icbc-bank", Roles.Bank),
        new("nea-reg", Roles.Regulator),
    ];

    private readonly string _directory;
    private readonly ConcurrentDictionary<string, Sm2KeyPair> _keys = new(StringComparer.Ordinal);
    private readonly Sm2KeyPair _nodeKey;

    public Ledger Ledger { get; }
    public GenesisDocument Genesis { get; }
    public long Now { get; set; } = GenesisTime + 1_000;
    public long StepMs { get; set; } = 1_000;

    public RegistryChain(GovernancePolicy? policy = null, OrgSpec[]? organisations = null)
    {
        var orgs = organisations ?? Organisations;
        Genesis = new GenesisDocument("registry-test", "Registry test consortium", GenesisTime,
            orgs.Select(o => new GenesisOrganisation(o.Id, o.Id + " Ltd.", o.Roles, KeyOf(o.Id).PublicKeyHex)).ToArray(),
            [new ConsortiumNode("node-1", orgs[0].Id, KeyOf("node:node-1").PublicKeyHex, "127.0.0.1:1", "http://127.0.0.1:2")],
            policy ?? new GovernancePolicy(2, 3));
        _nodeKey = KeyOf("node:node-1");
        _directory = Path.Combine(Path.GetTempPath(), "cp-registry-" + Guid.NewGuid().ToString("N"));
        Ledger = new Ledger(_directory, [.. ConsortiumContracts.All(), new ObligationProbeContract()]);
        Ledger.InitializeGenesis(Genesis);
    }

    public Sm2KeyPair KeyOf(string id) => _keys.GetOrAdd(id, _ => Sm2.Generate());

    public SignedTransaction Tx(string signer, string contract, string method, object args) =>
        new TxBuilder(Genesis.ChainId, signer, KeyOf(signer)).Build(contract, method, args, Ledger.Height);

    public TxResult CommitOne(SignedTransaction tx) => Commit(tx)[0];

    public TxResult[] Commit(params SignedTransaction[] txs)
    {
        foreach (var tx in txs)
        {
            var refusal = Ledger.Admit(tx);
            Assert.True(refusal is null, $"admission refused {tx.Body.Contract}.{tx.Body.Method} by {tx.Body.Signer}: {refusal?.Code} {refusal?.Message}");
        }
        var dropped = new List<(SignedTransaction Tx, AdmissionError Reason)>();
        var block = Ledger.Propose(txs, "node-1", _nodeKey, Now, dropped);
        Assert.Empty(dropped);
        Assert.True(Ledger.Apply(block));
        Now += StepMs;
        return Ledger.Store.GetBlock(block.Height)!.Value.Results.ToArray();
    }

    /// <summary>Commits and asserts success; returns the output JSON.</summary>
    public System.Text.Json.JsonElement Ok(SignedTransaction tx)
    {
        var result = CommitOne(tx);
        Assert.True(result.Succeeded, $"{tx.Body.Contract}.{tx.Body.Method} by {tx.Body.Signer} failed: {result.Error}");
        return result.Output ?? default;
    }

    /// <summary>Commits alone in a block; asserts it failed with <paramref name="errorPart"/> and that world state did not change.</summary>
    public TxResult Refuse(SignedTransaction tx, string errorPart)
    {
        var before = State();
        var result = CommitOne(tx);
        Assert.False(result.Succeeded, $"{tx.Body.Contract}.{tx.Body.Method} by {tx.Body.Signer} should have failed");
        Assert.Contains(errorPart, result.Error!, StringComparison.Ordinal);
        Assert.Empty(result.Events);
        Assert.Equal(before, State());
        return result;
    }

    public string IssuePerson(string organisationId, string name, params string[] roles)
    {
        var id = $"{organisationId}/{name}";
        Ok(Tx(organisationId, MembershipContract.ContractName, "issueCertificate",
            new MembershipContract.IssueCertificateArgs(id, "A Person", roles, KeyOf(id).PublicKeyHex)));
        return id;
    }

    /// <summary>World state as other contracts see it (for the static helpers they call).</summary>
    public ContractState View() => new(new ConsortiumPortal.Chain.State.StateOverlay(Ledger.Store));

    public SortedDictionary<string, string> State() => new(Ledger.Store.Scan("").ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);

    public T? Read<T>(string key) where T : class =>
        Ledger.Store.Get(key) is { } json ? CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    public IReadOnlyList<T> Scan<T>(string prefix) =>
        Ledger.Store.Scan(prefix).Select(p => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(p.Value))).ToList();

    // ---- registry -------------------------------------------------------------------------------------------------

    public Participant Participant(string id) => Read<Participant>(RegistryKeys.Participant(id))!;
    public IReadOnlyList<ParticipantVersion> Versions(string id) => Scan<ParticipantVersion>(RegistryKeys.Versions(id));

    public SignedTransaction Registry(string signer, string method, object args) => Tx(signer, RegistryContract.ContractName, method, args);
    public SignedTransaction Governance(string signer, string method, object args) => Tx(signer, GovernanceContract.ContractName, method, args);
    public SignedTransaction Credit(string signer, string method, object args) => Tx(signer, CreditContract.ContractName, method, args);

    public void Dispose()
    {
        Ledger.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
