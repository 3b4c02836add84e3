using System.Security.Claims;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Receivables;

/// <summary>Which vouchers a list shows: issued by the caller's organisation, held by it, financed (by it or, for a bank, to it), or every one.</summary>
public enum VoucherView { Issued, Held, Financed, All }

public sealed record VoucherPage(IReadOnlyList<Voucher> Items, int Total);

public sealed record VoucherQuery(VoucherView View, int Skip = 0, int Take = 25, string? Search = null, VoucherStatus? Status = null,
    string? SortBy = null, bool Descending = false);

/// <summary>A voucher with its whole tree (root first) and what a bank weighs: the issuer's and the holder's ratings.</summary>
public sealed record VoucherDetail(Voucher Voucher, IReadOnlyList<Voucher> Tree, IReadOnlyList<FinancingRequest> Financing, CreditRating IssuerRating,
    CreditRating HolderRating, SettlementReport? Report);

/// <summary>Money the core enterprise owes on one day: the roots maturing then (what the maturity job settles).</summary>
public sealed record MaturityDay(DateOnly Day, IReadOnlyList<Voucher> Roots, long DueFen);

/// <summary>What the receivables pages and API read (world state receivables/*); a fake in component tests.</summary>
public interface IReceivablesQueries
{
    Task<VoucherPage> VouchersAsync(ClaimsPrincipal user, VoucherQuery query);
    Task<VoucherDetail?> DetailAsync(ClaimsPrincipal user, string voucherId);
    Task<IReadOnlyList<FinancingRequest>> FinancingRequestsAsync(ClaimsPrincipal user, FinancingStatus? status = null);
    Task<IReadOnlyList<MaturityDay>> CalendarAsync(ClaimsPrincipal user);
    Task<IReadOnlyList<SettlementReport>> ReportsAsync(ClaimsPrincipal user);
    Task<IReadOnlyList<string>> OrganisationsWithRoleAsync(string role);
}

/// <summary>
/// Reads straight from world state. Who sees what: a voucher's tree is visible to the issuer, every organisation that
/// holds or held a part of it (a holder sees the lineage it inherits), a bank asked to finance a part of it, and the
/// Regulator. The pilot's voucher count is small enough to filter and page in memory after one prefix scan.
/// </summary>
public sealed class ReceivablesQueries(NodeHostedService node) : IReceivablesQueries
{
    private async Task<Chain.Storage.LedgerStore> StoreAsync() => (await node.Runtime).Ledger.Store;

