using System.Security.Claims;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.DemandResponse;

/// <summary>
/// Who sees what: programmes are open offers (every member); a grid company sees its own events in every state, the
/// Regulator every event; a consumer or aggregator sees published and settled events (cancelled ones disappear from its
/// lists) and only its own enrolments and results (and results that pay it a share). Pages and the API ask here.
/// </summary>
public static class DrAccess
{
    public static bool IsRegulator(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator);

    public static bool Owns(ClaimsPrincipal user, DrEvent ev) => user.IsInRole(Roles.GridCompany) && ev.GridCompanyId == user.OrganisationId();

    public static bool SeesAllOf(ClaimsPrincipal user, DrEvent ev) => IsRegulator(user) || Owns(user, ev);

    public static bool MaySee(ClaimsPrincipal user, DrEvent ev) => SeesAllOf(user, ev) || ev.Status != DrEventStatus.Cancelled;

    public static bool MaySee(ClaimsPrincipal user, DrEvent ev, DrResult result) =>
        SeesAllOf(user, ev) || result.ParticipantId == user.OrganisationId() || result.Shares.Any(s => s.OrganisationId == user.OrganisationId());

    public static bool MayEnrol(ClaimsPrincipal user) => user.IsInRole(Roles.Consumer) || user.IsInRole(Roles.Aggregator);
}

public sealed record DrEventFilter(string? ProgramId = null, string? Status = null, int Page = 0, int PageSize = 25, string? SortBy = null, bool Descending = true);

public sealed record DrEventList(IReadOnlyList<DrEvent> Items, int Total);

/// <summary>One point of the live curve: target and delivered reduction (average kW over the interval, W) and whether its readings are in.</summary>
public sealed record DrCurvePoint(long IntervalStart, long TargetW, long CommittedW, long BaselineWh, long? ActualWh, long? DeliveredW);

public sealed record DrCurve(string EventId, string? ParticipantId, IReadOnlyList<DrCurvePoint> Points, int Participants, int ParticipantsShown);

/// <summary>Demand-response read models, straight from committed world state.</summary>
public sealed class DemandResponseQueries(NodeHostedService node)
{
    /// <summary>The live view recomputes baselines off chain; beyond this many participants it shows the first ones (the settled totals stay exact).</summary>
    public const int MaxLiveParticipants = 200;

    private async Task<IStateReader> StateAsync() => (await node.Runtime).Ledger.Store.Committed;

    /// <summary>The time the next block will carry (ms): the wall clock, or a training pilot's block clock ahead of it.</summary>
    public async Task<long> BlockClockAsync() => (await node.Runtime).Node.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<IReadOnlyList<DrProgram>> ProgramsAsync() =>
        (await StateAsync()).Scan(DemandResponseState.ProgramPrefix).Select(p => Parse<DrProgram>(p.Value)).ToList();

    public async Task<DrProgram?> ProgramAsync(string programId) => Read<DrProgram>(await StateAsync(), DemandResponseState.ProgramKey(programId));

    public async Task<DrEventList> EventsAsync(ClaimsPrincipal user, DrEventFilter filter)
    {
        var events = (await StateAsync()).Scan(DemandResponseState.EventPrefix).Select(p => Parse<DrEvent>(p.Value))
            .Where(e => DrAccess.MaySee(user, e))
            .Where(e => filter.ProgramId is null || e.ProgramId == filter.ProgramId)
            .Where(e => filter.Status is null || e.Status == filter.Status)
            .ToList();
        IEnumerable<DrEvent> sorted = filter.SortBy switch
        {
            "target" => events.OrderBy(e => e.TargetW),
            "participants" => events.OrderBy(e => e.Participants),
            "incentive" => events.OrderBy(e => e.IncentiveFen),
            _ => events.OrderBy(e => e.Start),
        };
        if (filter.Descending) sorted = sorted.Reverse();
        var pageSize = Math.Clamp(filter.PageSize, 1, 200);
        return new DrEventList(sorted.Skip(Math.Max(0, filter.Page) * pageSize).Take(pageSize).ToList(), events.Count);
    }

    public async Task<DrEvent?> EventAsync(ClaimsPrincipal user, string eventId) =>
        Read<DrEvent>(await StateAsync(), DemandResponseState.EventKey(eventId)) is { } ev && DrAccess.MaySee(user, ev) ? ev : null;

    /// <summary>The enrolments of an event the user may see: all for its grid company and the Regulator, else its own.</summary>
    public async Task<IReadOnlyList<DrEnrolment>> EnrolmentsAsync(ClaimsPrincipal user, DrEvent ev)
    {
        var state = await StateAsync();
        if (DrAccess.SeesAllOf(user, ev))
            return state.Scan(DemandResponseState.EnrolmentsOf(ev.EventId)).Select(p => Parse<DrEnrolment>(p.Value)).ToList();
        return Read<DrEnrolment>(state, DemandResponseState.EnrolmentKey(ev.EventId, user.OrganisationId() ?? "")) is { } own ? [own] : [];
    }

    public async Task<IReadOnlyList<DrResult>> ResultsAsync(ClaimsPrincipal user, DrEvent ev) =>
        (await StateAsync()).Scan(DemandResponseState.ResultsOf(ev.EventId)).Select(p => Parse<DrResult>(p.Value))
            .Where(r => DrAccess.MaySee(user, ev, r)).ToList();

