using System.Security.Claims;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Identity;

namespace ConsortiumPortal.Features.Vouchers;

/// <summary>
/// /api/vouchers: holdings, order book, orders, deals, trades, quota report (JSON and CSV), statistics and the public
/// trace by serial; and every write (issue from a settlement file, transfer, split, retire, orders, deals, quota policy,
/// consumption). Writes are transactions signed by the calling person, or for an API key by the organisation's root
/// certificate where this node holds it (as metering does, <see cref="Metering.MeteringSigner"/>); elsewhere 403 and the
/// caller signs the transaction itself for /api/transactions. The contract decides: its refusal is a 422 problem with its
/// reason and the transaction id.
/// </summary>
public static class VouchersApi
{
    public sealed record IssueRequest(string MeterId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, long EnergyWh, string SettlementFileSm3);
    public sealed record WriteResponse(string TxId, long Height, object? Result);

    public static IEndpointRouteBuilder MapVouchersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/vouchers").WithTags("Vouchers").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapGet("/trace/{serial}", TraceAsync).AllowAnonymous()
            .WithSummary("The whole history of one serial (GV000000000000042 or 42): issuance, splits, transfers, trades, retirement, with tx ids (no sign-in)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/statistics", async (IVoucherQueries q) => TypedResults.Ok(await q.StatisticsAsync())).AllowAnonymous()
            .WithSummary("Issued MWh by province, technology and month (no sign-in)");
        api.MapGet("/holdings", async (ClaimsPrincipal user, IVoucherQueries q, string? organisationId, string? status, string? voucherClass, string? sortBy, bool? descending, int? skip, int? take) =>
                TypedResults.Ok(await q.HoldingsAsync(user, organisationId, new HoldingQuery("", status, voucherClass, sortBy ?? "id", descending ?? false, skip ?? 0, take ?? 25))))
            .WithSummary("Your organisation's serial ranges (Regulator: any organisationId), paged, filtered by status and class, sorted");
        api.MapGet("/book", async (IVoucherQueries q, string? voucherClass) => TypedResults.Ok(await q.BookAsync(voucherClass)))
            .WithSummary("The order book: bid and ask price levels (fen/MWh) with quantity and order count");
        api.MapGet("/orders", async (ClaimsPrincipal user, IVoucherQueries q, bool? openOnly) => TypedResults.Ok(await q.OrdersAsync(user, openOnly ?? false)))
            .WithSummary("Your organisation's orders, newest first");
        api.MapGet("/deals", async (ClaimsPrincipal user, IVoucherQueries q) => TypedResults.Ok(await q.DealsAsync(user)))
            .WithSummary("Bilateral deals your organisation proposed or was offered");
        api.MapGet("/trades", async (ClaimsPrincipal user, IVoucherQueries q, int? skip, int? take) => TypedResults.Ok(await q.TradesAsync(user, skip ?? 0, take ?? 25)))
            .WithSummary("Trades newest first: your organisation's (Regulator and trading centre: all)");
        api.MapGet("/quota/{year:int}", async (int year, string? province, ClaimsPrincipal user, IVoucherQueries q) => TypedResults.Ok(await q.QuotaAsync(user, year, province)))
            .WithSummary("Quota completion per obligated entity (yours; Regulator and trading centre: all), optionally of one province");
        api.MapGet("/quota/{year:int}/csv", async (int year, string? province, ClaimsPrincipal user, IVoucherQueries q) =>
                Results.Text(VoucherQueries.QuotaCsv(await q.QuotaAsync(user, year, province)), "text/csv"))
            .WithSummary("The same report as CSV");

