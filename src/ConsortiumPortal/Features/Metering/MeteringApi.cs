using System.Security.Claims;
using System.Text;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// /api/metering: the metering system posts readings (JSON or CSV), corrections and outages; members read meters and
/// their readings. Writes need the GridCompany role and are signed by the caller (<see cref="MeteringSigner"/>).
/// A readings batch answers 200 with a row-by-row report (accepted, already recorded, rejected rows with reasons);
/// a request that cannot be handled as a whole is a problem detail (400 malformed, 403 role, 413 too large).
/// </summary>
public static class MeteringApi
{
    public sealed record ReadingsBatchRequest(IReadOnlyList<ReadingInput>? Readings);
    public sealed record ReadingInput(string? MeterId, DateTimeOffset? IntervalStart, long? Wh);
    public sealed record CorrectionRequest(string MeterId, DateTimeOffset IntervalStart, long Wh, string Reason);
    public sealed record RegisterMeterRequest(string MeterId, string OrganisationId, string SiteId, string Type, string? Technology,
        long CapacityW, string Province, string Location, string FeederId);
    public sealed record OutageStartRequest(string OutageId, IReadOnlyList<string>? MeterIds, string? FeederId, DateTimeOffset Start, bool Planned, string Cause);
    public sealed record OutageRestoreRequest(DateTimeOffset End);
    public sealed record WriteResponse(string TxId, long Height, string Status, object? Result);

    /// <summary>Longest range of readings one request returns.</summary>
    public static readonly TimeSpan MaxReadingRange = TimeSpan.FromDays(62);