    /// <summary>Results across events the user may see (the reports resource), newest event first.</summary>
    public async Task<IReadOnlyList<(DrEvent Event, DrResult Result)>> ReportsAsync(ClaimsPrincipal user, string? eventId, string? programId)
    {
        var state = await StateAsync();
        var events = state.Scan(DemandResponseState.EventPrefix).Select(p => Parse<DrEvent>(p.Value))
            .Where(e => eventId is null || e.EventId == eventId).Where(e => programId is null || e.ProgramId == programId)
            .OrderByDescending(e => e.Start);
        var reports = new List<(DrEvent, DrResult)>();
        foreach (var ev in events)
            foreach (var (_, json) in state.Scan(DemandResponseState.ResultsOf(ev.EventId)))
            {
                var result = Parse<DrResult>(json);
                if (DrAccess.MaySee(user, ev, result)) reports.Add((ev, result));
            }
        return reports;
    }

    /// <summary>The consumption meters the user's organisation may enrol: its own, and (aggregators) those that authorised it.</summary>
    public async Task<IReadOnlyList<Meter>> EnrollableMetersAsync(ClaimsPrincipal user, DrEvent ev)
    {
        var state = await StateAsync();
        var org = user.OrganisationId() ?? "";
        var members = user.IsInRole(Roles.Aggregator)
            ? state.Scan(DemandResponseState.MembersOf(org)).Select(p => p.Key[DemandResponseState.MembersOf(org).Length..]).ToHashSet(StringComparer.Ordinal)
            : [];
        return MeteringState.Meters(state)
            .Where(m => m.Type != MeterTypes.Generation && m.GridCompanyId == ev.GridCompanyId)
            .Where(m => (m.OrganisationId == org && (user.IsInRole(Roles.Consumer) || user.IsInRole(Roles.Aggregator))) || members.Contains(m.MeterId))
            .Where(m => ev.FeederId is null || m.FeederId == ev.FeederId)
            .Where(m => ev.Province is null || m.Province == ev.Province)
            .ToList();
    }

    /// <summary>The user's organisation's consumption meters with the aggregator each has authorised (for the membership page).</summary>
    public async Task<IReadOnlyList<(Meter Meter, string? AggregatorId)>> OwnMetersAsync(ClaimsPrincipal user)
    {
        var state = await StateAsync();
        var org = user.OrganisationId() ?? "";
        return MeteringState.Meters(state).Where(m => m.OrganisationId == org && m.Type != MeterTypes.Generation)
            .Select(m => (m, Read<DrMembership>(state, DemandResponseState.MeterAggregatorKey(m.MeterId))?.AggregatorId)).ToList();
    }

    public async Task<IReadOnlyList<string>> AggregatorsAsync()
    {
        var state = await StateAsync();
        return state.Scan(Chain.Membership.MembershipContract.Keys.OrganisationPrefix)
            .Select(p => Parse<Chain.Membership.Organisation>(p.Value)).Where(o => o.Roles.Contains(Roles.Aggregator)).Select(o => o.Id).ToList();
    }

    /// <summary>
    /// Target vs delivered reduction per interval, from the readings committed so far: baselines are recomputed here with
    /// the contract's own <see cref="Baselines"/>, so the curve converges on what settlement will pay. For one participant,
    /// or the total of the enrolments the user may see.
    /// </summary>
    public async Task<DrCurve> LiveCurveAsync(ClaimsPrincipal user, DrEvent ev, string? participantId = null)
    {
        var state = await StateAsync();
        var program = Read<DrProgram>(state, DemandResponseState.ProgramKey(ev.ProgramId))!;
        var enrolments = (await EnrolmentsAsync(user, ev)).Where(e => participantId is null || e.ParticipantId == participantId).ToList();
        var shown = enrolments.Take(MaxLiveParticipants).ToList();
        var n = ev.Intervals;
        var baseline = new long[n];
        var actual = new long[n];
        var complete = Enumerable.Repeat(true, n).ToArray();
        var eventDay = Baselines.DayStartOf(ev.Start);
        var outages = Performance.OutageDays(MeteringState.Outages(state), ev);
        foreach (var meterId in shown.SelectMany(e => e.MeterIds))
        {
            // The meter's packed day rows, as settlement reads them: ~22 rows instead of ~200 point reads.
            var lookup = new ReadingLookup(MeteringState.Days(state, meterId, Baselines.EarliestReading(ev.Start), ev.End).Wh, remember: false);
            var excluded = (Read<DrMeterEvents>(state, DemandResponseState.MeterEventsKey(meterId))?.Events ?? [])
                .Select(e => e.Day).Where(d => d != eventDay).ToHashSet();
            if (outages.TryGetValue(meterId, out var days)) excluded.UnionWith(days);
            var b = Baselines.Compute(program.BaselineMethod, ev.Start, ev.End, lookup, excluded);
            for (var i = 0; i < n; i++)
            {
                baseline[i] += b.Wh[i];
                if (lookup[ev.Start + i * Baselines.IntervalMs] is { } wh) actual[i] += wh; else complete[i] = false;
            }
        }
        var committed = shown.Sum(e => e.CommittedW);
        var target = participantId is null ? ev.TargetW : committed;
        var points = Enumerable.Range(0, n).Select(i => new DrCurvePoint(ev.Start + i * Baselines.IntervalMs, target, committed, baseline[i],
            complete[i] && shown.Count > 0 ? actual[i] : null,
            complete[i] && shown.Count > 0 ? Math.Max(0, baseline[i] - actual[i]) * 4 : null)).ToList();
        return new DrCurve(ev.EventId, participantId, points, enrolments.Count, shown.Count);
    }

    private static T? Read<T>(IStateReader state, string key) where T : class => state.Get(key) is { } json ? Parse<T>(json) : null;

    private static T Parse<T>(string json) => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));
}
