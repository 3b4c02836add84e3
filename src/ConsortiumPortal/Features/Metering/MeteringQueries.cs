using System.Security.Claims;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// Who sees which meter data: the grid company (it owns metering) and the Regulator see every meter; any other member
/// sees the meters registered to its own organisation. Pages and the API ask here, so both show the same.
/// </summary>
public static class MeteringAccess
{
    public static bool SeesAll(ClaimsPrincipal user) => user.IsInRole(Roles.GridCompany) || user.IsInRole(Roles.Regulator);

    public static bool MaySee(ClaimsPrincipal user, Meter meter) => SeesAll(user) || meter.OrganisationId == user.OrganisationId();

    public static bool MaySee(ClaimsPrincipal user, Outage outage, Func<string, Meter?> meterOf) =>
        SeesAll(user) || outage.MeterIds.Any(id => meterOf(id) is { } m && m.OrganisationId == user.OrganisationId());
}

/// <summary>Metering read models for pages and the API, straight from committed world state via <see cref="MeteringState"/>.</summary>
public interface IMeteringQueries
{
    Task<MeterPage> MetersAsync(ClaimsPrincipal user, MeterFilter filter);
    Task<MeterView?> MeterAsync(ClaimsPrincipal user, string meterId);
    Task<IReadOnlyList<IntervalReading>?> ReadingsAsync(ClaimsPrincipal user, string meterId, long from, long to);
    Task<IReadOnlyList<OutageView>> OutagesAsync(ClaimsPrincipal user);
    /// <summary>Filter choices: the organisations and provinces of the meters the user may see.</summary>
    Task<(IReadOnlyList<string> Organisations, IReadOnlyList<string> Provinces)> FacetsAsync(ClaimsPrincipal user);
}

public sealed class LedgerMeteringQueries(NodeHostedService node) : IMeteringQueries
{
    private async Task<IStateReader> StateAsync() => (await node.Runtime).Ledger.Store.Committed;

    private async Task<IEnumerable<Meter>> VisibleMetersAsync(ClaimsPrincipal user)
    {
        var state = await StateAsync();
        return MeteringState.Meters(state).Where(m => MeteringAccess.MaySee(user, m));
    }

    public async Task<MeterPage> MetersAsync(ClaimsPrincipal user, MeterFilter filter)
    {
        var meters = (await VisibleMetersAsync(user))
            .Where(m => filter.OrganisationId is null || m.OrganisationId == filter.OrganisationId)
            .Where(m => filter.Province is null || m.Province == filter.Province)
            .Where(m => filter.Type is null || m.Type == filter.Type)
            .Where(m => string.IsNullOrWhiteSpace(filter.Search) || m.MeterId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase)
                        || m.Location.Contains(filter.Search, StringComparison.OrdinalIgnoreCase) || m.FeederId.Contains(filter.Search, StringComparison.OrdinalIgnoreCase))
            .ToList();
        IEnumerable<Meter> sorted = filter.SortBy switch
        {
            "organisation" => meters.OrderBy(m => m.OrganisationId, StringComparer.Ordinal).ThenBy(m => m.MeterId, StringComparer.Ordinal),
            "province" => meters.OrderBy(m => m.Province, StringComparer.Ordinal).ThenBy(m => m.MeterId, StringComparer.Ordinal),
            "capacity" => meters.OrderBy(m => m.CapacityW).ThenBy(m => m.MeterId, StringComparer.Ordinal),
            "feeder" => meters.OrderBy(m => m.FeederId, StringComparer.Ordinal).ThenBy(m => m.MeterId, StringComparer.Ordinal),
            _ => meters.OrderBy(m => m.MeterId, StringComparer.Ordinal),
        };
        if (filter.Descending) sorted = sorted.Reverse();
        var pageSize = Math.Clamp(filter.PageSize, 1, 500);
        var items = sorted.Skip(Math.Max(0, filter.Page) * pageSize).Take(pageSize).Select(MeterView.From).ToList();
        return new MeterPage(items, meters.Count);
    }

    public async Task<MeterView?> MeterAsync(ClaimsPrincipal user, string meterId) =>
        MeteringState.GetMeter(await StateAsync(), meterId) is { } m && MeteringAccess.MaySee(user, m) ? MeterView.From(m) : null;

    public async Task<IReadOnlyList<IntervalReading>?> ReadingsAsync(ClaimsPrincipal user, string meterId, long from, long to)
    {
        var state = await StateAsync();
        if (MeteringState.GetMeter(state, meterId) is not { } meter || !MeteringAccess.MaySee(user, meter)) return null;
        return MeteringState.Readings(state, meterId, from, to);
    }

    public async Task<IReadOnlyList<OutageView>> OutagesAsync(ClaimsPrincipal user)
    {
        var state = await StateAsync();
        var meters = new Dictionary<string, Meter?>(StringComparer.Ordinal);
        Meter? MeterOf(string id) => meters.TryGetValue(id, out var m) ? m : meters[id] = MeteringState.GetMeter(state, id);
        return MeteringState.Outages(state).Where(o => MeteringAccess.MaySee(user, o, MeterOf))
            .OrderByDescending(o => o.Start).Select(OutageView.From).ToList();
    }

    public async Task<(IReadOnlyList<string> Organisations, IReadOnlyList<string> Provinces)> FacetsAsync(ClaimsPrincipal user)
    {
        var meters = (await VisibleMetersAsync(user)).ToList();
        return (meters.Select(m => m.OrganisationId).Distinct().Order(StringComparer.Ordinal).ToList(),
                meters.Select(m => m.Province).Distinct().Order(StringComparer.Ordinal).ToList());
    }
}
