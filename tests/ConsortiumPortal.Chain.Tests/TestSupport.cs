using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Storage;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>A directory under /tmp that is removed with everything in it.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cp-chain-" + Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// A tiny deterministic contract for the ledger tests: counters that write state, a method that writes and then
/// refuses (its write must not survive), a method that writes an arbitrary key and one that reads a prefix.
/// </summary>
public sealed class CounterContract : Contract
{
    public const string ContractName = "counter";
    public override string Name => ContractName;

    public sealed record IncrementArgs(string Key, long By);
    public sealed record FailArgs(string Reason);
    public sealed record PutArgs(string Key, string Value);
    public sealed record ScanArgs(string Prefix);
    public sealed record NoArgs;

    public static string CounterKey(string key) => "counter/" + key;

    [ContractMethod("increment")]
    public object Increment(ContractContext ctx, IncrementArgs args)
    {
        var value = ctx.State.GetInteger(CounterKey(args.Key)) + args.By;
        ctx.State.PutInteger(CounterKey(args.Key), value);
        ctx.Emit("Incremented", new { key = args.Key, value, by = args.By, caller = ctx.Caller.CertificateId });
        return new { value };
    }

    [ContractMethod("fail")]
    public object Fail(ContractContext ctx, FailArgs args)
    {
        ctx.State.PutInteger(CounterKey("written-before-failing"), 99);
        ctx.Emit("NeverSeen", new { args.Reason });
        throw new ContractException("refused: " + args.Reason);
    }

    [ContractMethod("put")]
    public object? Put(ContractContext ctx, PutArgs args)
    {
        ctx.State.Put(args.Key, args.Value);
        return null;
    }

    /// <summary>Returns the keys under a prefix, as a contract reading state through its overlay sees them.</summary>
    [ContractMethod("scan")]
    public object Scan(ContractContext ctx, ScanArgs args) => new { keys = ctx.State.Scan<string>(args.Prefix).Select(p => p.Key).ToArray() };

    [ContractMethod("noop")]
    public object? Noop(ContractContext ctx, NoArgs args) => null;
}

/// <summary>
/// One node's ledger over a fresh genesis: three organisations with fresh SM2 keys, one node run by org-a.
/// Blocks are proposed and applied through the real Ledger API.
/// </summary>
internal sealed class TestChain : IDisposable
{
    public const string ChainId = "test-chain";
    public const string NodeId = "node-1";
    public const long GenesisTime = 1_700_000_000_000;

    public TempDir Dir { get; }
    public Sm2KeyPair OrgA { get; }
    public Sm2KeyPair OrgB { get; }
    public Sm2KeyPair OrgC { get; }
    public Sm2KeyPair NodeKey { get; }
    public GenesisDocument Genesis { get; }
    public Ledger Ledger { get; private set; }
    public TxBuilder AdminA { get; }
    public TxBuilder AdminB { get; }
    private long _clock = GenesisTime;

    public TestChain(TempDir? dir = null, GenesisDocument? genesis = null, Sm2KeyPair? nodeKey = null)
    {
        Dir = dir ?? new TempDir();
        OrgA = Sm2.Generate();
        OrgB = Sm2.Generate();
        OrgC = Sm2.Generate();
        NodeKey = nodeKey ?? Sm2.Generate();
        Genesis = genesis ?? new GenesisDocument(ChainId, "Test consortium", GenesisTime,
            [
                new GenesisOrganisation("org-a", "Org A", [Roles.Generator, Roles.TradingCenter], OrgA.PublicKeyHex),
                new GenesisOrganisation("org-b", "Org B", [Roles.Retailer], OrgB.PublicKeyHex),
                new GenesisOrganisation("org-c", "Org C", [Roles.Regulator], OrgC.PublicKeyHex),
            ],
            [new ConsortiumNode(NodeId, "org-a", NodeKey.PublicKeyHex, "127.0.0.1:4001", "http://127.0.0.1:5001")],
            new GovernancePolicy(2, 3));
        Ledger = Open(Dir.Sub("node"));
        Ledger.InitializeGenesis(Genesis);
        AdminA = new TxBuilder(ChainId, "org-a", OrgA);
        AdminB = new TxBuilder(ChainId, "org-b", OrgB);
    }

    /// <summary>A second node: its own directory, the same genesis document (so the same genesis hash).</summary>
    public Ledger NewFollower(string name)
    {
        var follower = Open(Dir.Sub(name));
        follower.InitializeGenesis(Genesis);
        return follower;
    }

    public static Ledger Open(string directory) => new(directory, [new CounterContract()]);

    /// <summary>Reopens the leader's ledger from disk (a restart).</summary>
    public void Reopen()
    {
        Ledger.Dispose();
        Ledger = Open(Dir.Sub("node"));
    }

    public long NextTime() => _clock += 1000;

    public Block Propose(params SignedTransaction[] txs)
    {
        var dropped = new List<(SignedTransaction Tx, AdmissionError Reason)>();
        var block = Ledger.Propose(txs, NodeId, NodeKey, NextTime(), dropped);
        Assert.Empty(dropped);
        return block;
    }

    /// <summary>Admits every transaction (they must all pass), proposes them as one block and applies it.</summary>
    public Block Commit(params SignedTransaction[] txs)
    {
        foreach (var tx in txs)
        {
            var error = Ledger.Admit(tx);
            Assert.True(error is null, $"admission refused {tx.Body.Contract}.{tx.Body.Method}: {error?.Code} {error?.Message}");
        }
        var block = Propose(txs);
        Assert.True(Ledger.Apply(block));
        return block;
    }

    public SignedTransaction Increment(TxBuilder who, string key, long by = 1) =>
        who.Build(CounterContract.ContractName, "increment", new { key, by }, Ledger.Height);

    public SignedTransaction IssueCertificate(TxBuilder admin, string certificateId, Sm2KeyPair key, params string[] roles) =>
        admin.Build(MembershipContract.ContractName, "issueCertificate",
            new { certificateId, name = certificateId, roles, publicKey = key.PublicKeyHex }, Ledger.Height);

    public SignedTransaction Revoke(TxBuilder admin, string certificateId) =>
        admin.Build(MembershipContract.ContractName, "revokeCertificate", new { certificateId, reason = "left the company" }, Ledger.Height);

    public TxResult ResultOf(SignedTransaction tx) =>
        Ledger.Store.GetTransaction(tx.IdHex)?.Result ?? throw new InvalidOperationException($"transaction {tx.IdHex} is not committed");

    public long Counter(string key) =>
        Ledger.Store.Get(CounterContract.CounterKey(key)) is { } v ? long.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public void Dispose()
    {
        Ledger.Dispose();
        Dir.Dispose();
    }
}

internal static class TestJson
{
    public static JsonElement Element(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static string Canonical(string json) => System.Text.Encoding.UTF8.GetString(CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(json)));
}
