using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Jobs;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Training;

/// <summary>
/// /api/training/clock: a training pilot's block clock (Consortium:TrainingClock=true, one node). GET shows block time,
/// the wall clock and the offset; POST moves block time forward (to a time, or by minutes), never back, at most
/// <see cref="TrainingClock.MaxStep"/> at once. Only this node's operators (its organisation's OrgAdmins) may use it: the
/// times it produces are written into the ledger for ever. Off (the default) it answers 409 with the reason.
/// </summary>
public static class TrainingClockApi
{
    /// <param name="To">the block time to move to (ISO 8601), or</param>
    /// <param name="Minutes">how many minutes to move forward</param>
    public sealed record MoveRequest(DateTimeOffset? To, int? Minutes);

    public sealed record ClockResponse(DateTimeOffset BlockClock, DateTimeOffset WallClock, double OffsetMinutes, DateTimeOffset LastBlock);

    public static IEndpointRouteBuilder MapTrainingClockApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/training/clock").WithTags("Training")
            .RequireAuthorization(ApiAuthentication.Policy, NodeOperatorPolicy.Name)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("", GetAsync).WithSummary("The training pilot's block clock: block time, wall clock, offset (this node's operators)");
        api.MapPost("", MoveAsync).WithSummary("Move block time forward (training pilots only): to a time, or by minutes; never back")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> GetAsync(NodeHostedService host)
    {
        if (await Unavailable(host) is { } problem) return problem;
        return TypedResults.Ok(await DescribeAsync(host));
    }

    private static async Task<IResult> MoveAsync(MoveRequest request, NodeHostedService host)
    {
        if (await Unavailable(host) is { } problem) return problem;
        if ((request.To is null) == (request.Minutes is null))
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-request", "give either to (a time) or minutes");
        if (request.Minutes is < 0) return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "backwards", "the block clock only moves forward");
        var clock = host.Training!;
        try { clock.AdvanceTo(request.To ?? clock.GetUtcNow().AddMinutes(request.Minutes!.Value)); }
        catch (ArgumentOutOfRangeException e) { return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "not-allowed", e.Message.Split(" (Parameter")[0]); }
        return TypedResults.Ok(await DescribeAsync(host));
    }

    /// <summary>Off, or no longer a pilot of one (governance added nodes): the clock must not move.</summary>
    private static async Task<IResult?> Unavailable(NodeHostedService host)
    {
        if (host.Training is null)
            return LedgerApi.Problem(StatusCodes.Status409Conflict, "training-clock-off", "this node follows the system clock (Consortium:TrainingClock is off)");
        if ((await host.Runtime).IsConsortium)
            return LedgerApi.Problem(StatusCodes.Status409Conflict, "consortium", "the training clock is for a single-node pilot; this ledger lists several nodes");
        return null;
    }

    private static async Task<ClockResponse> DescribeAsync(NodeHostedService host)
    {
        var ledger = (await host.Runtime).Ledger;
        var clock = host.Training!;
        return new ClockResponse(clock.GetUtcNow(), TimeProvider.System.GetUtcNow(), Math.Round(clock.Offset.TotalMinutes, 3),
            DateTimeOffset.FromUnixTimeMilliseconds(ledger.Store.GetBlockHeader(ledger.Height)!.Header.Timestamp));
    }
}