        Write(api, "/issuances", "issueFromSettlement", (IssueRequest r) => new VoucherContract.IssueFromSettlementArgs(
            r.MeterId, r.PeriodStart.ToUnixTimeMilliseconds(), r.PeriodEnd.ToUnixTimeMilliseconds(), r.EnergyWh, r.SettlementFileSm3),
            "Issue from a settlement file (TradingCenter): a meter, whole hours of one day, the energy and the file's SM3");
        Write(api, "/transfers", "transfer", (VoucherContract.TransferArgs a) => a, "Transfer serials [start, end) of one of your ranges to another organisation");
        Write(api, "/splits", "split", (VoucherContract.SplitArgs a) => a, "Split one of your ranges at a serial");
        Write(api, "/retirements", "retire", (VoucherContract.RetireArgs a) => a, "Retire serials [start, end): purpose quota (for your year) or voluntary (beneficiary, reason); irreversible");
        Write(api, "/orders/sell", "placeSell", (VoucherContract.PlaceSellArgs a) => a, "Offer serials [start, end) at a limit price (fen/MWh); matched at once where bids cross");
        Write(api, "/orders/buy", "placeBuy", (VoucherContract.PlaceBuyArgs a) => a, "Bid for a quantity at a limit price (fen/MWh), optionally of one class");
        Write(api, "/orders/{orderId}/cancel", "cancelOrder", (string orderId) => new VoucherContract.OrderArgs(orderId), "Cancel one of your open orders");
        Write(api, "/deals", "proposeDeal", (VoucherContract.ProposeDealArgs a) => a, "Propose a bilateral deal to a named buyer (locks the serials)");
        Write(api, "/deals/{dealId}/accept", "acceptDeal", (string dealId) => new VoucherContract.DealArgs(dealId), "Accept a deal offered to you: pays and receives in one transaction");
        Write(api, "/deals/{dealId}/close", "closeDeal", (string dealId) => new VoucherContract.DealArgs(dealId), "Decline (buyer) or withdraw (seller) a proposed deal");
        Write(api, "/quota/policies", "setQuotaPolicy", (VoucherContract.SetQuotaPolicyArgs a) => a, "Set a province's minimum weights for a year, in basis points (Regulator)");
        Write(api, "/quota/consumption", "reportConsumption", (VoucherContract.ReportConsumptionArgs a) => a, "Report an obligated entity's consumption figures for a year (GridCompany, Regulator)");
        return app;
    }

    private static void Write<TRequest>(RouteGroupBuilder api, string pattern, string method, Func<TRequest, object> toArgs, string summary)
    {
        Delegate handler = typeof(TRequest) == typeof(string)
            ? (string id, ClaimsPrincipal user, Metering.MeteringSigner signer, Node.NodeHostedService node) => SubmitAsync(user, signer, node, toArgs((TRequest)(object)id))
            : (TRequest body, ClaimsPrincipal user, Metering.MeteringSigner signer, Node.NodeHostedService node) => SubmitAsync(user, signer, node, body is null ? null : toArgs(body));
        api.MapPost(pattern, handler).WithSummary(summary)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        async Task<IResult> SubmitAsync(ClaimsPrincipal user, Metering.MeteringSigner signer, Node.NodeHostedService node, object? args)
        {
            var (certificateId, problem) = await signer.ResolveAsync(user);
            if (certificateId is null) return LedgerApi.Problem(StatusCodes.Status403Forbidden, "cannot-sign-here", problem!);
            if (args is null) return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-request", "a JSON body is required");
            var tx = await signer.SignAsync(certificateId, VoucherContract.ContractName, method, args);
            TxOutcome outcome = await (await node.Runtime).Node.SubmitAsync(tx);
            if (outcome.Refusal is { } refusal) return LedgerApi.Problem(StatusCodes.Status409Conflict, refusal.Code.ToString(), refusal.Message, outcome.TxId);
            if (outcome.Result is not { Succeeded: true } result)
                return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "refused-by-contract", outcome.Result?.Error ?? "refused", outcome.TxId);
            return TypedResults.Ok(new WriteResponse(outcome.TxId, outcome.Height, result.Output));
        }
    }

    private static async Task<IResult> TraceAsync(string serial, IVoucherQueries q)
    {
        if (!VoucherState.TryParseSerial(serial, out var number))
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-serial", "a serial is GV followed by up to 15 digits, or just the number");
        return await q.TraceAsync(number) is { } trace
            ? TypedResults.Ok(trace)
            : LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"serial {VoucherState.SerialCode(number)} has not been issued");
    }
}
