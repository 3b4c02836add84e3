using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Keys;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Seed;
using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Tests.Support;

/// <summary>
/// A demo data directory made by the real `init --data DIR --demo`, with what tests need to act in it: the
/// demo signers' keys (keystore.json sealed with master.key), signing, and read-only looks into ledger.db.
/// </summary>
public sealed class DemoLedger
{
    public const string ChainId = DemoConsortium.DefaultChainId;

    public string DataDirectory { get; }
    public string DatabasePath => Path.Combine(DataDirectory, Chain.Ledger.DatabaseFile);

    private readonly Lazy<Keystore> _keys;

    private DemoLedger(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        _keys = new(() => new Keystore(Path.Combine(dataDirectory, "keystore.json"),
            Hex.Decode(File.ReadAllText(Path.Combine(dataDirectory, "master.key")).Trim())));
    }

    /// <summary>`init --data DIR --demo`, asserting it succeeded.</summary>
    public static async Task<DemoLedger> InitAsync(string dataDirectory)
    {
        var init = await Executable.RunAsync("init", "--data", dataDirectory, "--demo", "--raft", $"127.0.0.1:{FreePorts.Free()}");
        if (init.ExitCode != 0) throw new InvalidOperationException($"init failed: {init}");
        return new DemoLedger(dataDirectory);
    }

    public static DemoLedger Open(string dataDirectory) => new(dataDirectory);

    public TxBuilder Signer(string certificateId, string chainId = ChainId) => new(chainId, certificateId, _keys.Value.Get(certificateId));

    public SignedTransaction Transfer(string fromCertificate, string to, long amount, long currentHeight, string memo = "test") =>
        Signer(fromCertificate).Build(SettlementContract.ContractName, "transfer", new SettlementContract.TransferArgs(to, amount, memo), currentHeight);

    // ---- ledger.db, read directly (its own short-lived connection, no pooling, so no handle outlives the call) ----

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath, Pooling = false, Mode = SqliteOpenMode.ReadWrite,
        }.ToString());
        connection.Open();
        using var timeout = connection.CreateCommand();
        timeout.CommandText = "PRAGMA busy_timeout = 10000";
        timeout.ExecuteNonQuery();
        return connection;
    }

    private T Query<T>(string sql, Func<SqliteCommand, T> run, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return run(cmd);
    }

    public long Balance(string organisationId) =>
        Query("SELECT value FROM state WHERE key = $k", c => c.ExecuteScalar() is string s ? long.Parse(s) : 0L,
            ("$k", SettlementAccounts.BalanceKey(organisationId)));

    /// <summary>The whole world state, key -> value.</summary>
    public SortedDictionary<string, string> State() => Query("SELECT key, value FROM state", c =>
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var r = c.ExecuteReader();
        while (r.Read()) state[r.GetString(0)] = r.GetString(1);
        return state;
    });

    public long TransactionRows(string txId) =>
        Query("SELECT COUNT(*) FROM transactions WHERE tx_id = $id", c => (long)c.ExecuteScalar()!, ("$id", txId));

    public long TransactionCount() => Query("SELECT COUNT(*) FROM transactions", c => (long)c.ExecuteScalar()!);

    public long StoredHeight() => Query("SELECT COALESCE(MAX(height), -1) FROM blocks", c => (long)c.ExecuteScalar()!);

    /// <summary>A stored transaction found by a fragment of its body: tx id, height, index, body.</summary>
    public (string TxId, long Height, int Index, string Body) FindTransaction(string bodyFragment) =>
        Query("SELECT tx_id, height, idx, body FROM transactions WHERE instr(body, $f) > 0 ORDER BY height, idx", c =>
        {
            using var r = c.ExecuteReader();
            if (!r.Read()) throw new InvalidOperationException($"no stored transaction contains \"{bodyFragment}\"");
            var row = (r.GetString(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3));
            if (r.Read()) throw new InvalidOperationException($"more than one stored transaction contains \"{bodyFragment}\"");
            return row;
        }, ("$f", bodyFragment));
}

/// <summary>Submitting wire transactions to a node's HTTP API.</summary>
public static class LedgerHttp
{
    public sealed record Submission(HttpStatusCode Status, JsonElement Json, string Raw)
    {
        public string? State => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("state", out var s) ? s.GetString() : null;
        public bool IsCommitted => Status == HttpStatusCode.OK && State == "committed";
        public string? Title => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("title", out var t) ? t.GetString() : null;
        public override string ToString() => $"{(int)Status} {Raw}";
    }

    public static Task<Submission> SubmitAsync(this HttpClient http, SignedTransaction tx, bool wait = true, CancellationToken token = default) =>
        http.SubmitRawAsync(Encoding.UTF8.GetBytes(tx.ToJson()), wait, token);

    public static async Task<Submission> SubmitRawAsync(this HttpClient http, byte[] body, bool wait = true, CancellationToken token = default)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await http.PostAsync(wait ? "api/transactions?wait=true" : "api/transactions", content, token);
        return await ReadAsync(response, token);
    }

    public static async Task<Submission> ReadAsync(HttpResponseMessage response, CancellationToken token = default)
    {
        var raw = await response.Content.ReadAsStringAsync(token);
        JsonElement json;
        try { json = raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone(); }
        catch (JsonException) { json = default; }
        return new Submission(response.StatusCode, json, raw);
    }

    /// <summary>GET /api/transactions/{id}: the state ("committed", "pending") or null when the node does not know it (404).</summary>
    public static async Task<(string? State, long Height, int Index)> TransactionAsync(this HttpClient http, string txId)
    {
        using var response = await http.GetAsync($"api/transactions/{txId}");
        if (response.StatusCode == HttpStatusCode.NotFound) return (null, -1, -1);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var state = json.GetProperty("state").GetString();
        return state == "committed" ? (state, json.GetProperty("height").GetInt64(), json.GetProperty("index").GetInt32()) : (state, -1, -1);
    }
}
