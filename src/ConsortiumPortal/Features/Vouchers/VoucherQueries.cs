using System.Globalization;
using System.Security.Claims;
using System.Text;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Vouchers;

/// <summary>
/// Who sees what: an organisation sees its own holdings, orders, deals, trades and quota; the Regulator (and for trades
/// and quotas the trading centre, which runs the market) sees everyone's. The trace by serial, the statistics and the
/// order book's price levels are public: that is what makes a voucher verifiable.
/// </summary>
public static class VoucherAccess
{
    public static bool SeesAllHoldings(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator);

    public static bool SeesMarket(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator) || user.IsInRole(Roles.TradingCenter);

    /// <summary>The organisation whose data a request means: the caller's own, or (for those who see all) the one asked for.</summary>
    public static string? Subject(ClaimsPrincipal user, string? asked, bool seesAll) =>
        asked is { Length: > 0 } && seesAll ? asked : user.OrganisationId();
}

/// <summary>What the pages and the API read, with the access rules applied (pages are tested against a fake of it).</summary>
public interface IVoucherQueries
{
    Task<Page<HoldingEntry>> HoldingsAsync(ClaimsPrincipal user, string? organisationId, HoldingQuery query);
    Task<IReadOnlyDictionary<string, long>> HoldingTotalsAsync(ClaimsPrincipal user);
    Task<OrderBook> BookAsync(string? voucherClass);
    Task<IReadOnlyList<VoucherOrder>> OrdersAsync(ClaimsPrincipal user, bool openOnly);
    Task<IReadOnlyList<VoucherDeal>> DealsAsync(ClaimsPrincipal user);
    Task<Page<VoucherTrade>> TradesAsync(ClaimsPrincipal user, int skip, int take);
    Task<IReadOnlyList<QuotaResult>> QuotaAsync(ClaimsPrincipal user, int year, string? province);
    Task<SerialTrace?> TraceAsync(long serial);
    Task<IReadOnlyList<VoucherStatistic>> StatisticsAsync();
}

/// <summary>The vouchers read model for pages and the API, over this node's committed state.</summary>
public sealed class VoucherQueries(NodeHostedService node) : IVoucherQueries
{
    public async Task<VoucherReadModel> ModelAsync() => new((await node.Runtime).Ledger.Store);

    public async Task<IReadOnlyDictionary<string, long>> HoldingTotalsAsync(ClaimsPrincipal user) => (await ModelAsync()).HoldingTotals(user.OrganisationId() ?? "-");

    public async Task<OrderBook> BookAsync(string? voucherClass) => (await ModelAsync()).Book(voucherClass);

    public async Task<IReadOnlyList<VoucherOrder>> OrdersAsync(ClaimsPrincipal user, bool openOnly) => (await ModelAsync()).OrdersOf(user.OrganisationId() ?? "-", openOnly);

    public async Task<IReadOnlyList<VoucherDeal>> DealsAsync(ClaimsPrincipal user) => (await ModelAsync()).DealsOf(user.OrganisationId() ?? "-");

    public async Task<SerialTrace?> TraceAsync(long serial) => (await ModelAsync()).Trace(serial);

    public async Task<IReadOnlyList<VoucherStatistic>> StatisticsAsync() => (await ModelAsync()).Statistics();

    public async Task<Page<HoldingEntry>> HoldingsAsync(ClaimsPrincipal user, string? organisationId, HoldingQuery query) =>
        VoucherAccess.Subject(user, organisationId, VoucherAccess.SeesAllHoldings(user)) is { } owner
            ? (await ModelAsync()).Holdings(query with { Owner = owner })
            : new Page<HoldingEntry>([], 0);

    public async Task<Page<VoucherTrade>> TradesAsync(ClaimsPrincipal user, int skip, int take) =>
        (await ModelAsync()).Trades(VoucherAccess.SeesMarket(user) ? null : user.OrganisationId() ?? "-", skip, take);

    public async Task<IReadOnlyList<QuotaResult>> QuotaAsync(ClaimsPrincipal user, int year, string? province)
    {
        var all = (await ModelAsync()).Quota(year, province);
        return VoucherAccess.SeesMarket(user) ? all : all.Where(r => r.OrganisationId == user.OrganisationId()).ToList();
    }

    public static string QuotaCsv(IEnumerable<QuotaResult> rows)
    {
        var csv = new StringBuilder("organisation,province,year,denominator_mwh,total_numerator_mwh,total_completion_pct,total_weight_pct,non_hydro_numerator_mwh,non_hydro_completion_pct,non_hydro_weight_pct,meets\n");
        static string Pct(long? bp) => bp is { } v ? (v / 100m).ToString("0.00", CultureInfo.InvariantCulture) : "";
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{r.OrganisationId},{r.Province},{r.Year},{r.DenominatorMWh},{r.TotalNumeratorMWh},{Pct(r.TotalCompletionBp)},{Pct(r.TotalWeightBp)},{r.NonHydroNumeratorMWh},{Pct(r.NonHydroCompletionBp)},{Pct(r.NonHydroWeightBp)},{(r.Meets ? "yes" : "no")}\n");
        return csv.ToString();
    }
}

/// <summary>How amounts read in the pages: yuan per MWh from fen, MWh counts, serial codes.</summary>
public static class VoucherFormat
{
    public static string Yuan(long fen) => (fen / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);
    public static string Serials(long start, long end) => end - start == 1 ? VoucherState.SerialCode(start) : $"{VoucherState.SerialCode(start)} – {VoucherState.SerialCode(end - 1)}";
    public static string Date(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public static string Hour(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    public static string Percent(long bp) => (bp / 100m).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
