using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Jobs;

/// <summary>
/// How far each subscriber has handled the chain on this node: DATA/jobs.db, one row per subscriber. The cursor is
/// saved only after a range's effects have committed, so a crash re-handles at most that range, which the contracts
/// make harmless (an effect that exists is refused). Losing the file only costs a longer replay.
/// </summary>
public sealed class ChainEventCursors
{
    public const string FileName = "jobs.db";
    private readonly string _connectionString;

    public ChainEventCursors(string dataDirectory)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, FileName), Pooling = false }.ToString();
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "CREATE TABLE IF NOT EXISTS cursors (subscriber TEXT PRIMARY KEY, height INTEGER NOT NULL)";
        cmd.ExecuteNonQuery();
    }

    /// <summary>The last height whose events the subscriber has handled (0 = nothing yet; genesis has no events).</summary>
    public long Get(string subscriber)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT height FROM cursors WHERE subscriber = $s";
        cmd.Parameters.AddWithValue("$s", subscriber);
        return cmd.ExecuteScalar() is long height ? height : 0;
    }

    public void Set(string subscriber, long height)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO cursors (subscriber, height) VALUES ($s, $h) ON CONFLICT(subscriber) DO UPDATE SET height = excluded.height";
        cmd.Parameters.AddWithValue("$s", subscriber);
        cmd.Parameters.AddWithValue("$h", height);
        cmd.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
