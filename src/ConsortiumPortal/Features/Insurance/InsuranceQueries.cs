using System.Security.Claims;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using Claim = ConsortiumPortal.Contracts.Insurance.Claim;

namespace ConsortiumPortal.Features.Insurance;

/// <summary>
/// Who sees what: products are a public offering to every signed-in member; a policy and its claims are seen by the
/// holder's and the insurer's organisations and by the Regulator (who sees everything); the risk view is the insurer's
/// own book, or the whole market for the Regulator.
/// </summary>
public static class InsuranceAccess
{
    public static bool SeesAll(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator);

    public static bool MaySee(ClaimsPrincipal user, Policy p) => SeesAll(user) || p.HolderId == user.OrganisationId() || p.InsurerId == user.OrganisationId();

    public static bool MaySee(ClaimsPrincipal user, Claim c) => SeesAll(user) || c.HolderId == user.OrganisationId() || c.InsurerId == user.OrganisationId();

    public static bool IsInsurer(ClaimsPrincipal user) => user.IsInRole(Roles.Insurer);

    public static bool IsConsumer(ClaimsPrincipal user) => user.IsInRole(Roles.Consumer);

    public static bool MaySeeRisk(ClaimsPrincipal user) => IsInsurer(user) || SeesAll(user);
}

public sealed record ProductView(string ProductId, string InsurerId, int Version, bool OnSale, ProductTerms Terms, long PublishedAt, string TxId, int Versions);

public sealed record PolicyFilter(string? Status = null, string? Search = null, string? SortBy = null, bool Descending = true, int Page = 0, int PageSize = 25);

public sealed record PolicyResults(IReadOnlyList<Policy> Items, int Total);

public sealed record ClaimFilter(string? Status = null, string? Search = null, string? SortBy = null, bool Descending = true, int Page = 0, int PageSize = 25);

public sealed record ClaimResults(IReadOnlyList<Claim> Items, int Total);

/// <summary>Sum insured (the per-period cap) and count of policies in force, grouped by one dimension.</summary>
public sealed record ExposureRow(string Key, int Policies, long SumInsuredFen, long PremiumFen);

/// <summary>Premiums written and claims paid per product.</summary>
public sealed record ProductBook(string ProductId, long PremiumsFen, long PaidFen, long OwedFen, int ClaimsPaid, int ClaimsDeclined);

public sealed record RiskView(IReadOnlyList<ExposureRow> ByFeeder, IReadOnlyList<ExposureRow> ByProvince, IReadOnlyList<ExposureRow> ByClass,
    IReadOnlyList<ProductBook> Books, long MedianPayoutSeconds);

/// <summary>
/// What the product would have done for one historical outage on one meter: its parametric payout (as if the meter had
/// been insured for the whole history) next to the load the meter actually lost (baseline minus metered energy during
/// the outage). Where these disagree is basis risk.
/// </summary>
public sealed record BacktestRow(string OutageId, string MeterId, string OrganisationId, long Start, long End, bool Planned, bool Triggered,
    string? Reason, long PayoutFen, long ModelLostWh, long MeteredLostWh);

public interface IInsuranceQueries
{
    Task<IReadOnlyList<ProductView>> ProductsAsync();
    Task<IReadOnlyList<ProductVersion>> VersionsAsync(string productId);
    Task<PolicyResults> PoliciesAsync(ClaimsPrincipal user, PolicyFilter filter);
    Task<Policy?> PolicyAsync(ClaimsPrincipal user, string policyId);
    Task<IReadOnlyList<Claim>> ClaimsOfAsync(ClaimsPrincipal user, string policyId);
    Task<ClaimResults> ClaimsAsync(ClaimsPrincipal user, ClaimFilter filter);
    Task<IReadOnlyList<Meter>> MyMetersAsync(ClaimsPrincipal user);
    Task<RiskView?> RiskAsync(ClaimsPrincipal user);
    Task<IReadOnlyList<BacktestRow>?> BacktestAsync(ClaimsPrincipal user, ProductTerms terms);
}

/// <summary>Insurance read models straight from committed world state.</summary>
public sealed class LedgerInsuranceQueries(NodeHostedService node) : IInsuranceQueries
{
    private async Task<IStateReader> StateAsync() => (await node.Runtime).Ledger.Store.Committed;

