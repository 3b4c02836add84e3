using System.Text.Json.Nodes;
using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConsortiumPortal.Features.Ledger;

/// <summary>
/// The ledger's HTTP API for member systems: submit a signed transaction (optionally waiting for its block), read
/// transactions, receipts, blocks and node status. Errors are problem details with the reason.
/// </summary>
public static class LedgerApi
{
    /// <summary>Longest a caller may ask to wait for a commit.</summary>
    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(30);

    /// <summary>Authentication of API clients and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddLedgerApi(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Ledger");
        api.MapPost("/transactions", SubmitAsync);
        api.MapGet("/transactions/{txId}", GetTransactionAsync);
        api.MapGet("/receipts/{txId}", GetReceiptAsync);
        api.MapGet("/blocks/{height:long}", GetBlockAsync);
        api.MapGet("/status", GetStatusAsync);
        return app;
    }

    public sealed record SubmitResponse(string TxId, string State, long? Height, int? Index, string? Status, string? Error);

    private static async Task<IResult> SubmitAsync(HttpRequest request, NodeHostedService host, bool? wait, CancellationToken token)
    {
        var runtime = await host.Runtime;
        if (request.ContentLength > SignedTransaction.MaxBodyBytes + 1024)
            return Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"a transaction is at most {SignedTransaction.MaxBodyBytes} bytes");
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var limit = SignedTransaction.MaxBodyBytes + 1024;
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, token)) > 0)
            {
                if (buffer.Length + read > limit)
                    return Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"a transaction is at most {SignedTransaction.MaxBodyBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
        }
        SignedTransaction tx;
        try { tx = SignedTransaction.Parse(body); }
        catch (InvalidTransactionException e) { return Problem(StatusCodes.Status400BadRequest, "malformed", e.Message); }

        var outcome = runtime.Node.SubmitAsync(tx);
        if (outcome.IsCompleted && outcome.Result.Refusal is { } refused) return Refusal(tx.IdHex, refused);
        if (wait != true) return TypedResults.Accepted($"/api/transactions/{tx.IdHex}", new SubmitResponse(tx.IdHex, "pending", null, null, null, null));
        var done = await outcome.WaitAsync(CommitWait, token).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        if (done is null) return TypedResults.Accepted($"/api/transactions/{tx.IdHex}", new SubmitResponse(tx.IdHex, "pending", null, null, null, null));
        if (done.Refusal is { } late) return Refusal(tx.IdHex, late);
        return TypedResults.Ok(new SubmitResponse(tx.IdHex, "committed", done.Height, done.Index, done.Result!.Status, done.Result.Error));
    }

    private static IResult Refusal(string txId, AdmissionError error)
    {
        var status = error.Code switch
        {
            "duplicate" => StatusCodes.Status409Conflict,
            "busy" or "halted" => StatusCodes.Status503ServiceUnavailable,
            "unknown-signer" or "revoked" or "bad-signature" => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status400BadRequest,
        };
        return Problem(status, error.Code, error.Message, txId);
    }

    private static async Task<IResult> GetTransactionAsync(string txId, NodeHostedService host)
    {
        var runtime = await host.Runtime;
        if (runtime.Ledger.Store.GetTransaction(txId) is not { } stored)
            return runtime.Node.IsPending(txId)
                ? TypedResults.Ok(new SubmitResponse(txId, "pending", null, null, null, null))
                : Problem(StatusCodes.Status404NotFound, "not-found", $"no transaction {txId}");
        return TypedResults.Ok(new
        {
            txId, state = "committed", height = stored.Height, index = stored.Index,
            transaction = JsonNode.Parse(stored.Transaction.ToJson()), result = JsonNode.Parse(stored.Result.ToCanonicalBytes()),
        });
    }

    private static async Task<IResult> GetReceiptAsync(string txId, NodeHostedService host)
    {
        var runtime = await host.Runtime;
        return runtime.Ledger.GetReceipt(txId) is { } receipt
            ? Results.Text(receipt.ToJson(), "application/json")
            : Problem(StatusCodes.Status404NotFound, "not-found", $"no committed transaction {txId}");
    }

    private static async Task<IResult> GetBlockAsync(long height, NodeHostedService host)
    {
        var runtime = await host.Runtime;
        if (runtime.Ledger.Store.GetBlock(height) is not { } stored) return Problem(StatusCodes.Status404NotFound, "not-found", $"no block at height {height}");
        var (block, hash, results) = stored;
        return TypedResults.Ok(new
        {
            hash, header = JsonNode.Parse(block.Header.ToCanonicalBytes()), headerSignature = Hex.Encode(block.HeaderSignature),
            transactions = block.Transactions.Select((t, i) => new
            {
                txId = t.IdHex, signer = t.Body.Signer, contract = t.Body.Contract, method = t.Body.Method,
                status = results[i].Status, error = results[i].Error,
            }),
        });
    }

    private static async Task<IResult> GetStatusAsync(NodeHostedService host)
    {
        var runtime = await host.Runtime;
        var ledger = runtime.Ledger;
        return TypedResults.Ok(new
        {
            chainId = ledger.ChainId, genesisHash = ledger.GenesisHash, height = ledger.Height, headHash = ledger.Store.HeadHash,
            nodeId = runtime.Identity.NodeId, isLeader = runtime.Node.IsLeader, pending = runtime.Node.PendingCount, halted = runtime.Node.HaltReason,
        });
    }

    private static ProblemHttpResult Problem(int status, string code, string detail, string? txId = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: code, type: $"urn:consortium-portal:problem:{code}",
            extensions: txId is null ? null : new Dictionary<string, object?> { ["txId"] = txId });
}
