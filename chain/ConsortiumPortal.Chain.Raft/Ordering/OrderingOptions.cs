namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>How the leader cuts blocks and how much it keeps waiting.</summary>
public sealed record OrderingOptions
{
    /// <summary>Most transactions in one block (one Raft entry).</summary>
    public int MaxTransactionsPerBlock { get; init; } = 2000;

    /// <summary>After the first transaction arrives, how long to wait for more before cutting. Small: under load,
    /// batches form by themselves while the previous block commits.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Admitted transactions waiting for a block; beyond this, submissions are refused (back-pressure).</summary>
    public int MempoolCapacity { get; init; } = 200_000;
}
