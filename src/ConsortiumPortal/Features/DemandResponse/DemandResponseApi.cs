using System.Security.Claims;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.DemandResponse;

/// <summary>
/// /api/dr, modelled on OpenADR 3's resources so that a VEN-like client integrates the same way: <c>programs</c>,
/// <c>events</c> (with an <c>intervalPeriod</c> and per-interval <c>LOAD_REDUCTION</c> target payloads) and <c>reports</c>
/// (per participant <c>BASELINE</c>, <c>USAGE</c> and <c>DELTA_USAGE</c> payloads per interval). A VEN here is a member
/// organisation: it enrols (POST /events/{id}/enrolments) instead of subscribing. Writes are signed by the calling person;
/// a contract refusal is a 422 problem with the contract's reason (docs/demand-response.md).
/// </summary>
public static class DemandResponseApi
{
    public sealed record ProgramRequest(string ProgramId, string ProgramName, string BaselineMethod, decimal IncentiveYuanPerKwh, decimal PenaltyYuanPerKwh,
        int MinPerformancePercent, int NoticeMinutes, long MinCommittedW, IReadOnlyList<string>? Provinces);
    public sealed record EventRequest(string EventId, string ProgramId, string? FeederId, string? Province, DateTimeOffset Start, int DurationMinutes, long TargetW);
    public sealed record EventUpdateRequest(DateTimeOffset Start, int DurationMinutes, long TargetW);
    public sealed record EnrolRequest(IReadOnlyList<string> MeterIds, long CommittedW);
    public sealed record SettleRequest(IReadOnlyList<string>? Participants, int? Limit);
    public sealed record AggregatorRequest(string AggregatorId);

    public sealed record IntervalPeriod(DateTimeOffset Start, string Duration);
    public sealed record ValuesPayload(string Type, IReadOnlyList<long> Values);
    public sealed record EventInterval(int Id, IntervalPeriod IntervalPeriod, IReadOnlyList<ValuesPayload> Payloads);
    public sealed record ProgramView(string Id, string ProgramName, string GridCompanyId, string BaselineMethod, decimal IncentiveYuanPerKwh,
        decimal PenaltyYuanPerKwh, int MinPerformancePercent, string NoticePeriod, long MinCommittedW, IReadOnlyList<string> Provinces, DateTimeOffset CreatedDateTime);
    public sealed record EventView(string Id, string ProgramID, string EventName, string Status, int Version, string? FeederId, string? Province,
        IntervalPeriod IntervalPeriod, DateTimeOffset NoticeDeadline, long TargetW, int Participants, long CommittedW, int Settled,
        decimal IncentiveYuan, decimal PenaltyYuan, long DeliveredWh, IReadOnlyList<EventInterval> Intervals);
    public sealed record ReportResource(string ResourceName, IReadOnlyList<long> DaysUsed, long AdjustmentPermille, IReadOnlyList<EventInterval> Intervals);
    public sealed record ReportView(string Id, string ProgramID, string EventID, string ClientName, string Kind, long CommittedW, long CreditedWh,
        long PerformancePermille, decimal IncentiveYuan, decimal PenaltyYuan, IReadOnlyList<DrShare> Shares, IReadOnlyList<EventInterval> Intervals,
        IReadOnlyList<ReportResource> Resources, DateTimeOffset CreatedDateTime, string TxId);
    public sealed record WriteResponse(string TxId, long Height, System.Text.Json.JsonElement? Result);

