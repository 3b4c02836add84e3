namespace ConsortiumPortal.Features.Explorer;

/// <summary>What the explorer pages read from the ledger; a seam so component tests can use a fake.</summary>
public interface IExplorerQueries
{
    Task<PagedResult<BlockRow>> BlocksAsync(BlockFilter filter, PageRequest page, CancellationToken token = default);

    /// <summary>Transactions matching the filter that <paramref name="viewer"/> may see.</summary>
    Task<PagedResult<TxRow>> TransactionsAsync(ExplorerViewer viewer, TxFilter filter, PageRequest page, CancellationToken token = default);

    Task<BlockDetail?> BlockAsync(ExplorerViewer viewer, long height, CancellationToken token = default);

    Task<long?> BlockHeightByHashAsync(string hash, CancellationToken token = default);

    Task<bool> BlockExistsAsync(long height, CancellationToken token = default);

    Task<bool> TransactionExistsAsync(string txId, CancellationToken token = default);

    Task<TxDetail?> TransactionAsync(ExplorerViewer viewer, string txId, CancellationToken token = default);

    /// <summary>The receipt JSON of a transaction the viewer may see; null if there is none or it is another organisation's.</summary>
    Task<string?> ReceiptJsonAsync(ExplorerViewer viewer, string txId, CancellationToken token = default);

    Task<PagedResult<StateRow>> StateAsync(string prefix, PageRequest page, CancellationToken token = default);
}
