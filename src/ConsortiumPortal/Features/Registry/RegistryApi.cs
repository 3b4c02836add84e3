using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Identity;

namespace ConsortiumPortal.Features.Registry;

/// <summary>
/// /api/registry: the public disclosure board (anonymous), the participant directory with version history and record
/// hashes, a member's own applications, the trading centres' review queue, governance proposals and votes, credit
/// ratings, and the writes (apply, review actions, comments, proposals, votes). Writes are transactions signed by the
/// signed-in person; an API key acts for an organisation, not a person, so a member system signs its own registry
/// transaction and submits it to POST /api/transactions instead (403 person-required here). Refusals by the contract
/// answer 422 with the contract's reason; bad bodies 400.
/// </summary>
public static class RegistryApi
{
    /// <summary>Roles that read every organisation's rating (they set limits from it); others read their own.</summary>
    public static readonly string[] RatingReaders = [Roles.TradingCenter, Roles.Bank, Roles.Insurer, Roles.Regulator];

    /// <summary>Registry contract methods a participant action may name, with their argument types (participantId comes from the route).</summary>
    public static readonly IReadOnlyDictionary<string, Type> ParticipantActions = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["startReview"] = typeof(RegistryContract.ParticipantArgs),
        ["requestChanges"] = typeof(RegistryContract.DecisionArgs),
        ["resubmit"] = typeof(RegistryContract.DetailsArgs),
        ["approve"] = typeof(RegistryContract.ApproveArgs),
        ["comment"] = typeof(RegistryContract.CommentArgs),
        ["upholdObjection"] = typeof(RegistryContract.UpholdArgs),
        ["activate"] = typeof(RegistryContract.ParticipantArgs),
        ["suspend"] = typeof(RegistryContract.DecisionArgs),
        ["reinstate"] = typeof(RegistryContract.DecisionArgs),
        ["exit"] = typeof(RegistryContract.DecisionArgs),
        ["changeMinor"] = typeof(RegistryContract.MinorChangeArgs),
        ["proposeChange"] = typeof(RegistryContract.DetailsArgs),
    };

    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/registry").WithTags("Registry").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/disclosure", async (IRegistryQueries q) => TypedResults.Ok(await q.DisclosureBoardAsync()))
            .AllowAnonymous().WithSummary("The public disclosure board: registrations under public disclosure and their comments (no sign-in)");
        api.MapGet("/participants", DirectoryAsync)
            .WithSummary("The participant directory across provinces, filtered and paged (province, type, status, q, skip, take)");
        api.MapGet("/participants/{participantId}", async (string participantId, IRegistryQueries q) =>
                await q.ParticipantAsync(participantId) is { } h ? Results.Ok(h) : NotFound($"participant \"{participantId}\" does not exist"))
            .WithSummary("A participant with every version (details, status, record hash) and its disclosure comments")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/mine", async (ClaimsPrincipal caller, IRegistryQueries q) => TypedResults.Ok(await q.OfOrganisationAsync(caller.OrganisationId() ?? "")))
            .WithSummary("The caller's organisation's registrations");
        api.MapGet("/review-queue", ReviewQueueAsync)
            .WithSummary("Registrations waiting for a trading centre or in disclosure (TradingCenter, Regulator)").ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/settings", async (IRegistryQueries q) => TypedResults.Ok(await q.SettingsAsync()))
            .WithSummary("The registry settings in force: disclosure period bounds (ms)");

        api.MapPost("/applications", (HttpRequest r, ClaimsPrincipal c, IRegistryActions a) =>
                SubmitBodyAsync(r, c, a, RegistryContract.ContractName, "apply", typeof(RegistryContract.ApplyArgs), null))
            .WithSummary("Apply: body {\"details\": {legalName, creditCode, type, provinces, capacityKw1000, contacts, documents}}")
            .Accepts<JsonObject>("application/json").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/participants/{participantId}/actions/{method}", ParticipantActionAsync)
            .WithSummary("A lifecycle action: startReview, requestChanges, resubmit, approve, comment, upholdObjection, activate, suspend, reinstate, exit, changeMinor, proposeChange")
            .WithDescription("The body holds the method's arguments without participantId, e.g. approve {\"disclosurePeriodMs\": 604800000}, " +
                             "requestChanges {\"reason\": \"...\"}, comment {\"text\": \"...\", \"objection\": true}.")
            .Accepts<JsonObject>("application/json").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/proposals", async (IRegistryQueries q) => TypedResults.Ok(await q.ProposalsAsync()))
            .WithSummary("Governance proposals, newest first, each with exactly what it will change");
        api.MapGet("/proposals/{proposalId}", async (string proposalId, IRegistryQueries q) =>
                await q.ProposalAsync(proposalId) is { } p ? Results.Ok(p) : NotFound($"proposal \"{proposalId}\" does not exist"))
            .WithSummary("A proposal with its votes, the number of voters and the votes it needs").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/proposals", (HttpRequest r, ClaimsPrincipal c, IRegistryActions a) =>
                SubmitBodyAsync(r, c, a, GovernanceContract.ContractName, "propose", typeof(GovernanceContract.ProposeArgs), null))
            .WithSummary("Propose (an OrgAdmin): {kind, title, change: {organisation|policy|node|nodeId|resolution|registry}, expiresAt}")
            .Accepts<JsonObject>("application/json").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/proposals/{proposalId}/votes", (string proposalId, HttpRequest r, ClaimsPrincipal c, IRegistryActions a) =>
                SubmitBodyAsync(r, c, a, GovernanceContract.ContractName, "vote", typeof(GovernanceContract.VoteArgs), ("proposalId", proposalId)))
            .WithSummary("Vote for your organisation (an OrgAdmin): {\"approve\": true|false}")
            .Accepts<JsonObject>("application/json").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/ratings", RatingsAsync)
            .WithSummary("Credit ratings with their explanation lines (TradingCenter, Bank, Insurer, Regulator: every member; others: their own)");
        api.MapGet("/ratings/{organisationId}", RatingAsync)
            .WithSummary("One organisation's rating, its lines and the recorded behaviour it is computed from")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static bool ReadsEveryRating(this ClaimsPrincipal user) => RatingReaders.Any(user.IsInRole);

    private static async Task<IResult> DirectoryAsync(IRegistryQueries q, string? province, string? type, string? status, int? skip, int? take, HttpRequest request)
    {
        ParticipantType? parsedType = null;
        ParticipantStatus? parsedStatus = null;
        if (type is not null)
        {
            if (!Enum.TryParse<ParticipantType>(type, false, out var t)) return Bad($"unknown type \"{type}\"; one of {string.Join(", ", Enum.GetNames<ParticipantType>())}");
            parsedType = t;
        }
        if (status is not null)
        {
            if (!Enum.TryParse<ParticipantStatus>(status, false, out var s)) return Bad($"unknown status \"{status}\"; one of {string.Join(", ", Enum.GetNames<ParticipantStatus>())}");
            parsedStatus = s;
        }
        if (province is not null && !Provinces.IsKnown(province)) return Bad($"unknown province \"{province}\"");
        var (from, count) = (skip ?? 0, take ?? 50);
        if (from < 0 || count is < 1 or > 500) return Bad("skip must be >= 0 and take 1..500");
        var text = request.Query["q"].FirstOrDefault();
        return Results.Ok(await q.DirectoryAsync(new DirectoryFilter(province, parsedType, parsedStatus, text), from, count));
    }

    private static async Task<IResult> ReviewQueueAsync(ClaimsPrincipal caller, IRegistryQueries q) =>
        caller.IsInRole(Roles.TradingCenter) || caller.IsInRole(Roles.Regulator)
            ? Results.Ok(await q.ReviewQueueAsync())
            : LedgerApi.Problem(StatusCodes.Status403Forbidden, "forbidden", "the review queue is for trading centres (and the regulator)");

    private static async Task<IResult> RatingsAsync(ClaimsPrincipal caller, IRegistryQueries q)
    {
        var all = await q.RatingsAsync();
        return Results.Ok(caller.ReadsEveryRating() ? all : all.Where(r => r.OrganisationId == caller.OrganisationId()).ToList());
    }

    private static async Task<IResult> RatingAsync(string organisationId, ClaimsPrincipal caller, IRegistryQueries q)
    {
        if (!caller.ReadsEveryRating() && organisationId != caller.OrganisationId())
            return LedgerApi.Problem(StatusCodes.Status403Forbidden, "forbidden", "you may read your own organisation's rating only");
        return await q.RatingAsync(organisationId) is { } r ? Results.Ok(r) : NotFound($"organisation \"{organisationId}\" is not a member");
    }

    private static Task<IResult> ParticipantActionAsync(string participantId, string method, HttpRequest request, ClaimsPrincipal caller, IRegistryActions actions) =>
        ParticipantActions.TryGetValue(method, out var argsType)
            ? SubmitBodyAsync(request, caller, actions, RegistryContract.ContractName, method, argsType, ("participantId", participantId))
            : Task.FromResult<IResult>(NotFound($"unknown action \"{method}\"; one of {string.Join(", ", ParticipantActions.Keys)}"));

    /// <summary>Reads the JSON body, adds the route's id, checks it against the contract's argument type, signs as the person and waits for the block.</summary>
    private static async Task<IResult> SubmitBodyAsync(HttpRequest request, ClaimsPrincipal caller, IRegistryActions actions,
        string contract, string method, Type argsType, (string Name, string Value)? routeValue)
    {
        if (caller.CertificateId() is null)
            return LedgerApi.Problem(StatusCodes.Status403Forbidden, "person-required",
                "registry writes are signed by a person: sign in to the portal, or sign the registry transaction yourself and POST it to /api/transactions");
        JsonObject body;
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            body = node as JsonObject ?? throw new JsonException("the body must be a JSON object");
        }
        catch (JsonException e) { return Bad($"the body is not a JSON object: {e.Message}"); }
        if (routeValue is { } rv) body[rv.Name] = rv.Value;
        object args;
        try { args = body.Deserialize(argsType, CanonicalJson.SerializerOptions) ?? throw new JsonException("null"); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            return Bad($"invalid arguments for {contract}.{method}: {e.Message}");
        }
        var outcome = await actions.SubmitAsync(caller, contract, method, args);
        if (outcome.Refusal is { } refusal)
            return LedgerApi.Problem(StatusCodes.Status409Conflict, refusal.Code.ToString(), refusal.Message, outcome.TxId);
        var result = outcome.Result!;
        if (!result.Succeeded)
            return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "refused-by-contract", result.Error ?? "refused", outcome.TxId);
        return Results.Ok(new WriteResponse(outcome.TxId, outcome.Height, outcome.Index, result.Output));
    }

    public sealed record WriteResponse(string TxId, long Height, int Index, JsonElement? Output);

    private static IResult Bad(string detail) => LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-request", detail);
    private static IResult NotFound(string detail) => LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", detail);
}