    public static IEndpointRouteBuilder MapMeteringApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/metering").WithTags("Metering").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/meters", ListMetersAsync).WithSummary("Meters you may see (your organisation's; GridCompany and Regulator: all), paged and filtered");
        api.MapGet("/meters/{meterId}", GetMeterAsync).WithSummary("One meter").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/meters/{meterId}/readings", GetReadingsAsync)
            .WithSummary("A meter's 15-minute readings in [from, to) (ISO 8601; at most 62 days)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/meters", RegisterMeterAsync).WithSummary("Register a meter to an organisation (GridCompany; you become its serving grid company)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/readings", PostReadingsAsync)
            .WithSummary("Record a batch of 15-minute readings (GridCompany); answers a row-by-row report")
            .WithDescription("Rows are validated one by one: rejected rows are reported with their position and reason and not submitted; " +
                             "the valid rows are recorded; a row equal to what is already recorded counts as already recorded, so resubmitting a batch is harmless.")
            .Produces<IngestReport>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/readings/csv", PostReadingsCsvAsync)
            .WithSummary("Record readings from a CSV file (text/csv, docs/metering.md); answers a report with line numbers")
            .Accepts<string>("text/csv").Produces<IngestReport>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/readings/corrections", CorrectAsync).WithSummary("Correct a recorded reading, with a reason (the original stays visible)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/outages", ListOutagesAsync).WithSummary("Outages affecting meters you may see, newest first");
        api.MapPost("/outages", StartOutageAsync).WithSummary("Record the start of an outage of some meters or of a feeder (GridCompany)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/outages/{outageId}/restoration", RestoreOutageAsync).WithSummary("Record that an outage is over (GridCompany that recorded it)")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Ok<MeterPage>> ListMetersAsync(ClaimsPrincipal user, IMeteringQueries queries,
        string? organisationId, string? province, string? type, string? search, int? page, int? pageSize) =>
        TypedResults.Ok(await queries.MetersAsync(user, new MeterFilter(organisationId, province, type, search, page ?? 0, pageSize ?? 50)));

    private static async Task<IResult> GetMeterAsync(string meterId, ClaimsPrincipal user, IMeteringQueries queries) =>
        await queries.MeterAsync(user, meterId) is { } meter ? TypedResults.Ok(meter) : NotFound(meterId);

    private static async Task<IResult> GetReadingsAsync(string meterId, ClaimsPrincipal user, IMeteringQueries queries, string? from, string? to)
    {
        if (ReadingsCsv.ParseTime(from ?? "") is not { } start || ReadingsCsv.ParseTime(to ?? "") is not { } end)
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-range", "from and to are required: ISO 8601 times with an offset, or Unix milliseconds");
        if (end <= start || end - start > MaxReadingRange)
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-range", $"to must be after from, at most {MaxReadingRange.TotalDays} days later");
        var readings = await queries.ReadingsAsync(user, meterId, start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds());
        if (readings is null) return NotFound(meterId);
        return TypedResults.Ok(readings.Select(r => new ReadingView(DateTimeOffset.FromUnixTimeMilliseconds(r.IntervalStart), r.Wh, r.OriginalWh, r.Corrections)).ToList());
    }

    private static async Task<IResult> PostReadingsAsync(ReadingsBatchRequest? request, ClaimsPrincipal user, MeteringIngest ingest, CancellationToken token)
    {
        if (Forbidden(user) is { } forbidden) return forbidden;
        if (request?.Readings is not { Count: > 0 } input)
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "empty-batch", "send {\"readings\": [{\"meterId\", \"intervalStart\", \"wh\"}, ...]}");
        if (input.Count > MeteringIngest.MaxRowsPerRequest)
            return LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "batch-too-large", $"a batch holds at most {MeteringIngest.MaxRowsPerRequest} readings");
        var rows = input.Select((r, i) => new ReadingRow(i + 1, r?.MeterId, r?.IntervalStart, r?.Wh)).ToList();
        return await RunAsync(() => ingest.RecordAsync(user, rows, token: token));
    }

    private static async Task<IResult> PostReadingsCsvAsync(HttpRequest request, ClaimsPrincipal user, MeteringIngest ingest, CancellationToken token)
    {
        if (Forbidden(user) is { } forbidden) return forbidden;
        const long maxBytes = 32L * 1024 * 1024;
        if (request.ContentLength > maxBytes)
            return LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "a CSV upload is at most 32 MiB");
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(token);
        if (text.Length > maxBytes) return LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "a CSV upload is at most 32 MiB");
        return await RunAsync(() =>
        {
            var parsed = ReadingsCsv.Parse(text);
            return ingest.RecordAsync(user, parsed.Rows, parsed.Rejected, token: token);
        });
    }

    private static async Task<IResult> RunAsync(Func<Task<IngestReport>> import)
    {
        try { return TypedResults.Ok(await import()); }
        catch (MeteringRequestException e) { return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-batch", e.Message); }
    }

    private static Task<IResult> CorrectAsync(CorrectionRequest request, ClaimsPrincipal user, MeteringIngest ingest, CancellationToken token) =>
        WriteAsync(user, ingest, "correctReading",
            new MeteringContract.CorrectReadingArgs(request.MeterId, request.IntervalStart.ToUnixTimeMilliseconds(), request.Wh, request.Reason), token);

    private static Task<IResult> RegisterMeterAsync(RegisterMeterRequest r, ClaimsPrincipal user, MeteringIngest ingest, CancellationToken token) =>
        WriteAsync(user, ingest, "registerMeter",
            new MeteringContract.RegisterMeterArgs(r.MeterId, r.OrganisationId, r.SiteId, r.Type, r.Technology, r.CapacityW, r.Province, r.Location, r.FeederId), token);

    private static Task<IResult> StartOutageAsync(OutageStartRequest r, ClaimsPrincipal user, MeteringIngest ingest, CancellationToken token) =>
        WriteAsync(user, ingest, "startOutage",
            new MeteringContract.StartOutageArgs(r.OutageId, r.MeterIds is { Count: > 0 } ? r.MeterIds : null, r.FeederId, r.Start.ToUnixTimeMilliseconds(), r.Planned, r.Cause), token);

    private static Task<IResult> RestoreOutageAsync(string outageId, OutageRestoreRequest r, ClaimsPrincipal user, MeteringIngest ingest, CancellationToken token) =>
        WriteAsync(user, ingest, "restoreOutage", new MeteringContract.RestoreOutageArgs(outageId, r.End.ToUnixTimeMilliseconds()), token);

    private static async Task<Ok<List<OutageView>>> ListOutagesAsync(ClaimsPrincipal user, IMeteringQueries queries) =>
        TypedResults.Ok((await queries.OutagesAsync(user)).ToList());

    /// <summary>One signed write; the contract's refusal is a 422 problem with its reason and the tx id.</summary>
    private static async Task<IResult> WriteAsync(ClaimsPrincipal user, MeteringIngest ingest, string method, object args, CancellationToken token)
    {
        if (Forbidden(user) is { } forbidden) return forbidden;
        TxOutcome outcome;
        try { outcome = await ingest.SubmitAsync(user, method, args, token); }
        catch (MeteringRequestException e) { return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-request", e.Message); }
        if (outcome.Refusal is { } refusal) return LedgerApi.Problem(StatusCodes.Status409Conflict, refusal.Code, refusal.Message, outcome.TxId);
        if (outcome.Result is not { Succeeded: true } result)
            return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "refused-by-contract", outcome.Result?.Error ?? "refused", outcome.TxId);
        return TypedResults.Ok(new WriteResponse(outcome.TxId, outcome.Height, "committed", result.Output));
    }

    private static IResult? Forbidden(ClaimsPrincipal user) => MeteringIngest.MayWrite(user) ? null :
        LedgerApi.Problem(StatusCodes.Status403Forbidden, "not-grid-company", "only a person or system acting as GridCompany writes metering data");

    private static IResult NotFound(string meterId) =>
        LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"no meter {meterId} that you may see");
}
