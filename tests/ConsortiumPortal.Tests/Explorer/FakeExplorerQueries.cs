using ConsortiumPortal.Features.Explorer;

namespace ConsortiumPortal.Tests.Explorer;

/// <summary>An in-memory explorer data source: paging is done here the way the SQL does it, so components can be checked page by page.</summary>
public sealed class FakeExplorerQueries : IExplorerQueries
{
    public List<BlockRow> Blocks { get; } = [];
    public List<TxRow> Transactions { get; } = [];
    public List<StateRow> State { get; } = [];
    public Dictionary<long, BlockDetail> BlockDetails { get; } = [];
    public Dictionary<string, TxDetail> TxDetails { get; } = [];
    public Exception? Failure { get; set; }
    public List<PageRequest> PageRequests { get; } = [];
    public List<ExplorerViewer> Viewers { get; } = [];

    private Task<T> Answer<T>(Func<T> value) => Failure is { } e ? Task.FromException<T>(e) : Task.FromResult(value());

    private PagedResult<T> Page<T>(IEnumerable<T> rows, PageRequest page)
    {
        PageRequests.Add(page);
        var all = rows.ToList();
        return new PagedResult<T>(all.Skip(page.Page * page.PageSize).Take(page.PageSize).ToList(), all.Count);
    }

    public Task<PagedResult<BlockRow>> BlocksAsync(BlockFilter filter, PageRequest page, CancellationToken token = default) =>
        Answer(() => Page(Blocks.Where(b => filter.FromHeight is null || b.Height >= filter.FromHeight)
            .OrderBy(b => page.Descending ? -b.Height : b.Height), page));

    public Task<PagedResult<TxRow>> TransactionsAsync(ExplorerViewer viewer, TxFilter filter, PageRequest page, CancellationToken token = default)
    {
        Viewers.Add(viewer);
        return Answer(() => Page(Transactions.Where(t => viewer.MaySee(t.Signer)), page));
    }

    public Task<BlockDetail?> BlockAsync(ExplorerViewer viewer, long height, CancellationToken token = default) =>
        Answer(() => BlockDetails.GetValueOrDefault(height));

    public Task<long?> BlockHeightByHashAsync(string hash, CancellationToken token = default) =>
        Answer(() => Blocks.FirstOrDefault(b => b.Hash == hash)?.Height);

    public Task<bool> BlockExistsAsync(long height, CancellationToken token = default) => Answer(() => Blocks.Any(b => b.Height == height));

    public Task<bool> TransactionExistsAsync(string txId, CancellationToken token = default) =>
        Answer(() => Transactions.Any(t => t.TxId == txId) || TxDetails.ContainsKey(txId));

    public Task<TxDetail?> TransactionAsync(ExplorerViewer viewer, string txId, CancellationToken token = default) =>
        Answer(() => TxDetails.GetValueOrDefault(txId));

    public string? Receipt { get; set; }

    public Task<string?> ReceiptJsonAsync(ExplorerViewer viewer, string txId, CancellationToken token = default) => Answer(() => Receipt);

    public Task<PagedResult<StateRow>> StateAsync(string prefix, PageRequest page, CancellationToken token = default) =>
        Answer(() => Page(State.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)), page));

    public static string Hash(long n) => n.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
}
