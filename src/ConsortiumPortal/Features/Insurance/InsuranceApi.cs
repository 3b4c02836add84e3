using System.Security.Claims;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Features.Ledger;

namespace ConsortiumPortal.Features.Insurance;

/// <summary>
/// /api/insurance: products (Insurer publishes, everyone reads), policies (Consumer applies, pays, cancels; Insurer
/// activates or declines), claims (created only by evaluating an outage; contested by the holder, answered by the
/// insurer), the risk view and the back-test. A caller sees the policies and claims of its own organisation (as holder
/// or insurer); the Regulator sees all. A contract's refusal is 422 with its reason and the transaction id.
/// </summary>
public static class InsuranceApi
{
    public sealed record ProductBody(string ProductId, ProductTerms Terms);
    public sealed record OnSaleBody(bool OnSale);
    public sealed record ApplyBody(string PolicyId, string ProductId, string MeterId, string CustomerClass, string Industry, DateTimeOffset Start, DateTimeOffset End);
    public sealed record ActivationBody(bool AcceptBackdated = false);
    public sealed record ReasonBody(string Reason);
    public sealed record EvaluationBody(string? Cursor = null);
    public sealed record PayUnpaidBody(string InsurerId);
    public sealed record ContestBody(string Evidence, string? EvidenceSm3 = null);
    public sealed record AnswerBody(bool Uphold, long AmountFen, string Answer);

