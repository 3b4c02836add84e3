using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Chain;

/// <summary>The outcome of a full audit: fine, or the first bad block and why.</summary>
public sealed record AuditResult(long BlocksChecked, long? BadHeight, string? Reason)
{
    public bool IsValid => BadHeight is null;
}

public sealed partial class Ledger
{
    /// <summary>
    /// Re-checks the whole stored chain from genesis, trusting nothing stored: every header hash and link, Merkle
    /// root, proposer and transaction signature, then re-executes every block on a fresh in-memory state and
    /// compares state roots, receipts roots, stored results and finally the stored world state.
    /// </summary>
    public AuditResult Audit(IProgress<long>? progress = null)
    {
        var replay = new ReplayState();
        var committed = new HashSet<string>(StringComparer.Ordinal);
        var headHash = Model.BlockHeader.ZeroHash;
        var stateRoot = new byte[32];
        Model.BlockHeader? previous = null;
        long height = 0;
        for (; height <= Store.Height; height++)
        {
            try
            {
                var stored = Store.GetBlock(height) ?? throw new InvalidBlockException(height, "missing from the store");
                var (block, storedHash, storedResults) = stored;
                if (block.Header.HashHex() != storedHash) throw new InvalidBlockException(height, "stored header does not hash to the stored block hash");
                if (block.Header.Height != height) throw new InvalidBlockException(height, "header height does not match its position");
                BlockExecution execution;
                if (height == 0)
                {
                    var genesisTx = block.Transactions.Single();
                    var document = Encoding.CanonicalJson.Deserialize<Membership.GenesisDocument>(genesisTx.Body.Args);
                    var (expected, genesisExecution) = GenesisBlock(document, Contracts);
                    if (expected.Header.HashHex() != storedHash || storedHash != GenesisHash)
                        throw new InvalidBlockException(0, "genesis block does not match the chain's genesis hash");
                    execution = genesisExecution;
                }
                else execution = Validate(block, replay, headHash, stateRoot, previous, committed.Contains);
                for (var i = 0; i < execution.Results.Count; i++)
                    if (!execution.Results[i].ToCanonicalBytes().AsSpan().SequenceEqual(storedResults[i].ToCanonicalBytes()))
                        throw new InvalidBlockException(height, $"stored result of transaction {i} differs from re-execution");
                foreach (var tx in block.Transactions) committed.Add(tx.IdHex);
                replay.Apply(execution.Writes);
                headHash = storedHash;
                stateRoot = execution.StateRoot;
                previous = block.Header;
            }
            catch (InvalidBlockException e) { return new AuditResult(height, e.Height, e.Reason); }
            catch (StateDivergenceException e) { return new AuditResult(height, height, e.Message); }
            catch (Exception e) when (e is FormatException or Encoding.CanonicalJsonException or Model.InvalidTransactionException
                                          or System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
            {
                return new AuditResult(height, height, $"unreadable: {e.Message}");
            }
            progress?.Report(height);
        }
        if (FirstStateDifference(replay) is { } difference) return new AuditResult(height, difference.Height, difference.Reason);
        return new AuditResult(height, null, null);
    }

    private (long Height, string Reason)? FirstStateDifference(ReplayState replay)
    {
        using var connection = Store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT key, value, height FROM state ORDER BY key";
        using var reader = cmd.ExecuteReader();
        var seen = 0;
        while (reader.Read())
        {
            seen++;
            var key = reader.GetString(0);
            if (replay.Get(key) != reader.GetString(1))
                return (reader.GetInt64(2), $"stored world state of \"{key}\" differs from re-execution");
        }
        return seen == replay.Count ? null : (Store.Height, "stored world state has keys missing or added");
    }

    /// <summary>In-memory world state rebuilt by replaying blocks.</summary>
    private sealed class ReplayState : IStateReader
    {
        private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
        public int Count => _values.Count;
        public string? Get(string key) => _values.GetValueOrDefault(key);
        public IEnumerable<KeyValuePair<string, string>> Scan(string prefix) =>
            _values.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        public void Apply(IReadOnlyDictionary<string, string?> writes)
        {
            foreach (var (k, v) in writes)
                if (v is null) _values.Remove(k); else _values[k] = v;
        }
    }
}
