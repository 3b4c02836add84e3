using System.Text;
using System.Text.Json;
using ChainLedger = ConsortiumPortal.Chain.Ledger;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;
using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Features.Explorer;

/// <summary>
/// The explorer's reads of ledger.db: parameterized SQL on a reader connection of its own (safe while blocks are
/// appended). Sort columns come from fixed maps, never from the request text.
/// Transactions are numbered seq = height * 2^20 + index (LedgerStore), so "the transactions of block h" is the
/// seq range [h << 20, (h + 1) << 20) on the primary key.
/// </summary>
public sealed class ExplorerQueries(Func<Task<ChainLedger>> ledger) : IExplorerQueries
{
    public ExplorerQueries(NodeHostedService node) : this(async () => (await node.Runtime).Ledger) { }

    private static readonly Dictionary<string, string> BlockSorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["height"] = "height", ["time"] = "timestamp", ["txCount"] = "tx_count", ["failed"] = "failed", ["proposer"] = "proposer",
    };

    private static readonly Dictionary<string, string> TxSorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["height"] = "t.seq", ["time"] = "b.timestamp", ["contract"] = "t.contract", ["method"] = "t.method",
        ["status"] = "r.status", ["signer"] = "t.signer",
    };

    private static readonly Dictionary<string, string> StateSorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["key"] = "key", ["height"] = "height",
    };

    private static string OrderBy(Dictionary<string, string> sorts, PageRequest page, string fallback, string tieBreak) =>
        $"{(page.SortBy is { } s && sorts.TryGetValue(s, out var column) ? column : fallback)} {(page.Descending ? "DESC" : "ASC")}, {tieBreak}";

    public Task<PagedResult<BlockRow>> BlocksAsync(BlockFilter filter, PageRequest page, CancellationToken token = default) =>
        ReadAsync(connection =>
        {
            const string from = """
                FROM (SELECT height, hash, timestamp, tx_count, json_extract(header, '$.proposer') AS proposer,
                             (SELECT COUNT(*) FROM receipts r
                              WHERE r.seq >= (blocks.height << 20) AND r.seq < ((blocks.height + 1) << 20) AND r.status = 'failed') AS failed
                      FROM blocks
                      WHERE ($from IS NULL OR height >= $from) AND ($to IS NULL OR height <= $to))
                WHERE ($proposer IS NULL OR proposer = $proposer) AND ($failures = 0 OR failed > 0)
                """;
            void Bind(SqliteCommand c)
            {
                c.Parameters.AddWithValue("$from", (object?)filter.FromHeight ?? DBNull.Value);
                c.Parameters.AddWithValue("$to", (object?)filter.ToHeight ?? DBNull.Value);
                c.Parameters.AddWithValue("$proposer", Blank(filter.Proposer) ?? (object)DBNull.Value);
                c.Parameters.AddWithValue("$failures", filter.OnlyWithFailures ? 1 : 0);
            }
            var total = Count(connection, "SELECT COUNT(*) " + from, Bind);
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT height, hash, timestamp, tx_count, failed, proposer {from} ORDER BY {OrderBy(BlockSorts, page, "height", "height DESC")} LIMIT $take OFFSET $skip";
            Bind(cmd);
            BindPage(cmd, page);
            using var reader = cmd.ExecuteReader();
            var rows = new List<BlockRow>();
            while (reader.Read())
                rows.Add(new BlockRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt32(4),
                    reader.IsDBNull(5) ? "" : reader.GetString(5)));
            return new PagedResult<BlockRow>(rows, total);
        }, token);

    public Task<PagedResult<TxRow>> TransactionsAsync(ExplorerViewer viewer, TxFilter filter, PageRequest page, CancellationToken token = default)
    {
        if (!viewer.IsRegulator && string.IsNullOrEmpty(viewer.OrganisationId)) return Task.FromResult(PagedResult<TxRow>.Empty);
        return ReadAsync(connection =>
        {
            // An organisation's signers are the organisation id itself (its root certificate) and "org/..." (its people):
            // the range ["org/", "org0") holds exactly the ids starting with "org/" ('0' follows '/').
            const string from = """
                FROM transactions t JOIN receipts r ON r.seq = t.seq JOIN blocks b ON b.height = t.height
                WHERE ($all = 1 OR t.signer = $vo OR (t.signer >= $vo || '/' AND t.signer < $vo || '0'))
                  AND ($so IS NULL OR t.signer = $so OR (t.signer >= $so || '/' AND t.signer < $so || '0'))
                  AND ($contract IS NULL OR t.contract = $contract)
                  AND ($method IS NULL OR t.method = $method)
                  AND ($status IS NULL OR r.status = $status)
                  AND ($from IS NULL OR t.seq >= ($from << 20))
                  AND ($to IS NULL OR t.seq < (($to + 1) << 20))
                """;
            void Bind(SqliteCommand c)
            {
                c.Parameters.AddWithValue("$all", viewer.IsRegulator ? 1 : 0);
                c.Parameters.AddWithValue("$vo", viewer.OrganisationId ?? "");
                c.Parameters.AddWithValue("$so", Blank(filter.SignerOrganisation) ?? (object)DBNull.Value);
                c.Parameters.AddWithValue("$contract", Blank(filter.Contract) ?? (object)DBNull.Value);
                c.Parameters.AddWithValue("$method", Blank(filter.Method) ?? (object)DBNull.Value);
                c.Parameters.AddWithValue("$status", Blank(filter.Status) ?? (object)DBNull.Value);
                c.Parameters.AddWithValue("$from", (object?)filter.FromHeight ?? DBNull.Value);
                c.Parameters.AddWithValue("$to", (object?)filter.ToHeight ?? DBNull.Value);
            }
            var total = Count(connection, "SELECT COUNT(*) " + from, Bind);
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"""
                SELECT t.tx_id, t.height, t.idx, b.timestamp, t.signer, t.contract, t.method, r.status, json_extract(r.result, '$.error')
                {from} ORDER BY {OrderBy(TxSorts, page, "t.seq", "t.seq DESC")} LIMIT $take OFFSET $skip
                """;
            Bind(cmd);
            BindPage(cmd, page);
            return new PagedResult<TxRow>(ReadTxRows(cmd, viewer), total);
        }, token);
    }

    private static List<TxRow> ReadTxRows(SqliteCommand cmd, ExplorerViewer viewer)
    {
        using var reader = cmd.ExecuteReader();
        var rows = new List<TxRow>();
        while (reader.Read())
        {
            var signer = reader.GetString(4);
            var visible = viewer.MaySee(signer);
            rows.Add(new TxRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt64(3), visible ? signer : "",
                reader.GetString(5), reader.GetString(6), reader.GetString(7), visible && !reader.IsDBNull(8) ? reader.GetString(8) : null, !visible));
        }
        return rows;
    }

    public Task<BlockDetail?> BlockAsync(ExplorerViewer viewer, long height, CancellationToken token = default) =>
        ReadAsync(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT header, hash, header_signature FROM blocks WHERE height = $h";
            cmd.Parameters.AddWithValue("$h", height);
            BlockHeader header;
            string hash, signature;
            using (var reader = cmd.ExecuteReader())
            {
                if (!reader.Read()) return null;
                header = BlockHeader.FromCanonical(Encoding.UTF8.GetBytes(reader.GetString(0)));
                hash = reader.GetString(1);
                signature = Chain.Crypto.Hex.Encode((byte[])reader[2]);
            }
            using var txs = connection.CreateCommand();
            txs.CommandText = """
                SELECT t.tx_id, t.height, t.idx, b.timestamp, t.signer, t.contract, t.method, r.status, json_extract(r.result, '$.error')
                FROM transactions t JOIN receipts r ON r.seq = t.seq JOIN blocks b ON b.height = t.height
                WHERE t.seq >= ($h << 20) AND t.seq < (($h + 1) << 20) ORDER BY t.seq
                """;
            txs.Parameters.AddWithValue("$h", height);
            return new BlockDetail(header.Height, hash, header.PrevHash, header.Timestamp, header.Proposer, header.TxRoot, header.StateRoot,
                header.ReceiptsRoot, header.GenesisHash, signature, ReadTxRows(txs, viewer));
        }, token);

    public Task<long?> BlockHeightByHashAsync(string hash, CancellationToken token = default) =>
        ReadAsync(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT height FROM blocks WHERE hash = $hash";
            cmd.Parameters.AddWithValue("$hash", hash.ToLowerInvariant());
            return cmd.ExecuteScalar() is long h ? h : (long?)null;
        }, token);

    public Task<bool> BlockExistsAsync(long height, CancellationToken token = default) =>
        ReadAsync(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT 1 FROM blocks WHERE height = $h";
            cmd.Parameters.AddWithValue("$h", height);
            return cmd.ExecuteScalar() is not null;
        }, token);

    public Task<bool> TransactionExistsAsync(string txId, CancellationToken token = default) =>
        ReadAsync(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT 1 FROM transactions WHERE tx_id = $id";
            cmd.Parameters.AddWithValue("$id", txId.ToLowerInvariant());
            return cmd.ExecuteScalar() is not null;
        }, token);

    public async Task<TxDetail?> TransactionAsync(ExplorerViewer viewer, string txId, CancellationToken token = default)
    {
        var chain = await ledger();
        return await ReadAsync(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                SELECT t.body, t.height, t.idx, t.signer, t.contract, t.method, r.status, r.result, b.hash, b.timestamp
                FROM transactions t JOIN receipts r ON r.seq = t.seq JOIN blocks b ON b.height = t.height
                WHERE t.tx_id = $id
                """;
            cmd.Parameters.AddWithValue("$id", txId.ToLowerInvariant());
            using var reader = cmd.ExecuteReader();
            if (!reader.Read()) return null;
            var signer = reader.GetString(3);
            var id = txId.ToLowerInvariant();
            var (height, index, contract, method, status, blockHash, timestamp) =
                (reader.GetInt64(1), reader.GetInt32(2), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(8), reader.GetInt64(9));
            if (!viewer.MaySee(signer))
                return new TxDetail(id, height, index, blockHash, timestamp, contract, method, status, true,
                    null, null, null, null, null, [], [], null, null, null);
            using var body = JsonDocument.Parse(reader.GetString(0));
            var arguments = body.RootElement.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Object
                ? args.EnumerateObject().Select(p => new TxArgument(p.Name, ExplorerText.Value(p.Value))).ToList()
                : [];
            var result = TxResult.FromJson(Encoding.UTF8.GetBytes(reader.GetString(7)));
            var organisation = ExplorerText.OrganisationOf(signer);
            var certificate = MembershipContract.Read<Certificate>(chain.Store.Committed, MembershipContract.Keys.Certificate(signer));
            var org = MembershipContract.Read<Chain.Membership.Organisation>(chain.Store.Committed, MembershipContract.Keys.Organisation(organisation));
            return new TxDetail(id, height, index, blockHash, timestamp, contract, method, status, false,
                signer, certificate?.Name, organisation, org?.Name, result.Error,
                arguments, result.Events.Select(e => new TxEvent(e.Name, e.Data.GetRawText())).ToList(),
                result.Output is { } output && output.ValueKind != JsonValueKind.Null ? output.GetRawText() : null,
                body.RootElement.TryGetProperty("nonce", out var nonce) ? ExplorerText.Value(nonce) : null,
                body.RootElement.TryGetProperty("expiryHeight", out var expiry) && expiry.TryGetInt64(out var e) ? e : null);
        }, token);
    }

    public async Task<string?> ReceiptJsonAsync(ExplorerViewer viewer, string txId, CancellationToken token = default)
    {
        var chain = await ledger();
        return await Task.Run(() =>
        {
            var receipt = chain.GetReceipt(txId.ToLowerInvariant());
            if (receipt is null) return null;
            var signer = receipt.Json["tx"]?["signer"]?.GetValue<string>() ?? "";
            return viewer.MaySee(signer) ? receipt.ToJson() : null;
        }, token);
    }

    public Task<PagedResult<StateRow>> StateAsync(string prefix, PageRequest page, CancellationToken token = default) =>
        ReadAsync(connection =>
        {
            // GLOB with a literal prefix is answered from the primary-key index (BINARY collation); the prefix's own
            // wildcard characters are escaped as one-character classes.
            var pattern = new StringBuilder();
            foreach (var ch in prefix) pattern.Append(ch switch { '*' => "[*]", '?' => "[?]", '[' => "[[]", _ => ch.ToString() });
            pattern.Append('*');
            const string from = "FROM state WHERE key >= $p AND key GLOB $pattern";
            void Bind(SqliteCommand c)
            {
                c.Parameters.AddWithValue("$p", prefix);
                c.Parameters.AddWithValue("$pattern", pattern.ToString());
            }
            var total = Count(connection, "SELECT COUNT(*) " + from, Bind);
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT key, value, height {from} ORDER BY {OrderBy(StateSorts, page, "key", "key ASC")} LIMIT $take OFFSET $skip";
            Bind(cmd);
            BindPage(cmd, page);
            using var reader = cmd.ExecuteReader();
            var rows = new List<StateRow>();
            while (reader.Read()) rows.Add(new StateRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            return new PagedResult<StateRow>(rows, total);
        }, token);

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> query, CancellationToken token)
    {
        var chain = await ledger();
        return await Task.Run(() =>
        {
            using var connection = chain.Store.OpenReader();
            return query(connection);
        }, token);
    }

    private static int Count(SqliteConnection connection, string sql, Action<SqliteCommand> bind)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        bind(cmd);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void BindPage(SqliteCommand cmd, PageRequest page)
    {
        var size = Math.Clamp(page.PageSize, 1, PageRequest.ExportLimit);
        cmd.Parameters.AddWithValue("$take", size);
        cmd.Parameters.AddWithValue("$skip", (long)Math.Max(page.Page, 0) * size);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
