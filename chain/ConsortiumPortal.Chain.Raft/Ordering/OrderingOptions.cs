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

    /// <summary>
    /// The leader's clock for block timestamps, the only clock contracts see (ContractContext.BlockTime). The system clock
    /// unless a pilot seeds dated demo history or runs a training clock; the ledger still never lets a block's timestamp go
    /// below its parent's (Ledger.Propose), so a clock that is set back only holds block time still.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