    public static IEndpointRouteBuilder MapInsuranceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/insurance").WithTags("Insurance").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/products", async (IInsuranceQueries q) => TypedResults.Ok(await q.ProductsAsync())).WithSummary("Every published product, latest version");
        api.MapGet("/products/{productId}/versions", async (string productId, IInsuranceQueries q) => TypedResults.Ok(await q.VersionsAsync(productId)))
            .WithSummary("Every version of a product, oldest first (a policy keeps the version it was sold under)");
        api.MapPost("/products", PublishAsync).WithSummary("Publish a product or a new version of your own (Insurer)");
        api.MapPost("/products/{productId}/on-sale", (string productId, OnSaleBody body, ClaimsPrincipal user, IInsuranceActions a) =>
            Insurer(user) ?? WriteAsync(() => a.SetOnSaleAsync(user, productId, body.OnSale))).WithSummary("Put your product on sale or withdraw it (Insurer)");

        api.MapGet("/policies", PoliciesAsync).WithSummary("Policies your organisation holds or insures (every one for the Regulator), paged: status, search, sortBy (applied, holder, product, start, premium, paid, status), descending, page, pageSize");
        api.MapGet("/policies/{policyId}", PolicyAsync).WithSummary("A policy and its claims");
        api.MapPost("/policies", ApplyAsync).WithSummary("Apply for cover on a meter of your organisation; the contract quotes the premium (Consumer)");
        api.MapPost("/policies/{policyId}/premium", (string policyId, ClaimsPrincipal user, IInsuranceActions a) => WriteAsync(() => a.PayPremiumAsync(user, policyId)))
            .WithSummary("Pay the quoted premium into escrow (holder)");
        api.MapPost("/policies/{policyId}/activation", (string policyId, ActivationBody? body, ClaimsPrincipal user, IInsuranceActions a) =>
            Insurer(user) ?? WriteAsync(() => a.ActivateAsync(user, policyId, body?.AcceptBackdated ?? false))).WithSummary("Accept the application: the escrowed premium is captured and cover is in force (Insurer)");
        api.MapPost("/policies/{policyId}/decline", (string policyId, ReasonBody body, ClaimsPrincipal user, IInsuranceActions a) =>
            Insurer(user) ?? WriteAsync(() => a.DeclineAsync(user, policyId, body.Reason))).WithSummary("Decline an application; an escrowed premium goes back in full (Insurer)");
        api.MapPost("/policies/{policyId}/cancellation", (string policyId, ClaimsPrincipal user, IInsuranceActions a) => WriteAsync(() => a.CancelAsync(user, policyId)))
            .WithSummary("Cancel (holder): full refund before cover starts, pro rata while running unless a claim was confirmed");
        api.MapPost("/policies/{policyId}/close", (string policyId, ClaimsPrincipal user, IInsuranceActions a) => WriteAsync(() => a.CloseAsync(user, policyId)))
            .WithSummary("Close a policy 7 days after its end once nothing is owed (holder or insurer)");

        api.MapGet("/claims", ClaimsAsync).WithSummary("Claims of your organisation's policies (every one for the Regulator), paged: status (confirmed, paid, declined, contested), search, sortBy (outage, amount, holder, status, payoutTime)");
        api.MapPost("/outages/{outageId}/evaluation", (string outageId, EvaluationBody? body, ClaimsPrincipal user, IInsuranceActions a) =>
            WriteAsync(() => a.EvaluateAsync(user, outageId, body?.Cursor))).WithSummary("Evaluate a restored outage against every policy on its meters (any member; the claims job does this automatically); follow output.nextCursor");
        api.MapPost("/unpaid", (PayUnpaidBody body, ClaimsPrincipal user, IInsuranceActions a) => WriteAsync(() => a.PayUnpaidAsync(user, body.InsurerId)))
            .WithSummary("Pay an insurer's confirmed claims still owed, as far as its account allows (any member)");
        api.MapPost("/claims/{policyId}/{outageId}/contest", (string policyId, string outageId, ContestBody body, ClaimsPrincipal user, IInsuranceActions a) =>
            WriteAsync(() => a.ContestAsync(user, policyId, outageId, body.Evidence, body.EvidenceSm3))).WithSummary("Contest a declined claim with evidence (holder)");
        api.MapPost("/claims/{policyId}/{outageId}/answer", (string policyId, string outageId, AnswerBody body, ClaimsPrincipal user, IInsuranceActions a) =>
            Insurer(user) ?? WriteAsync(() => a.AnswerAsync(user, policyId, outageId, body.Uphold, body.AmountFen, body.Answer))).WithSummary("Answer a contest; upholding pays at once (Insurer)");

        api.MapGet("/risk", async (ClaimsPrincipal user, IInsuranceQueries q) => await q.RiskAsync(user) is { } risk ? Results.Ok(risk)
                : LedgerApi.Problem(StatusCodes.Status403Forbidden, "not-insurer", "the risk view is for insurers (own book) and the Regulator"))
            .WithSummary("Exposure by feeder, province and class; premiums vs payouts per product; median payout time (Insurer: own book; Regulator: all)");
        api.MapPost("/backtest", async (ProductTerms terms, ClaimsPrincipal user, IInsuranceQueries q) => await q.BacktestAsync(user, terms) is { } rows ? Results.Ok(rows)
                : LedgerApi.Problem(StatusCodes.Status403Forbidden, "not-insurer", "the back-test is for insurers and the Regulator"))
            .WithSummary("Run product terms over every restored outage on chain: parametric payout vs metered lost load (basis risk)");
        return app;
    }

    private static Task<IResult> PublishAsync(ProductBody body, ClaimsPrincipal user, IInsuranceActions actions) =>
        Insurer(user) ?? (body.Terms is null
            ? Task.FromResult<IResult>(LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-input", "terms are required"))
            : WriteAsync(() => actions.PublishAsync(user, body.ProductId, body.Terms)));

    private static Task<IResult> ApplyAsync(ApplyBody body, ClaimsPrincipal user, IInsuranceActions actions)
    {
        if (!InsuranceAccess.IsConsumer(user))
            return Task.FromResult<IResult>(LedgerApi.Problem(StatusCodes.Status403Forbidden, "not-consumer", "only a Consumer applies for cover"));
        return WriteAsync(() => actions.ApplyAsync(user, new InsuranceContract.ApplyArgs(body.PolicyId, body.ProductId, body.MeterId, body.CustomerClass, body.Industry,
            body.Start.ToUnixTimeMilliseconds(), body.End.ToUnixTimeMilliseconds())));
    }

    private static async Task<IResult> PoliciesAsync(ClaimsPrincipal user, IInsuranceQueries queries, string? status, string? search, string? sortBy, bool? descending, int? page, int? pageSize)
    {
        var result = await queries.PoliciesAsync(user, new PolicyFilter(status, search, sortBy, descending ?? true, page ?? 0, pageSize ?? 25));
        return TypedResults.Ok(new { total = result.Total, items = result.Items });
    }

    private static async Task<IResult> PolicyAsync(string policyId, ClaimsPrincipal user, IInsuranceQueries queries) =>
        await queries.PolicyAsync(user, policyId) is { } policy
            ? TypedResults.Ok(new { policy, claims = await queries.ClaimsOfAsync(user, policyId) })
            : LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"no policy {policyId} you may see");

    private static async Task<IResult> ClaimsAsync(ClaimsPrincipal user, IInsuranceQueries queries, string? status, string? search, string? sortBy, bool? descending, int? page, int? pageSize)
    {
        var result = await queries.ClaimsAsync(user, new ClaimFilter(status, search, sortBy, descending ?? true, page ?? 0, pageSize ?? 25));
        return TypedResults.Ok(new { total = result.Total, items = result.Items });
    }

    /// <summary>A clear 403 before signing anything; the contract checks the role again.</summary>
    private static Task<IResult>? Insurer(ClaimsPrincipal user) => InsuranceAccess.IsInsurer(user) ? null
        : Task.FromResult<IResult>(LedgerApi.Problem(StatusCodes.Status403Forbidden, "not-insurer", "only an Insurer may do this"));

    private static async Task<IResult> WriteAsync(Func<Task<TxOutcome>> write)
    {
        try { return WriteResults.From(await write(), StatusCodes.Status409Conflict); }
        catch (InsuranceSigningException e) { return LedgerApi.Problem(StatusCodes.Status403Forbidden, "cannot-sign", e.Message); }
    }
}
