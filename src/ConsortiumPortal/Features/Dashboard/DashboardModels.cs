using ConsortiumPortal.Components;

namespace ConsortiumPortal.Features.Dashboard;

/// <summary>A block in the dashboard's "latest blocks" list.</summary>
public sealed record BlockRow(long Height, string Hash, long Timestamp, int TxCount)
{
    public static BlockRow From(BlockSummary block) => new(block.Height, block.Hash, block.Timestamp, block.TxCount);
}

/// <summary>A committed transaction in the dashboard's "recent transactions" list.</summary>
public sealed record TxRow(string TxId, long Height, long Timestamp, string Signer, string Contract, string Method, bool Succeeded, string? Error);

/// <summary>How many member organisations hold a role (an organisation with several roles counts once per role).</summary>
public sealed record RoleCount(string Role, int Organisations);

/// <summary>What the dashboard reads from the ledger; an interface so component tests can feed the cards.</summary>
public interface IDashboardQueries
{
    Task<long> ChainHeightAsync();

    /// <summary>The newest blocks, newest first.</summary>
    Task<IReadOnlyList<BlockRow>> LatestBlocksAsync(int count);

    /// <summary>Member organisations per role, in the order of the roles' names.</summary>
    Task<IReadOnlyList<RoleCount>> MembersByRoleAsync();

    /// <summary>The newest transactions signed by people of <paramref name="organisationId"/> (all organisations when null), newest first.</summary>
    Task<IReadOnlyList<TxRow>> RecentTransactionsAsync(string? organisationId, int count);
}

/// <summary>Committed blocks as they happen, and the last minutes of them; the portal's <see cref="BlockFeed"/> behind an interface.</summary>
public interface IBlockStream
{
    event Action<BlockSummary>? BlockCommitted;

    /// <summary>Blocks of the last minutes, oldest first.</summary>
    IReadOnlyList<BlockSummary> Recent { get; }
}

public sealed class BlockFeedStream(BlockFeed feed) : IBlockStream
{
    public event Action<BlockSummary>? BlockCommitted
    {
        add => feed.BlockCommitted += value;
        remove => feed.BlockCommitted -= value;
    }

    public IReadOnlyList<BlockSummary> Recent => feed.Recent;
}

/// <summary>Committed transactions per second in fixed time buckets, for the throughput chart.</summary>
public static class Throughput
{
    public sealed record Series(IReadOnlyList<long> BucketStarts, IReadOnlyList<double> TxPerSecond, int Blocks, long Transactions);

    /// <summary>
    /// Buckets of <paramref name="bucket"/> aligned to the clock, the last one holding <paramref name="nowMs"/>, covering
    /// <paramref name="window"/>. Blocks outside the window are ignored; a block counts in the bucket of its timestamp.
    /// </summary>
    public static Series Compute(IEnumerable<BlockSummary> blocks, long nowMs, TimeSpan window, TimeSpan bucket)
    {
        var size = (long)bucket.TotalMilliseconds;
        var count = (int)Math.Max(1, (long)window.TotalMilliseconds / size);
        var lastStart = nowMs - Modulo(nowMs, size);
        var firstStart = lastStart - (count - 1) * size;
        var txs = new long[count];
        var blockCount = 0;
        foreach (var block in blocks)
        {
            if (block.Timestamp < firstStart || block.Timestamp >= lastStart + size) continue;
            txs[(block.Timestamp - firstStart) / size] += block.TxCount;
            blockCount++;
        }
        var starts = Enumerable.Range(0, count).Select(i => firstStart + i * size).ToArray();
        var seconds = size / 1000.0;
        return new Series(starts, txs.Select(n => n / seconds).ToArray(), blockCount, txs.Sum());
    }

    private static long Modulo(long value, long size) => ((value % size) + size) % size;
}
