using System.Security.Claims;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Features.Cluster;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ConsortiumPortal.Features.Ledger;

/// <summary>
/// The ledger's HTTP API for member systems: submit a signed transaction (optionally waiting for its block), read
/// transactions, receipts, blocks and node status. Errors are problem details with the reason.
/// Every endpoint needs an authenticated caller (<see cref="ApiAuthentication"/>): a member system submits only
/// transactions signed by its own organisation's people and reads its own organisation's transactions; a
/// Regulator reads every organisation's. Another organisation's transaction answers 404, as if it did not exist.
/// </summary>
public static class LedgerApi
{
    /// <summary>Longest a caller may ask to wait for a commit.</summary>
    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(30);

    /// <summary>Authentication of API clients and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddLedgerApi(this WebApplicationBuilder builder)
    {
        builder.AddApiAuthentication();
        builder.Services.AddOpenApi(o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Consortium ledger API";
                document.Info.Description = "Submit SM2-signed transactions and read transactions, receipts, blocks and node status. " +
                                            "Authenticate with your organisation's API key in the X-Api-Key header (created by your OrgAdmin " +
                                            "on /organisation/api-keys), or with a portal sign-in cookie. Errors are RFC 9457 problem details.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiAuthentication.ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiAuthentication.HeaderName,
                    Description = "An organisation's API key. It may submit transactions signed by its organisation's people and read its " +
                                  "organisation's transactions (a Regulator organisation's key reads every organisation's).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiAuthentication.ApiKeyScheme, document)] = [] });
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Ledger").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/transactions", SubmitAsync)
            .WithSummary("Submit a signed transaction")
            .WithDescription("Body: {\"body\": {...}, \"signature\": \"hex\"} (docs/ledger-format.md). With wait=true the answer comes when its block " +
                             "commits (at most 30 s). The signer must belong to the caller's organisation.")
            .Accepts<JsonObject>("application/json")
            .Produces<SubmitResponse>(StatusCodes.Status200OK).Produces<SubmitResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/transactions/batch", SubmitBatchAsync)
            .WithSummary("Submit up to 1,000 signed transactions in one request")
            .WithDescription("Body: a JSON array of signed transactions. Each is admitted or refused on its own; the answer lists, in the " +
                             "order given, each one's state (committed, pending or refused with its code and reason). With wait=true it " +
                             "comes when every admitted one has committed (at most 30 s). Every signer must belong to the caller's organisation.")
            .Accepts<JsonArray>("application/json")
            .Produces<BatchResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/transactions/{txId}", GetTransactionAsync)
            .WithSummary("A transaction: committed with its result, or pending")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/receipts/{txId}", GetReceiptAsync)
            .WithSummary("The receipt (proof bundle) of a committed transaction, verifiable offline")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/blocks/{height:long}", GetBlockAsync)
            .WithSummary("A block: header, hash, header signature and its transactions with their status")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/status", GetStatusAsync).WithSummary("The node: chain, height, head, leadership, pending transactions");

        app.MapForwardingApi();                  // followers' transactions to the leader, node-signed: Features/Cluster/
        app.MapBlockSyncApi();                   // committed blocks for a node catching up, node-signed: Features/Cluster/

        // The API description and its browsable reference: public, they hold no data.
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("Consortium ledger API")).AllowAnonymous();
        return app;
    }

    public sealed record SubmitResponse(string TxId, string State, long? Height, int? Index, string? Status, string? Error);

    private static async Task<IResult> SubmitAsync(HttpRequest request, ClaimsPrincipal caller, NodeHostedService host, bool? wait, CancellationToken token)
    {
        var runtime = await host.Runtime;
        if (await ReadBodyAsync(request, SignedTransaction.MaxBodyBytes + 1024, token) is not { } body)
            return Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"a transaction is at most {SignedTransaction.MaxBodyBytes} bytes");
        SignedTransaction tx;
        try { tx = SignedTransaction.Parse(body); }
        catch (InvalidTransactionException e) { return Problem(StatusCodes.Status400BadRequest, "malformed", e.Message); }
        // A transaction already pending here is not refused for quorum loss: it may already be in a Raft log, so its
        // answer stays "pending".
        if (!runtime.Node.IsPending(tx.IdHex) && await UnavailableAsync(runtime, token) is { } unavailable)
            return Problem(StatusCodes.Status503ServiceUnavailable, unavailable.Code, unavailable.Message, tx.IdHex);
        var admission = Admit(runtime, caller, tx);
        if (admission.Refusal is { } refused) return Problem(admission.Status, refused.Code, refused.Message, tx.IdHex);
        if (wait != true) return TypedResults.Accepted($"/api/transactions/{tx.IdHex}", new SubmitResponse(tx.IdHex, "pending", null, null, null, null));
        var done = await WaitForOutcomeAsync(runtime, admission.Outcome!, token);
        if (done is null) return TypedResults.Accepted($"/api/transactions/{tx.IdHex}", new SubmitResponse(tx.IdHex, "pending", null, null, null, null));
        if (done.Refusal is { } late) return Refusal(tx.IdHex, late);
        return TypedResults.Ok(new SubmitResponse(tx.IdHex, "committed", done.Height, done.Index, done.Result!.Status, done.Result.Error));
    }

    /// <summary>Most transactions in one batch request.</summary>
    public const int MaxBatch = 1_000;

    public sealed record BatchItem(string? TxId, string State, long? Height, int? Index, string? Status, string? Error, string? Code);

    public sealed record BatchResponse(IReadOnlyList<BatchItem> Results);

    /// <summary>
    /// Many signed transactions in one request, e.g. a member system's day of meter readings or a settlement run: each is
    /// admitted (or refused with its reason) on its own, in the order given; with wait=true the answer comes when every
    /// admitted one has committed (or after 30 s, those not yet committed stay "pending"). One request instead of many
    /// saves a client and the node the HTTP and authentication work per transaction.
    /// </summary>
    private static async Task<IResult> SubmitBatchAsync(HttpRequest request, ClaimsPrincipal caller, NodeHostedService host, bool? wait, CancellationToken token)
    {
        var runtime = await host.Runtime;
        const long limit = MaxBatch * (SignedTransaction.MaxBodyBytes / 16 + 1024L);
        if (await ReadBodyAsync(request, limit, token) is not { } body)
            return Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"a batch is at most {limit} bytes");
        var items = new List<(SignedTransaction? Tx, string? Malformed)>();
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
                return Problem(StatusCodes.Status400BadRequest, "malformed", "expected a JSON array of signed transactions");
            if (json.RootElement.GetArrayLength() is 0 or > MaxBatch)
                return Problem(StatusCodes.Status400BadRequest, "batch-size", $"a batch holds 1 to {MaxBatch} transactions");
            foreach (var element in json.RootElement.EnumerateArray())
            {
                try { items.Add((SignedTransaction.FromJson(element), null)); }
                catch (InvalidTransactionException e) { items.Add((null, e.Message)); }
            }
        }
        catch (System.Text.Json.JsonException e) { return Problem(StatusCodes.Status400BadRequest, "malformed", e.Message); }
        if (items.Any(i => i.Tx is { } tx && !runtime.Node.IsPending(tx.IdHex)) && await UnavailableAsync(runtime, token) is { } unavailable)
            return Problem(StatusCodes.Status503ServiceUnavailable, unavailable.Code, unavailable.Message);

        // Admission verifies each signature: spread it over the cores.
        var admissions = new Admission?[items.Count];
        Parallel.For(0, items.Count, i => admissions[i] = items[i].Tx is { } tx ? Admit(runtime, caller, tx) : null);
        var results = new BatchItem[items.Count];
        await Task.WhenAll(Enumerable.Range(0, items.Count).Select(async i =>
        {
            if (items[i].Tx is not { } tx) { results[i] = new BatchItem(null, "refused", null, null, null, items[i].Malformed, "malformed"); return; }
            var admission = admissions[i]!;
            if (admission.Refusal is { } refused) { results[i] = new BatchItem(tx.IdHex, "refused", null, null, null, refused.Message, refused.Code); return; }
            var done = wait == true ? await WaitForOutcomeAsync(runtime, admission.Outcome!, token) : null;
            results[i] = done switch
            {
                null => new BatchItem(tx.IdHex, "pending", null, null, null, null, null),
                { Refusal: { } late } => new BatchItem(tx.IdHex, "refused", null, null, null, late.Message, late.Code),
                _ => new BatchItem(tx.IdHex, "committed", done.Height, done.Index, done.Result!.Status, done.Result.Error, null),
            };
        }));
        return TypedResults.Ok(new BatchResponse(results));
    }

    /// <summary>The request body, or null when it exceeds <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken token)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, token)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>One transaction's admission: refused at once (with the HTTP status that reason maps to), or admitted and waiting for its block.</summary>
    private sealed record Admission(Task<TxOutcome>? Outcome, AdmissionError? Refusal, int Status);

    private static Admission Admit(NodeRuntime runtime, ClaimsPrincipal caller, SignedTransaction tx)
    {
        var signerOrganisation = ApiAuthentication.OrganisationOf(tx.Body.Signer);
        if (signerOrganisation != caller.OrganisationId())
            return new(null, new("wrong-organisation",
                $"the transaction is signed by \"{tx.Body.Signer}\" of organisation \"{signerOrganisation}\"; this caller acts for \"{caller.OrganisationId()}\""),
                StatusCodes.Status403Forbidden);
        var outcome = runtime.Node.SubmitAsync(tx);
        if (!outcome.IsCompleted || outcome.Result.Refusal is not { } refused) return new(outcome, null, 0);
        // A node still replaying the chain may not know a certificate the consortium already has: that is "not yet",
        // not "never", so the client is told to retry instead of being told the signer is unknown.
        if (refused.Code == "unknown-signer" && runtime.IsConsortium && !Cluster.ClusterHealth.Of(runtime.Node.ClusterStatus()).Ready)
            return new(null, new("not-caught-up",
                $"this node is still catching up with the consortium and does not know \"{tx.Body.Signer}\" yet; the transaction was not accepted: retry in a moment or at another node"),
                StatusCodes.Status503ServiceUnavailable);
        return new(null, refused, StatusOf(refused));
    }

    /// <summary>
    /// Quorum lost (several nodes, a majority unreachable): nothing can commit, so refuse before admitting (a refused
    /// transaction is in no mempool and can never commit later). Null when the consortium can commit.
    /// </summary>
    private static async Task<AdmissionError?> UnavailableAsync(NodeRuntime runtime, CancellationToken token)
    {
        if (!runtime.IsConsortium) return null;
        if (runtime.Node.IsLeader && runtime.Node.ReplicationStalled)
            return new("quorum-lost", "this node leads but cannot reach a majority of the consortium's nodes, so nothing commits; the transaction was not accepted: retry later");
        // A follower forwards to the leader; with no leader it cannot promise anything: say so at once.
        if (!runtime.Node.IsLeader && !await LeaderKnownAsync(runtime, token))
            return new("no-leader", "the consortium has no leader right now (a majority of its nodes is unreachable); the transaction was not accepted: retry later");
        return null;
    }

    /// <summary>How long an admitted transaction waits while nothing can commit (no leader, or a leader without quorum).</summary>
    private static readonly TimeSpan QuorumWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The outcome of an admitted transaction, or null ("pending") after <see cref="CommitWait"/>, or sooner when the
    /// consortium has been unable to commit for <see cref="QuorumWait"/>: the transaction stays pending (it may already
    /// be in a Raft log and commit once a majority is back), and the caller is told so instead of waiting 30 s.
    /// </summary>
    private static async Task<TxOutcome?> WaitForOutcomeAsync(NodeRuntime runtime, Task<TxOutcome> outcome, CancellationToken token)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long unavailableSince = 0;
        while (true)
        {
            var left = CommitWait - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return null;
            try { return await outcome.WaitAsync(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250), token); }
            catch (TimeoutException) { }
            catch (Exception) when (!token.IsCancellationRequested) { return null; }
            if (!runtime.IsConsortium || runtime.Node.CanCommit) unavailableSince = 0;
            else if (unavailableSince == 0) unavailableSince = System.Diagnostics.Stopwatch.GetTimestamp();
            else if (System.Diagnostics.Stopwatch.GetElapsedTime(unavailableSince) >= QuorumWait) return null;
        }
    }

    /// <summary>Whether a leader (another node) is known; the leader's URL arrives with its Raft metadata, so wait a moment (at most 3 s) for it.</summary>
    private static async Task<bool> LeaderKnownAsync(NodeRuntime runtime, CancellationToken token)
    {
        for (var i = 0; i < 30; i++)
        {
            if (runtime.Node.IsLeader || runtime.Node.CanCommit) return true;
            await Task.Delay(100, token);
        }
        return false;
    }

    private static IResult Refusal(string txId, AdmissionError error) => Problem(StatusOf(error), error.Code, error.Message, txId);

    private static int StatusOf(AdmissionError error) => error.Code switch
    {
        "duplicate" => StatusCodes.Status409Conflict,
        "busy" or "halted" or "no-leader" or "quorum-lost" => StatusCodes.Status503ServiceUnavailable,
        "unknown-signer" or "revoked" or "bad-signature" => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The caller's own organisation's transactions, or every one for a Regulator.</summary>
    private static bool MayRead(ClaimsPrincipal caller, SignedTransaction tx) =>
        caller.ReadsEveryOrganisation() || ApiAuthentication.OrganisationOf(tx.Body.Signer) == caller.OrganisationId();

    private static async Task<IResult> GetTransactionAsync(string txId, ClaimsPrincipal caller, NodeHostedService host)
    {
        var runtime = await host.Runtime;
        // A pending transaction's id is known only to whoever holds the signed transaction, so "pending" reveals nothing new.
        if (runtime.Ledger.Store.GetTransaction(txId) is not { } stored)
            return runtime.Node.IsPending(txId)
                ? TypedResults.Ok(new SubmitResponse(txId, "pending", null, null, null, null))
                : Problem(StatusCodes.Status404NotFound, "not-found", $"no transaction {txId}");
        if (!MayRead(caller, stored.Transaction)) return Problem(StatusCodes.Status404NotFound, "not-found", $"no transaction {txId}");
        return TypedResults.Ok(new
        {
            txId, state = "committed", height = stored.Height, index = stored.Index,
            transaction = JsonNode.Parse(stored.Transaction.ToJson()), result = JsonNode.Parse(stored.Result.ToCanonicalBytes()),
        });
    }

    private static async Task<IResult> GetReceiptAsync(string txId, ClaimsPrincipal caller, NodeHostedService host)
    {
        var runtime = await host.Runtime;
        if (runtime.Ledger.Store.GetTransaction(txId) is { } stored && !MayRead(caller, stored.Transaction))
            return Problem(StatusCodes.Status404NotFound, "not-found", $"no committed transaction {txId}");
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
        var raft = runtime.Node.ClusterStatus().Raft;
        return TypedResults.Ok(new
        {
            chainId = ledger.ChainId, genesisHash = ledger.GenesisHash, height = ledger.Height, headHash = ledger.Store.HeadHash,
            nodeId = runtime.Identity.NodeId, isLeader = runtime.Node.IsLeader, pending = runtime.Node.PendingCount, halted = runtime.Node.HaltReason,
            leader = runtime.Node.LeaderId, raftTerm = raft.Term, raftMembers = raft.Members.Count,
        });
    }

    internal static ProblemHttpResult Problem(int status, string code, string detail, string? txId = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: code, type: $"urn:consortium-portal:problem:{code}",
            extensions: txId is null ? null : new Dictionary<string, object?> { ["txId"] = txId });
}
