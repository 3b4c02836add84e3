using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Chain.Tests;

public sealed class LedgerStoreTests
{
    private static readonly string[] Keys = ["doc/a", "doc/\u00e9", "doc/\u4e2d", "doc/\ud83d\ude00", "doc/\ue000", "doc/\uffff", "doc/\uffffz"];

    private static TestChain ChainWithKeys()
    {
        var chain = new TestChain();
        chain.Commit([.. Keys.Select(k => chain.AdminA.Build(CounterContract.ContractName, "put", new { key = k, value = "v" }, 0)),
            chain.AdminA.Build(CounterContract.ContractName, "put", new { key = "doc0", value = "not under doc/" }, 0),
            chain.AdminA.Build(CounterContract.ContractName, "put", new { key = "doc.", value = "not under doc/" }, 0)]);
        return chain;
    }

    [Fact]
    public void Scan_returns_every_committed_key_under_the_prefix_including_non_BMP_keys()
    {
        using var chain = ChainWithKeys();
        foreach (var key in Keys) Assert.Equal("\"v\"", chain.Ledger.Store.Get(key));
        var scanned = chain.Ledger.Store.Scan("doc/").Select(p => p.Key).ToArray();
        Assert.Equal(Keys.Order(StringComparer.Ordinal), scanned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scan_orders_keys_by_UTF16_code_units_like_every_other_state_reader()
    {
        using var chain = ChainWithKeys();
        var scanned = chain.Ledger.Store.Scan("doc/").Select(p => p.Key).ToArray();
        Assert.Equal(scanned.Order(StringComparer.Ordinal), scanned);
    }

    [Fact]
    public void A_contract_scanning_committed_state_sees_the_same_keys_live_as_in_an_audit_replay()
    {
        // Live execution reads committed state through SQLite; the audit replays on an in-memory state. If the two
        // disagree on what a prefix holds, an honest chain fails its own audit (and nodes that rebuilt state differ).
        using var chain = ChainWithKeys();
        var scan = chain.AdminA.Build(CounterContract.ContractName, "scan", new { prefix = "doc/" }, chain.Ledger.Height);
        chain.Commit(scan);
        var seen = chain.ResultOf(scan).Output!.Value.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
        var audit = chain.Ledger.Audit();
        Assert.True(audit.IsValid, $"an honest chain fails its audit at block {audit.BadHeight}: {audit.Reason}");
        Assert.Equal(Keys.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public void Scan_of_the_empty_prefix_returns_the_whole_state()
    {
        using var chain = ChainWithKeys();
        var all = chain.Ledger.Store.Scan("").Select(p => p.Key).ToArray();
        Assert.Contains("doc0", all);
        Assert.Contains("doc.", all);
        Assert.Contains("doc/\ud83d\ude00", all);
        Assert.Contains(all, k => k.StartsWith("membership/", StringComparison.Ordinal));
    }

    [Fact]
    public void Append_refuses_a_gap_and_skips_a_stored_height()
    {
        using var chain = new TestChain();
        var store = chain.Ledger.Store;
        var (genesis, execution) = Ledger.GenesisBlock(chain.Genesis, chain.Ledger.Contracts);
        Assert.False(store.Append(genesis, execution));
        var future = new Block(genesis.Header with { Height = 5 }, [], genesis.Transactions);
        Assert.Throws<InvalidOperationException>(() => store.Append(future, execution));
        Assert.Equal(0, store.Height);
    }

    [Fact]
    public void Head_is_restored_from_disk()
    {
        using var chain = new TestChain();
        chain.Commit(chain.Increment(chain.AdminA, "a"));
        var (height, hash, root) = (chain.Ledger.Store.Height, chain.Ledger.Store.HeadHash, chain.Ledger.Store.HeadStateRoot);
        chain.Reopen();
        Assert.Equal(height, chain.Ledger.Store.Height);
        Assert.Equal(hash, chain.Ledger.Store.HeadHash);
        Assert.Equal(root, chain.Ledger.Store.HeadStateRoot);
        Assert.Equal("t", chain.Ledger.Store.GetMeta("nope") ?? "t");
    }
}