    private static T Parse<T>(string json) => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));

    private async Task<List<T>> ScanAsync<T>(string prefix) => (await StoreAsync()).Scan(prefix).Select(kv => Parse<T>(kv.Value)).ToList();

    public static bool ReadsAll(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator);

    /// <summary>Organisations involved in a root's tree: issuer, every holder, offered-to, financier and banks asked.</summary>
    private static HashSet<string> Involved(IEnumerable<Voucher> tree, IEnumerable<FinancingRequest> requests)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in tree)
        {
            set.Add(v.Issuer); set.Add(v.Holder);
            if (v.OfferedTo is { } o) set.Add(o);
            if (v.Financier is { } f) set.Add(f);
        }
        foreach (var r in requests) set.Add(r.Bank);
        return set;
    }

    private async Task<(List<Voucher> Vouchers, List<FinancingRequest> Requests, Func<string, bool> MaySeeRoot)> VisibleAsync(ClaimsPrincipal user)
    {
        var vouchers = await ScanAsync<Voucher>(ReceivableKeys.VoucherPrefix);
        var requests = await ScanAsync<FinancingRequest>(ReceivableKeys.FinancingPrefix);
        var org = user.OrganisationId() ?? "";
        if (ReadsAll(user)) return (vouchers, requests, _ => true);
        var byRoot = vouchers.GroupBy(v => v.RootId).ToDictionary(g => g.Key, g => Involved(g, requests.Where(r => r.RootId == g.Key)).Contains(org));
        return (vouchers, requests, root => byRoot.GetValueOrDefault(root));
    }

    public async Task<VoucherPage> VouchersAsync(ClaimsPrincipal user, VoucherQuery query)
    {
        var (vouchers, _, maySee) = await VisibleAsync(user);
        var org = user.OrganisationId() ?? "";
        IEnumerable<Voucher> list = query.View switch
        {
            VoucherView.Issued => vouchers.Where(v => v.Issuer == org && v.ParentId is null),
            VoucherView.Held => vouchers.Where(v => (v.Holder == org || v.OfferedTo == org) && v.Children.Count == 0 && v.Financier is null),
            VoucherView.Financed => vouchers.Where(v => v.Financier is not null && (v.Holder == org || v.Financier == org || ReadsAll(user))),
            _ => vouchers.Where(v => maySee(v.RootId)),
        };
        if (query.Status is { } status) list = list.Where(v => v.Status == status);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var s = query.Search.Trim();
            list = list.Where(v => v.Id.Contains(s, StringComparison.OrdinalIgnoreCase) || v.Holder.Contains(s, StringComparison.OrdinalIgnoreCase)
                || v.Issuer.Contains(s, StringComparison.OrdinalIgnoreCase) || v.Memo.Contains(s, StringComparison.OrdinalIgnoreCase)
                || v.InvoiceHash.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        }
        list = (query.SortBy, query.Descending) switch
        {
            ("face", false) => list.OrderBy(v => v.FaceFen), ("face", true) => list.OrderByDescending(v => v.FaceFen),
            ("maturity", false) => list.OrderBy(v => v.MaturityAt), ("maturity", true) => list.OrderByDescending(v => v.MaturityAt),
            ("status", false) => list.OrderBy(v => v.Status), ("status", true) => list.OrderByDescending(v => v.Status),
            (_, true) => list.OrderByDescending(v => v.Id, StringComparer.Ordinal),
            _ => list.OrderBy(v => v.Id, StringComparer.Ordinal),
        };
        var all = list.ToList();
        return new VoucherPage(all.Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, 200)).ToList(), all.Count);
    }

    public async Task<VoucherDetail?> DetailAsync(ClaimsPrincipal user, string voucherId)
    {
        var store = await StoreAsync();
        if (store.Get(ReceivableKeys.Voucher(voucherId)) is not { } json) return null;
        var voucher = Parse<Voucher>(json);
        var (vouchers, requests, maySee) = await VisibleAsync(user);
        if (!maySee(voucher.RootId)) return null;
        var tree = vouchers.Where(v => v.RootId == voucher.RootId).OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        var state = new StoreReader(store);
        var now = store.GetBlockHeader(store.Height)?.Header.Timestamp ?? 0;
        return new VoucherDetail(voucher, tree, requests.Where(r => r.VoucherId == voucher.Id).ToList(),
            state.Rating(voucher.Issuer, now), state.Rating(voucher.Holder, now),
            store.Get(ReceivableKeys.Report(voucher.RootId)) is { } report ? Parse<SettlementReport>(report) : null);
    }

    public async Task<IReadOnlyList<FinancingRequest>> FinancingRequestsAsync(ClaimsPrincipal user, FinancingStatus? status = null)
    {
        var org = user.OrganisationId() ?? "";
        var requests = await ScanAsync<FinancingRequest>(ReceivableKeys.FinancingPrefix);
        return requests.Where(r => ReadsAll(user) || r.Bank == org || r.Holder == org).Where(r => status is null || r.Status == status)
            .OrderByDescending(r => r.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<MaturityDay>> CalendarAsync(ClaimsPrincipal user)
    {
        var (vouchers, _, maySee) = await VisibleAsync(user);
        var settled = (await StoreAsync()).Scan(ReceivableKeys.ReportPrefix).Select(kv => kv.Key[ReceivableKeys.ReportPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        return vouchers.Where(v => v.ParentId is null && v.Status is not (VoucherStatus.Pending or VoucherStatus.Rejected or VoucherStatus.Cancelled)
                && !settled.Contains(v.Id) && maySee(v.Id))
            .GroupBy(v => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(v.MaturityAt).UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(g => new MaturityDay(g.Key, g.OrderBy(v => v.MaturityAt).ToList(), g.Sum(v => v.FaceFen)))
            .ToList();
    }

    public async Task<IReadOnlyList<SettlementReport>> ReportsAsync(ClaimsPrincipal user)
    {
        var org = user.OrganisationId() ?? "";
        var reports = await ScanAsync<SettlementReport>(ReceivableKeys.ReportPrefix);
        return reports.Where(r => ReadsAll(user) || r.Issuer == org || r.Lines.Any(l => l.Holder == org || l.Beneficiary == org))
            .OrderByDescending(r => r.SettledAt).ToList();
    }

    public async Task<IReadOnlyList<string>> OrganisationsWithRoleAsync(string role) =>
        (await ScanAsync<Chain.Membership.Organisation>(Chain.Membership.MembershipContract.Keys.Organisation("")))
            .Where(o => o.Roles.Contains(role)).Select(o => o.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>Roots past maturity that no settlement report covers yet: what the maturity job submits.</summary>
    public async Task<(IReadOnlyList<string> RootIds, long BlockTime)> DueForSettlementAsync()
    {
        var store = await StoreAsync();
        var now = store.GetBlockHeader(store.Height)?.Header.Timestamp ?? 0;
        var due = store.Scan(ReceivableKeys.VoucherPrefix).Select(kv => Parse<Voucher>(kv.Value))
            .Where(v => v.ParentId is null && v.MaturityAt <= now && v.Status is not (VoucherStatus.Pending or VoucherStatus.Rejected or VoucherStatus.Cancelled)
                && store.Get(ReceivableKeys.Report(v.Id)) is null)
            .Select(v => v.Id).Order(StringComparer.Ordinal).ToList();
        return (due, now);
    }

    /// <summary>Credit ratings as stored on chain (or the base rating), read outside a transaction.</summary>
    private sealed class StoreReader(Chain.Storage.LedgerStore store)
    {
        public CreditRating Rating(string organisationId, long now) =>
            store.Get(CreditKeys.Rating(organisationId)) is { } json ? Parse<CreditRating>(json) : CreditEvents.Compute(organisationId, [], now);
    }
}
