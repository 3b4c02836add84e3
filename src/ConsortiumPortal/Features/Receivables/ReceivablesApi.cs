using System.Security.Claims;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Features.Settlement;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Features.Receivables;

/// <summary>
/// /api/receivables: vouchers issued, held and financed, a voucher with its lineage tree and the ratings a bank weighs,
/// financing requests and quotes, the maturity calendar and settlement reports; and every write (issue, accept, reject,
/// cancel, split, transfer, accept/decline a transfer, apply for financing, quote, decline, withdraw, accept a quote,
/// settle). Amounts are integer fen, times ms since the Unix epoch (UTC). Bad bodies answer 400, a contract's refusal
/// 422 with its reason and the transaction id; a voucher the caller may not see is 404.
/// </summary>
public static class ReceivablesApi
{
    public sealed record IssueBody(string Supplier, long FaceFen, long MaturityAt, string Contract, string Invoice, long MinSplitFen = 0, string? Memo = null);
    public sealed record SplitBody(long[] Amounts);
    public sealed record TransferBody(string To);
    public sealed record ApplyBody(string Bank);
    public sealed record QuoteBody(long DiscountBps, long ValidUntil);
    public sealed record NoteBody(string? Note = null);
    public sealed record SettleBody(string[] RootIds);

    public static IEndpointRouteBuilder MapReceivablesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/receivables").WithTags("Receivables").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/vouchers", ListAsync)
            .WithSummary("Vouchers, paged: view=issued|held|financed|all, status, q (id, organisation, memo, invoice hash), sortBy=id|face|maturity|status, descending, skip, take");
        api.MapGet("/vouchers/{voucherId}", DetailAsync)
            .WithSummary("A voucher with its whole lineage tree, its financing requests, the issuer's and holder's credit ratings and its settlement report")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/vouchers", (IssueBody b, ClaimsPrincipal u, IReceivablesActions s) =>
                WriteAsync(() => s.SubmitAsync(u, "issue", ReceivablesService.Issue(b.Supplier, b.FaceFen, b.MaturityAt, b.Contract, b.Invoice, b.MinSplitFen, b.Memo))))
            .WithSummary("Issue a voucher to a supplier (GridCompany): face in fen, maturity, contract and invoice (SM3 hash, or a number that is hashed), minimum split");
        Voucher(api, "accept", "acceptIssue", "Accept a voucher issued to your organisation (the named supplier)");
        Voucher(api, "reject", "rejectIssue", "Reject a voucher issued to your organisation");
        Voucher(api, "cancel", "cancelIssue", "Cancel a voucher your organisation issued, before the supplier accepts it");
        Voucher(api, "accept-transfer", "acceptTransfer", "Accept a voucher offered to your organisation");
        Voucher(api, "decline-transfer", "declineTransfer", "Decline an offer (receiver) or withdraw it (holder)");
        Voucher(api, "pay-overdue", "payOverdue", "Pay what a part was left owing at maturity (the issuer; recorded as a late payment)");
        api.MapPost("/vouchers/{voucherId}/split", (string voucherId, SplitBody b, ClaimsPrincipal u, IReceivablesActions s) =>
                WriteAsync(() => s.SubmitAsync(u, "split", new SplitArgs(voucherId, b.Amounts ?? []))))
            .WithSummary("Split a held voucher into 2..20 parts (fen), each at least the minimum, summing exactly to its face amount");
        api.MapPost("/vouchers/{voucherId}/transfer", (string voucherId, TransferBody b, ClaimsPrincipal u, IReceivablesActions s) =>
                WriteAsync(() => s.SubmitAsync(u, "transfer", new TransferArgs(voucherId, b.To))))
            .WithSummary("Offer a held voucher to a supplier organisation; it moves when the receiver accepts");
        api.MapPost("/vouchers/{voucherId}/financing", (string voucherId, ApplyBody b, ClaimsPrincipal u, IReceivablesActions s) =>
                WriteAsync(() => s.SubmitAsync(u, "applyFinancing", new ApplyArgs(voucherId, b.Bank))))
            .WithSummary("Apply to a bank to discount a held voucher");

        api.MapGet("/financing", async (ClaimsPrincipal u, IReceivablesQueries q, FinancingStatus? status) => TypedResults.Ok(await q.FinancingRequestsAsync(u, status)))
            .WithSummary("Financing requests your organisation made or (a bank) received, newest first; status=Applied|Quoted|Financed|Withdrawn|Declined");
        api.MapPost("/financing/{requestId}/quote", (string requestId, QuoteBody b, ClaimsPrincipal u, IReceivablesActions s) =>
                WriteAsync(() => s.SubmitAsync(u, "quote", new QuoteArgs(requestId, b.DiscountBps, b.ValidUntil))))
            .WithSummary("Quote a discount rate (basis points a year, 360-day year) valid until a time (the bank applied to)");
        Request(api, "decline", "declineFinancing", "Decline a financing request (the bank applied to)");
        Request(api, "withdraw", "withdrawFinancing", "Withdraw your financing request (the applicant)");
        Request(api, "accept", "acceptQuote", "Accept the bank's quote: the bank pays the proceeds and the voucher is assigned to it (the applicant)");

        api.MapGet("/calendar", async (ClaimsPrincipal u, IReceivablesQueries q) => TypedResults.Ok(await q.CalendarAsync(u)))
            .WithSummary("Unsettled root vouchers you may see, by maturity day (UTC) with the amount due");
        api.MapGet("/reports", async (ClaimsPrincipal u, IReceivablesQueries q) => TypedResults.Ok(await q.ReportsAsync(u)))
            .WithSummary("Settlement reports (what was due, paid to whom, overdue) of roots your organisation issued, held or financed");
        api.MapPost("/settlements", (SettleBody b, ClaimsPrincipal u, IReceivablesActions s) =>
                WriteAsync(() => s.SubmitAsync(u, "settle", new SettleArgs(b.RootIds ?? []))))
            .WithSummary("Settle matured root vouchers in one batch: the issuer pays every current beneficiary (the maturity job does this on its own)");
        return app;
    }

    private static void Voucher(RouteGroupBuilder api, string path, string method, string summary) =>
        api.MapPost($"/vouchers/{{voucherId}}/{path}", (string voucherId, ClaimsPrincipal u, IReceivablesActions s) =>
            WriteAsync(() => s.SubmitAsync(u, method, new VoucherArgs(voucherId)))).WithSummary(summary);

    private static void Request(RouteGroupBuilder api, string path, string method, string summary) =>
        api.MapPost($"/financing/{{requestId}}/{path}", (string requestId, NoteBody? b, ClaimsPrincipal u, IReceivablesActions s) =>
            WriteAsync(() => s.SubmitAsync(u, method, new RequestArgs(requestId, b?.Note)))).WithSummary(summary);

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, IReceivablesQueries queries, string? view, VoucherStatus? status, string? q,
        string? sortBy, bool? descending, int? skip, int? take)
    {
        if (!Enum.TryParse<VoucherView>(view ?? "all", ignoreCase: true, out var v))
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-input", "view must be issued, held, financed or all");
        var page = await queries.VouchersAsync(user, new VoucherQuery(v, skip ?? 0, take ?? 25, q, status, sortBy, descending ?? false));
        return TypedResults.Ok(new { total = page.Total, items = page.Items });
    }

    private static async Task<IResult> DetailAsync(string voucherId, ClaimsPrincipal user, IReceivablesQueries queries) =>
        await queries.DetailAsync(user, voucherId) is { } detail
            ? TypedResults.Ok(detail)
            : LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"no voucher \"{voucherId}\" you may see");

    private static async Task<IResult> WriteAsync(Func<Task<TxOutcome>> write)
    {
        try { return WriteResults.From(await write()); }
        catch (ReceivablesInputException e) { return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-input", e.Message); }
    }
}