    public static IEndpointRouteBuilder MapDemandResponseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dr").WithTags("Demand response").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/programs", ProgramsAsync).WithSummary("Demand-response programmes (OpenADR 3 programs): open offers every member sees");
        api.MapGet("/programs/{programId}", ProgramAsync).WithSummary("One programme").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/programs", DefineProgramAsync).WithSummary("Define a programme (GridCompany)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/events", EventsAsync).WithSummary("Events you may see (OpenADR 3 events), newest first; cancelled ones only for their grid company and the Regulator");
        api.MapGet("/events/{eventId}", EventAsync).WithSummary("One event with its LOAD_REDUCTION target intervals").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/events", PublishAsync).WithSummary("Publish an event (GridCompany owning the programme), before its notice deadline")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPut("/events/{eventId}", UpdateAsync).WithSummary("Reschedule (same day) or change the target of an event before it starts")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapDelete("/events/{eventId}", CancelAsync).WithSummary("Cancel an event before it starts (?reason=...)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/events/{eventId}/enrolments", EnrolmentsAsync).WithSummary("Enrolments: all for the event's grid company and the Regulator, else your own")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/events/{eventId}/enrolments", EnrolAsync).WithSummary("Enrol your (or, aggregators, your members') meters with a committed reduction in W")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapDelete("/events/{eventId}/enrolments", OptOutAsync).WithSummary("Opt your organisation out, before the notice deadline")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/events/{eventId}/settlement", SettleAsync).WithSummary("Settle the next page of participants (GridCompany; the meter-triggered job does this by itself)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/events/{eventId}/live", LiveAsync).WithSummary("Target vs delivered reduction per interval from the readings committed so far (?participant=)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/reports", ReportsAsync).WithSummary("Settled results (OpenADR 3 reports: BASELINE, USAGE, DELTA_USAGE per interval) you may see; ?eventID=&programID=");

        api.MapPost("/meters/{meterId}/aggregator", AuthoriseAsync).WithSummary("Let an aggregator enrol your meter (Consumer owning it)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapDelete("/meters/{meterId}/aggregator", RevokeAsync).WithSummary("Withdraw your meter from its aggregator")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    // ---- reads ----------------------------------------------------------------------------------------------------

    private static async Task<IResult> ProgramsAsync(DemandResponseQueries q) => Results.Ok((await q.ProgramsAsync()).Select(ToView).ToList());

    private static async Task<IResult> ProgramAsync(string programId, DemandResponseQueries q) =>
        await q.ProgramAsync(programId) is { } p ? Results.Ok(ToView(p)) : NotFound($"no programme {programId}");

    private static async Task<IResult> EventsAsync(ClaimsPrincipal user, DemandResponseQueries q, string? programID, string? status, int? skip, int? limit)
    {
        var pageSize = Math.Clamp(limit ?? 50, 1, 200);
        var page = await q.EventsAsync(user, new DrEventFilter(programID, status, Math.Max(0, skip ?? 0) / pageSize, pageSize));
        return Results.Ok(page.Items.Select(ToView).ToList());
    }

    private static async Task<IResult> EventAsync(string eventId, ClaimsPrincipal user, DemandResponseQueries q) =>
        await q.EventAsync(user, eventId) is { } ev ? Results.Ok(ToView(ev)) : NotFound($"no event {eventId} that you may see");

    private static async Task<IResult> EnrolmentsAsync(string eventId, ClaimsPrincipal user, DemandResponseQueries q) =>
        await q.EventAsync(user, eventId) is { } ev ? Results.Ok(await q.EnrolmentsAsync(user, ev)) : NotFound($"no event {eventId} that you may see");

    private static async Task<IResult> LiveAsync(string eventId, string? participant, ClaimsPrincipal user, DemandResponseQueries q) =>
        await q.EventAsync(user, eventId) is { } ev ? Results.Ok(await q.LiveCurveAsync(user, ev, participant)) : NotFound($"no event {eventId} that you may see");

    private static async Task<IResult> ReportsAsync(ClaimsPrincipal user, DemandResponseQueries q, string? eventID, string? programID) =>
        Results.Ok((await q.ReportsAsync(user, eventID, programID)).Select(r => ToReport(r.Event, r.Result)).ToList());

    // ---- writes ---------------------------------------------------------------------------------------------------

    private static Task<IResult> DefineProgramAsync(ProgramRequest r, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node)
    {
        if (r.IncentiveYuanPerKwh * 100 % 1 != 0 || r.PenaltyYuanPerKwh * 100 % 1 != 0)
            return Task.FromResult(Bad("prices are in yuan/kWh with at most two decimals (whole fen)"));
        return WriteAsync(user, signer, node, Roles.GridCompany, "defineProgram", new DemandResponseContract.DefineProgramArgs(r.ProgramId, r.ProgramName, r.BaselineMethod,
            (long)(r.IncentiveYuanPerKwh * 100), (long)(r.PenaltyYuanPerKwh * 100), r.MinPerformancePercent * 10L, r.NoticeMinutes * 60_000L, r.MinCommittedW, r.Provinces));
    }

    private static Task<IResult> PublishAsync(EventRequest r, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, Roles.GridCompany, "publishEvent", new DemandResponseContract.PublishEventArgs(r.EventId, r.ProgramId, Blank(r.FeederId), Blank(r.Province),
            r.Start.ToUnixTimeMilliseconds(), r.Start.ToUnixTimeMilliseconds() + r.DurationMinutes * 60_000L, r.TargetW));

    private static Task<IResult> UpdateAsync(string eventId, EventUpdateRequest r, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, Roles.GridCompany, "updateEvent", new DemandResponseContract.UpdateEventArgs(eventId, r.Start.ToUnixTimeMilliseconds(),
            r.Start.ToUnixTimeMilliseconds() + r.DurationMinutes * 60_000L, r.TargetW));

    private static Task<IResult> CancelAsync(string eventId, string? reason, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        string.IsNullOrWhiteSpace(reason) ? Task.FromResult(Bad("say why: ?reason=...")) :
        WriteAsync(user, signer, node, Roles.GridCompany, "cancelEvent", new DemandResponseContract.CancelEventArgs(eventId, reason));

    private static Task<IResult> EnrolAsync(string eventId, EnrolRequest r, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, null, "enrol", new DemandResponseContract.EnrolArgs(eventId, r.MeterIds ?? [], r.CommittedW));

    private static Task<IResult> OptOutAsync(string eventId, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, null, "optOut", new DemandResponseContract.EventArgs(eventId));

    private static Task<IResult> SettleAsync(string eventId, SettleRequest? r, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, Roles.GridCompany, "settleEvent", new DemandResponseContract.SettleEventArgs(eventId, r?.Participants, r?.Limit));

    private static Task<IResult> AuthoriseAsync(string meterId, AggregatorRequest r, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, Roles.Consumer, "authoriseAggregator", new DemandResponseContract.AggregatorArgs(meterId, r.AggregatorId));

    private static Task<IResult> RevokeAsync(string meterId, ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node) =>
        WriteAsync(user, signer, node, Roles.Consumer, "revokeAggregator", new DemandResponseContract.MeterArgs(meterId));

    /// <summary>
    /// Checks the role for a clear 403 (the contract checks again, with the organisation), signs as the person (or, for an
    /// organisation's API key, as the organisation on its own node: <see cref="MeteringSigner"/>), waits for the block.
    /// </summary>
    private static async Task<IResult> WriteAsync(ClaimsPrincipal user, MeteringSigner signer, NodeHostedService node, string? role, string method, object args)
    {
        if (role is not null ? !user.IsInRole(role) : !DrAccess.MayEnrol(user))
            return LedgerApi.Problem(StatusCodes.Status403Forbidden, "forbidden", role is null ? "only a Consumer or an Aggregator enrols" : $"only a {role} may do this");
        var (certificate, problem) = await signer.ResolveAsync(user);
        if (certificate is null) return LedgerApi.Problem(StatusCodes.Status403Forbidden, "cannot-sign-here", problem!);
        var tx = await signer.SignAsync(certificate, DemandResponseContract.ContractName, method, args);
        var outcome = await (await node.Runtime).Node.SubmitAsync(tx);
        if (outcome.Refusal is { } refusal) return LedgerApi.Problem(StatusCodes.Status409Conflict, refusal.Code.ToString(), refusal.Message, outcome.TxId);
        if (outcome.Result is not { Succeeded: true } result)
            return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "refused-by-contract", outcome.Result?.Error ?? "refused", outcome.TxId);
        return Results.Ok(new WriteResponse(outcome.TxId, outcome.Height, result.Output));
    }

    // ---- OpenADR-shaped views -------------------------------------------------------------------------------------

    public static ProgramView ToView(DrProgram p) => new(p.ProgramId, p.Name, p.GridCompanyId, p.BaselineMethod, p.IncentiveFenPerKwh / 100m,
        p.PenaltyFenPerKwh / 100m, (int)(p.MinPerformancePermille / 10), System.Xml.XmlConvert.ToString(TimeSpan.FromMilliseconds(p.NoticeMs)),
        p.MinCommittedW, p.Provinces, DateTimeOffset.FromUnixTimeMilliseconds(p.CreatedAt));

    public static EventView ToView(DrEvent e) => new(e.EventId, e.ProgramId, e.EventId, e.Status, e.Version, e.FeederId, e.Province,
        Period(e.Start, e.End - e.Start), DateTimeOffset.FromUnixTimeMilliseconds(e.NoticeDeadline), e.TargetW, e.Participants, e.CommittedW, e.Settled,
        e.IncentiveFen / 100m, e.PenaltyFen / 100m, e.DeliveredWh,
        Enumerable.Range(0, e.Intervals).Select(i => new EventInterval(i, Period(e.Start + i * Baselines.IntervalMs, Baselines.IntervalMs),
            [new ValuesPayload("LOAD_REDUCTION", [e.TargetW])])).ToList());

    public static ReportView ToReport(DrEvent e, DrResult r) => new($"{e.EventId}/{r.ParticipantId}", e.ProgramId, e.EventId, r.ParticipantId, r.Kind,
        r.CommittedW, r.CreditedWh, r.PerformancePermille, r.IncentiveFen / 100m, r.PenaltyCollectedFen / 100m, r.Shares,
        Intervals(e, r.BaselineWh, r.ActualWh, r.DeliveredWh),
        r.Meters.Select(m => new ReportResource(m.MeterId, m.DaysUsed, m.AdjustmentPermille,
            Intervals(e, m.BaselineWh, m.ActualWh, m.BaselineWh.Zip(m.ActualWh, (b, a) => Math.Max(0, b - a)).ToList()))).ToList(),
        DateTimeOffset.FromUnixTimeMilliseconds(r.SettledAt), r.TxId);

    private static List<EventInterval> Intervals(DrEvent e, IReadOnlyList<long> baseline, IReadOnlyList<long> usage, IReadOnlyList<long> delta) =>
        Enumerable.Range(0, e.Intervals).Select(i => new EventInterval(i, Period(e.Start + i * Baselines.IntervalMs, Baselines.IntervalMs),
            [new ValuesPayload("BASELINE", [baseline[i]]), new ValuesPayload("USAGE", [usage[i]]), new ValuesPayload("DELTA_USAGE", [delta[i]])])).ToList();

    private static IntervalPeriod Period(long start, long durationMs) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(start), System.Xml.XmlConvert.ToString(TimeSpan.FromMilliseconds(durationMs)));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static IResult Bad(string detail) => LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-request", detail);
    private static IResult NotFound(string detail) => LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", detail);
}
