using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Chain.Tests;

public sealed class LedgerAuditTests
{
    /// <summary>
    /// Height 1: a certificate and a counter; 2: increments by 5 and 7 (a = 5, b = 7); 3: a failure; 4: a = 6.
    /// </summary>
    private static TestChain BuildChain()
    {
        var chain = new TestChain();
        var alice = Sm2.Generate();
        chain.Commit(chain.IssueCertificate(chain.AdminA, "org-a/alice", alice, Roles.Generator), chain.Increment(chain.AdminB, "c", 3));
        chain.Commit(chain.Increment(chain.AdminA, "a", 5), chain.Increment(chain.AdminB, "b", 7));
        chain.Commit(chain.AdminA.Build(CounterContract.ContractName, "fail", new { reason = "no" }, chain.Ledger.Height));
        chain.Commit(new TxBuilder(TestChain.ChainId, "org-a/alice", alice)
            .Build(CounterContract.ContractName, "increment", new { key = "a", by = 1 }, chain.Ledger.Height));
        Assert.Equal(4, chain.Ledger.Height);
        return chain;
    }

    private static void Tamper(TestChain chain, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={chain.Ledger.Store.Path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        Assert.True(cmd.ExecuteNonQuery() > 0, $"the tampering statement changed nothing: {sql}");
    }

    [Fact]
    public void Audit_passes_on_an_honest_chain()
    {
        using var chain = BuildChain();
        var progress = new List<long>();
        var result = chain.Ledger.Audit(new SyncProgress(progress));
        Assert.True(result.IsValid, result.Reason);
        Assert.Null(result.BadHeight);
        Assert.Equal(5, result.BlocksChecked);
        Assert.Equal([0L, 1, 2, 3, 4], progress);
        chain.Reopen();
        Assert.True(chain.Ledger.Audit().IsValid);
    }

    [Theory]
    // A transaction body rewritten: its id no longer matches the header's Merkle root.
    [InlineData("UPDATE transactions SET body = replace(body, '\"by\":5', '\"by\":50') WHERE height = 2", 2)]
    // A signature swapped for garbage.
    [InlineData("UPDATE transactions SET signature = zeroblob(64) WHERE height = 2 AND idx = 1", 2)]
    // A recorded result rewritten: re-execution disagrees.
    [InlineData("UPDATE receipts SET result = replace(result, '\"value\":5', '\"value\":500') WHERE height = 2", 2)]
    [InlineData("UPDATE receipts SET result = replace(result, 'refused: no', 'refused: yes') WHERE height = 3", 3)]
    [InlineData("UPDATE receipts SET result = replace(result, '\"status\":\"failed\"', '\"status\":\"ok\"') WHERE height = 3", 3)]
    // A header edited: it no longer hashes to the stored hash.
    [InlineData("UPDATE blocks SET header = replace(header, '\"txCount\":2', '\"txCount\":3') WHERE height = 2", 2)]
    // A header signature replaced.
    [InlineData("UPDATE blocks SET header_signature = zeroblob(64) WHERE height = 3", 3)]
    // World state rewritten: the row names the height that last wrote it.
    [InlineData("UPDATE state SET value = '1000' WHERE key = 'counter/a'", 4)]
    [InlineData("UPDATE state SET value = '70' WHERE key = 'counter/b'", 2)]
    // A transaction moved out of its block.
    [InlineData("DELETE FROM transactions WHERE height = 2 AND idx = 1", 2)]
    public void Audit_names_the_tampered_block(string sql, long badHeight)
    {
        using var chain = BuildChain();
        Tamper(chain, sql);
        var result = chain.Ledger.Audit();
        Assert.False(result.IsValid);
        Assert.Equal(badHeight, result.BadHeight);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Theory]
    [InlineData("DELETE FROM state WHERE key = 'counter/c'")]
    [InlineData("INSERT INTO state(key, value, height) VALUES('counter/forged', '1', 2)")]
    public void Audit_notices_world_state_keys_removed_or_added(string sql)
    {
        using var chain = BuildChain();
        Tamper(chain, sql);
        var result = chain.Ledger.Audit();
        Assert.False(result.IsValid);
        Assert.NotNull(result.BadHeight);
    }

    [Fact]
    public void Audit_notices_a_block_whose_signed_header_was_replaced_consistently()
    {
        // The attacker edits the header AND its stored hash so the row is self-consistent; the next block's link
        // and the proposer signature still give it away.
        using var chain = BuildChain();
        var header = chain.Ledger.Store.GetBlockHeader(3)!.Header with { Timestamp = TestChain.GenesisTime + 3500 };
        var json = System.Text.Encoding.UTF8.GetString(header.ToCanonicalBytes());
        Tamper(chain, $"UPDATE blocks SET header = '{json}', hash = '{header.HashHex()}' WHERE height = 3");
        var result = chain.Ledger.Audit();
        Assert.False(result.IsValid);
        Assert.Equal(3, result.BadHeight);
    }

    private sealed class SyncProgress(List<long> sink) : IProgress<long>
    {
        public void Report(long value) => sink.Add(value);
    }
}
