using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.State;
using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Chain.Storage;

/// <summary>A committed transaction with where it sits and what it did.</summary>
public sealed record StoredTransaction(SignedTransaction Transaction, long Height, int Index, TxResult Result);

/// <summary>A committed block header with its hash and signature.</summary>
public sealed record StoredBlock(BlockHeader Header, string Hash, byte[] HeaderSignature);

/// <summary>
/// SQLite storage (WAL, synchronous FULL): blocks, the transaction index, receipts and world state.
/// A block and everything it changes are written in one SQLite transaction; appending a block at or below the
/// stored height is a no-op, so Raft replaying entries after a crash is safe.
/// </summary>
public sealed class LedgerStore : IStateReader, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Lock _writeLock = new();
    private readonly SqliteCommand _getState;
    private readonly SqliteCommand _containsTx;
    private readonly System.Collections.Concurrent.ConcurrentBag<StoreReader> _readers = new();

    // Committed values of recently used keys (balances, certificates): execution and admission read the same few
    // keys for every transaction. Only the writer fills it (reads under the write lock, and every appended block),
    // so a value in it is never older than the last committed block. Bounded: cleared when it grows too large.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _hot = new(StringComparer.Ordinal);
    private const int HotCapacity = 200_000;

    // _hot's size, kept by hand (under the write lock, like every change to _hot): ConcurrentDictionary.Count takes all
    // of the dictionary's locks, and asking it on every missed read was a third of a demand-response settlement's time.
    private int _hotCount;

    /// <summary>Transactions are numbered height * 2^20 + index: rows are appended in order, never inserted in the middle.</summary>
    private static long Sequence(long height, int index) => (height << 20) + index;

    public long Height { get; private set; } = -1;
    public string HeadHash { get; private set; } = BlockHeader.ZeroHash;
    public byte[] HeadStateRoot { get; private set; } = new byte[32];
    public string Path { get; }

    public LedgerStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS blocks(
                height INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, header TEXT NOT NULL,
                header_signature BLOB NOT NULL, tx_count INTEGER NOT NULL, timestamp INTEGER NOT NULL, state_root TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS transactions(
                seq INTEGER PRIMARY KEY, tx_id TEXT NOT NULL UNIQUE, height INTEGER NOT NULL, idx INTEGER NOT NULL,
                body TEXT NOT NULL, signature BLOB NOT NULL, signer TEXT NOT NULL, contract TEXT NOT NULL, method TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS transactions_signer ON transactions(signer, seq);
            CREATE TABLE IF NOT EXISTS receipts(
                seq INTEGER PRIMARY KEY, tx_id TEXT NOT NULL, height INTEGER NOT NULL, status TEXT NOT NULL, result TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value TEXT NOT NULL, height INTEGER NOT NULL) WITHOUT ROWID;
            """);
        _getState = _writer.CreateCommand();
        _getState.CommandText = "SELECT value FROM state WHERE key = $k";
        _getState.Parameters.Add("$k", SqliteType.Text);
        _containsTx = _writer.CreateCommand();
        _containsTx.CommandText = "SELECT 1 FROM transactions WHERE tx_id = $id";
        _containsTx.Parameters.Add("$id", SqliteType.Text);
        using var head = _writer.CreateCommand();
        head.CommandText = "SELECT height, hash, state_root FROM blocks ORDER BY height DESC LIMIT 1";
        using var reader = head.ExecuteReader();
        if (reader.Read())
        {
            Height = reader.GetInt64(0);
            HeadHash = reader.GetString(1);
            HeadStateRoot = Hex.Decode(reader.GetString(2));
        }
    }

    public string? GetMeta(string key)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    public void SetMeta(string key, string value)
    {
        lock (_writeLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", value);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Persists a block with its execution in one SQLite transaction. Returns false if already stored.</summary>
    public bool Append(Block block, BlockExecution execution)
    {
        lock (_writeLock)
        {
            if (block.Height <= Height) return false;
            if (block.Height != Height + 1) throw new InvalidOperationException($"block {block.Height} does not follow the stored height {Height}");
            var hash = block.Header.HashHex();
            using var tx = _writer.BeginTransaction();
            using (var cmd = _writer.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO blocks VALUES($h, $hash, $header, $sig, $n, $ts, $sr)";
                cmd.Parameters.AddWithValue("$h", block.Height);
                cmd.Parameters.AddWithValue("$hash", hash);
                cmd.Parameters.AddWithValue("$header", System.Text.Encoding.UTF8.GetString(block.Header.ToCanonicalBytes()));
                cmd.Parameters.AddWithValue("$sig", block.HeaderSignature);
                cmd.Parameters.AddWithValue("$n", block.Transactions.Count);
                cmd.Parameters.AddWithValue("$ts", block.Header.Timestamp);
                cmd.Parameters.AddWithValue("$sr", block.Header.StateRoot);
                cmd.ExecuteNonQuery();
            }
            using (var insertTx = _writer.CreateCommand())
            using (var insertReceipt = _writer.CreateCommand())
            {
                insertTx.Transaction = tx;
                insertTx.CommandText = "INSERT INTO transactions VALUES($seq, $id, $h, $i, $body, $sig, $signer, $contract, $method)";
                var pSeq = insertTx.Parameters.Add("$seq", SqliteType.Integer);
                var pId = insertTx.Parameters.Add("$id", SqliteType.Text);
                insertTx.Parameters.AddWithValue("$h", block.Height);
                var pIdx = insertTx.Parameters.Add("$i", SqliteType.Integer);
                var pBody = insertTx.Parameters.Add("$body", SqliteType.Text);
                var pSig = insertTx.Parameters.Add("$sig", SqliteType.Blob);
                var pSigner = insertTx.Parameters.Add("$signer", SqliteType.Text);
                var pContract = insertTx.Parameters.Add("$contract", SqliteType.Text);
                var pMethod = insertTx.Parameters.Add("$method", SqliteType.Text);
                insertTx.Prepare();
                insertReceipt.Transaction = tx;
                insertReceipt.CommandText = "INSERT INTO receipts VALUES($seq, $id, $h, $status, $result)";
                var rSeq = insertReceipt.Parameters.Add("$seq", SqliteType.Integer);
                var rId = insertReceipt.Parameters.Add("$id", SqliteType.Text);
                insertReceipt.Parameters.AddWithValue("$h", block.Height);
                var rStatus = insertReceipt.Parameters.Add("$status", SqliteType.Text);
                var rResult = insertReceipt.Parameters.Add("$result", SqliteType.Text);
                insertReceipt.Prepare();
                for (var i = 0; i < block.Transactions.Count; i++)
                {
                    var t = block.Transactions[i];
                    pSeq.Value = rSeq.Value = Sequence(block.Height, i);
                    pId.Value = t.IdHex; pIdx.Value = i; pBody.Value = System.Text.Encoding.UTF8.GetString(t.BodyBytes);
                    pSig.Value = t.Signature; pSigner.Value = t.Body.Signer; pContract.Value = t.Body.Contract; pMethod.Value = t.Body.Method;
                    insertTx.ExecuteNonQuery();
                    var result = execution.Results[i];
                    rId.Value = t.IdHex; rStatus.Value = result.Status;
                    rResult.Value = System.Text.Encoding.UTF8.GetString(execution.ResultBytes[i]);
                    insertReceipt.ExecuteNonQuery();
                }
            }
            using (var upsert = _writer.CreateCommand())
            using (var delete = _writer.CreateCommand())
            {
                upsert.Transaction = tx;
                upsert.CommandText = "INSERT INTO state(key, value, height) VALUES($k, $v, $h) ON CONFLICT(key) DO UPDATE SET value = excluded.value, height = excluded.height";
                var uk = upsert.Parameters.Add("$k", SqliteType.Text);
                var uv = upsert.Parameters.Add("$v", SqliteType.Text);
                upsert.Parameters.AddWithValue("$h", block.Height);
                delete.Transaction = tx;
                delete.CommandText = "DELETE FROM state WHERE key = $k";
                var dk = delete.Parameters.Add("$k", SqliteType.Text);
                foreach (var (key, value) in execution.Writes)
                {
                    if (value is null) { dk.Value = key; delete.ExecuteNonQuery(); }
                    else { uk.Value = key; uv.Value = value; upsert.ExecuteNonQuery(); }
                }
            }
            try { tx.Commit(); }
            catch { _hot.Clear(); _hotCount = 0; throw; }
            if (_hotCount + execution.Writes.Count > HotCapacity) _hot.Clear();
            foreach (var (key, value) in execution.Writes) _hot[key] = value;
            _hotCount = _hot.Count; // once a block
            Height = block.Height;
            HeadHash = hash;
            HeadStateRoot = execution.StateRoot;
            return true;
        }
    }

    // IStateReader over committed state. Get is used by execution on the writer connection (the block being
    // built reads the state its predecessor committed); Scan opens its own reader.
    public string? Get(string key)
    {
        if (_hot.TryGetValue(key, out var cached)) return cached;
        lock (_writeLock)
        {
            _getState.Parameters[0].Value = key;
            var value = _getState.ExecuteScalar() as string;
            if (_hotCount < HotCapacity && _hot.TryAdd(key, value)) _hotCount++;
            return value;
        }
    }

    public IEnumerable<KeyValuePair<string, string>> Scan(string prefix)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        // SQLite orders TEXT by its UTF-8 bytes, so the keys starting with the prefix are contiguous from $p on. An upper
        // bound of prefix + U+FFFF would miss keys with characters above U+FFFF (and U+FFFF itself).
        cmd.CommandText = "SELECT key, value FROM state WHERE key >= $p ORDER BY key";
        cmd.Parameters.AddWithValue("$p", prefix);
        using var reader = cmd.ExecuteReader();
        var rows = new List<KeyValuePair<string, string>>();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
            rows.Add(new(key, reader.GetString(1)));
        }
        rows.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key)); // UTF-16 code-unit order, like every IStateReader
        return rows;
    }

    /// <summary>Whether a transaction is committed; safe from any thread.</summary>
    public bool ContainsTransaction(string txId)
    {
        var reader = RentReader();
        try { return reader.ContainsTransaction(txId); }
        finally { _readers.Add(reader); }
    }

    /// <summary>The same, on the writer's connection: for the apply path, which already holds the write order.</summary>
    internal bool ContainsCommittedTransaction(string txId)
    {
        lock (_writeLock)
        {
            _containsTx.Parameters[0].Value = txId;
            return _containsTx.ExecuteScalar() is not null;
        }
    }

    /// <summary>Committed state read on a pooled reader connection; safe from any thread (admission, pages).</summary>
    public string? ReadCommitted(string key)
    {
        if (_hot.TryGetValue(key, out var cached)) return cached;
        var reader = RentReader();
        try { return reader.Get(key); }
        finally { _readers.Add(reader); }
    }

    /// <summary>Committed state as seen from any thread: the view admission checks run against.</summary>
    public IStateReader Committed => new CommittedView(this);

    private sealed class CommittedView(LedgerStore store) : IStateReader
    {
        public string? Get(string key) => store.ReadCommitted(key);
        public IEnumerable<KeyValuePair<string, string>> Scan(string prefix) => store.Scan(prefix);
    }

    private StoreReader RentReader() => _readers.TryTake(out var reader) ? reader : new StoreReader(OpenReader());

    /// <summary>A reader connection with its prepared statements, pooled: opening connections per call costs more than the query.</summary>
    private sealed class StoreReader
    {
        private readonly SqliteCommand _get;
        private readonly SqliteCommand _contains;

        public StoreReader(SqliteConnection connection)
        {
            _get = connection.CreateCommand();
            _get.CommandText = "SELECT value FROM state WHERE key = $k";
            _get.Parameters.Add("$k", SqliteType.Text);
            _contains = connection.CreateCommand();
            _contains.CommandText = "SELECT 1 FROM transactions WHERE tx_id = $id";
            _contains.Parameters.Add("$id", SqliteType.Text);
        }

        public string? Get(string key) { _get.Parameters[0].Value = key; return _get.ExecuteScalar() as string; }
        public bool ContainsTransaction(string txId) { _contains.Parameters[0].Value = txId; return _contains.ExecuteScalar() is not null; }
        public void Dispose() { var c = _get.Connection; _get.Dispose(); _contains.Dispose(); c?.Dispose(); }
    }

    public StoredTransaction? GetTransaction(string txId)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.body, t.signature, t.height, t.idx, r.result FROM transactions t JOIN receipts r ON r.seq = t.seq
            WHERE t.tx_id = $id
            """;
        cmd.Parameters.AddWithValue("$id", txId);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadStoredTransaction(reader) : null;
    }

    public StoredTransaction? GetTransactionAt(long height, int index)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.body, t.signature, t.height, t.idx, r.result FROM transactions t JOIN receipts r ON r.seq = t.seq
            WHERE t.height = $h AND t.idx = $i
            """;
        cmd.Parameters.AddWithValue("$h", height);
        cmd.Parameters.AddWithValue("$i", index);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadStoredTransaction(reader) : null;
    }

    public StoredBlock? GetBlockHeader(long height)
    {
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT header, hash, header_signature FROM blocks WHERE height = $h";
        cmd.Parameters.AddWithValue("$h", height);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? new StoredBlock(BlockHeader.FromCanonical(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0))), reader.GetString(1), (byte[])reader[2]) : null;
    }

    /// <summary>A whole block as stored, with its results; the bytes are re-parsed, so tampering shows in ids and roots.</summary>
    public (Block Block, string StoredHash, IReadOnlyList<TxResult> Results)? GetBlock(long height)
    {
        if (GetBlockHeader(height) is not { } stored) return null;
        using var connection = OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.body, t.signature, t.height, t.idx, r.result FROM transactions t JOIN receipts r ON r.seq = t.seq
            WHERE t.height = $h ORDER BY t.seq
            """;
        cmd.Parameters.AddWithValue("$h", height);
        using var reader = cmd.ExecuteReader();
        var txs = new List<SignedTransaction>();
        var results = new List<TxResult>();
        while (reader.Read())
        {
            var s = ReadStoredTransaction(reader);
            txs.Add(s.Transaction);
            results.Add(s.Result);
        }
        return (new Block(stored.Header, stored.HeaderSignature, txs), stored.Hash, results);
    }

    private static StoredTransaction ReadStoredTransaction(SqliteDataReader reader) => new(
        SignedTransaction.FromStored(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0)), (byte[])reader[1]),
        reader.GetInt64(2), reader.GetInt32(3), TxResult.FromJson(System.Text.Encoding.UTF8.GetBytes(reader.GetString(4))));

    /// <summary>A read-only connection of its own: safe from any thread while blocks are being appended.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        while (_readers.TryTake(out var reader)) reader.Dispose();
        _containsTx.Dispose();
        _getState.Dispose();
        _writer.Dispose();
        SqliteConnection.ClearPool(_writer);
    }
}