    public async Task<IReadOnlyList<ProductView>> ProductsAsync()
    {
        var state = await StateAsync();
        return InsuranceState.Products(state).Select(h =>
        {
            var v = InsuranceState.GetVersion(state, h.ProductId, h.LatestVersion)!;
            return new ProductView(h.ProductId, h.InsurerId, h.LatestVersion, h.OnSale, v.Terms, v.PublishedAt, v.TxId, h.LatestVersion);
        }).ToList();
    }

    public async Task<IReadOnlyList<ProductVersion>> VersionsAsync(string productId) => InsuranceState.Versions(await StateAsync(), productId).ToList();

    public async Task<PolicyResults> PoliciesAsync(ClaimsPrincipal user, PolicyFilter filter)
    {
        var list = InsuranceState.Policies(await StateAsync()).Where(p => InsuranceAccess.MaySee(user, p))
            .Where(p => filter.Status is null || p.Status == filter.Status)
            .Where(p => string.IsNullOrWhiteSpace(filter.Search) || p.PolicyId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase)
                        || p.MeterId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase) || p.HolderId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase)
                        || p.ProductId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase))
            .ToList();
        IEnumerable<Policy> sorted = filter.SortBy switch
        {
            "holder" => list.OrderBy(p => p.HolderId, StringComparer.Ordinal),
            "product" => list.OrderBy(p => p.ProductId, StringComparer.Ordinal),
            "start" => list.OrderBy(p => p.Start),
            "premium" => list.OrderBy(p => p.PremiumFen),
            "paid" => list.OrderBy(p => p.PaidFen),
            "status" => list.OrderBy(p => p.Status, StringComparer.Ordinal),
            _ => list.OrderBy(p => p.AppliedAt),
        };
        if (filter.Descending) sorted = sorted.Reverse();
        var size = Math.Clamp(filter.PageSize, 1, 500);
        return new PolicyResults(sorted.Skip(Math.Max(0, filter.Page) * size).Take(size).ToList(), list.Count);
    }

    public async Task<Policy?> PolicyAsync(ClaimsPrincipal user, string policyId) =>
        InsuranceState.GetPolicy(await StateAsync(), policyId) is { } p && InsuranceAccess.MaySee(user, p) ? p : null;

    public async Task<IReadOnlyList<Claim>> ClaimsOfAsync(ClaimsPrincipal user, string policyId)
    {
        var state = await StateAsync();
        return InsuranceState.GetPolicy(state, policyId) is { } p && InsuranceAccess.MaySee(user, p)
            ? InsuranceState.ClaimsOf(state, policyId).OrderByDescending(c => c.OutageStart).ToList()
            : [];
    }

    public async Task<ClaimResults> ClaimsAsync(ClaimsPrincipal user, ClaimFilter filter)
    {
        var list = InsuranceState.Claims(await StateAsync()).Where(c => InsuranceAccess.MaySee(user, c))
            .Where(c => filter.Status is null || c.Status == filter.Status || (filter.Status == "contested" && c.Dispute is not null))
            .Where(c => string.IsNullOrWhiteSpace(filter.Search) || c.PolicyId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase)
                        || c.OutageId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase) || c.HolderId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase))
            .ToList();
        IEnumerable<Claim> sorted = filter.SortBy switch
        {
            "amount" => list.OrderBy(c => c.AmountFen),
            "holder" => list.OrderBy(c => c.HolderId, StringComparer.Ordinal),
            "status" => list.OrderBy(c => c.Status, StringComparer.Ordinal),
            "payoutTime" => list.OrderBy(c => c.PaidAt is { } paid ? paid - c.OutageEnd : long.MaxValue),
            _ => list.OrderBy(c => c.OutageStart).ThenBy(c => c.PolicyId, StringComparer.Ordinal),
        };
        if (filter.Descending) sorted = sorted.Reverse();
        var size = Math.Clamp(filter.PageSize, 1, 500);
        return new ClaimResults(sorted.Skip(Math.Max(0, filter.Page) * size).Take(size).ToList(), list.Count);
    }

    public async Task<IReadOnlyList<Meter>> MyMetersAsync(ClaimsPrincipal user) =>
        MeteringState.Meters(await StateAsync()).Where(m => m.OrganisationId == user.OrganisationId() && m.Type != MeterTypes.Generation).ToList();

    public async Task<RiskView?> RiskAsync(ClaimsPrincipal user)
    {
        if (!InsuranceAccess.MaySeeRisk(user)) return null;
        var state = await StateAsync();
        var mine = (string insurer) => InsuranceAccess.SeesAll(user) || insurer == user.OrganisationId();
        var policies = InsuranceState.Policies(state).Where(p => mine(p.InsurerId)).ToList();
        var caps = new Dictionary<(string, int), long>();
        long CapOf(Policy p) => caps.TryGetValue((p.ProductId, p.ProductVersion), out var c) ? c
            : caps[(p.ProductId, p.ProductVersion)] = InsuranceState.GetVersion(state, p.ProductId, p.ProductVersion)!.Terms.PerPeriodCapFen;
        var inForce = policies.Where(p => p.Status == PolicyStatuses.Active).ToList();
        List<ExposureRow> By(Func<Policy, string> key) => inForce.GroupBy(key)
            .Select(g => new ExposureRow(g.Key, g.Count(), g.Sum(p => Math.Max(0, CapOf(p) - p.ClaimedFen)), g.Sum(p => p.PremiumFen)))
            .OrderByDescending(r => r.SumInsuredFen).ToList();
        var claims = InsuranceState.Claims(state).Where(c => mine(c.InsurerId)).ToList();
        var books = policies.GroupBy(p => p.ProductId).Select(g =>
        {
            var productClaims = claims.Where(c => c.ProductId == g.Key).ToList();
            var premiums = g.Where(p => p.Status is PolicyStatuses.Active or PolicyStatuses.Closed or PolicyStatuses.Cancelled && p.ActivatedAt is not null)
                .Sum(p => p.PremiumFen - p.RefundedFen);
            return new ProductBook(g.Key, premiums, productClaims.Where(c => c.Status == ClaimStatuses.Paid).Sum(c => c.AmountFen),
                productClaims.Where(c => c.Status == ClaimStatuses.Confirmed).Sum(c => c.AmountFen),
                productClaims.Count(c => c.Status == ClaimStatuses.Paid), productClaims.Count(c => c.Status == ClaimStatuses.Declined));
        }).OrderBy(b => b.ProductId, StringComparer.Ordinal).ToList();
        var payoutTimes = claims.Where(c => c.PaidAt is not null).Select(c => (c.PaidAt!.Value - c.OutageEnd) / 1000).Order().ToList();
        return new RiskView(By(p => p.FeederId), By(p => p.Province), By(p => p.CustomerClass), books, payoutTimes.Count == 0 ? 0 : payoutTimes[payoutTimes.Count / 2]);
    }

    /// <summary>
    /// Runs the product's trigger and payout formula (the contract's own calculator) over every restored outage on chain,
    /// for every load meter it hit, as if each had been insured throughout; and measures the load the meter really lost.
    /// </summary>
    public async Task<IReadOnlyList<BacktestRow>?> BacktestAsync(ClaimsPrincipal user, ProductTerms terms)
    {
        if (!InsuranceAccess.MaySeeRisk(user)) return null;
        var state = await StateAsync();
        var rows = new List<BacktestRow>();
        foreach (var outage in MeteringState.Outages(state).Where(o => o.End is not null).OrderBy(o => o.Start))
        {
            foreach (var meterId in outage.MeterIds.Distinct().Order(StringComparer.Ordinal))
            {
                if (MeteringState.GetMeter(state, meterId) is not { } meter || meter.Type == MeterTypes.Generation) continue;
                IReadOnlyList<IntervalReading> History(long from, long to) => MeteringState.Readings(state, meterId, from, to);
                var a = ClaimCalculator.Assess(terms, long.MinValue / 4, long.MaxValue / 4, meter.Type, outage.Start, outage.End!.Value, outage.Planned, [], History);
                var whole = new List<CoveredSpan> { new(outage.Start, outage.End.Value) };
                var baseline = ClaimCalculator.LostLoadWh(whole, meter.Type, outage.Start, History);
                var metered = History(outage.Start - outage.Start % MeteringState.IntervalMs, outage.End.Value).Sum(r => meter.Type == MeterTypes.Both ? Math.Max(0, -r.Wh) : Math.Max(0, r.Wh));
                rows.Add(new BacktestRow(outage.OutageId, meterId, meter.OrganisationId, outage.Start, outage.End.Value, outage.Planned, a.Pays, a.DeclineReason,
                    a.AmountFen, a.LostWh, Math.Max(0, baseline - metered)));
            }
        }
        return rows;
    }
}
