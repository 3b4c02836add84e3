using System.Security.Claims;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Mvc;

namespace ConsortiumPortal.Features.Evidence;

/// <summary>
/// /api/evidence: anchor documents (a file, sealed on this node, or only its hash), sign them, follow their versions,
/// inspection reports and supplier scores, qualifications and work tickets. Verification by hash or file is public:
/// what the ledger holds about a document (hashes, labels, signatures) is shown to anyone who knows its hash, the
/// file itself only to its parties and the Regulator. Errors are problem details; a contract's refusal is a 422 with
/// its reason and the transaction id.
/// </summary>
public static class EvidenceApi
{
    public sealed record AnchorBody(string Hash, string Type, string Title, string[] Parties, string[] RequiredSigners, string? ContractNumber = null,
        string? MeterNumber = null, string? AccountNumber = null, string? EffectiveFrom = null, string? EffectiveTo = null, string? PreviousVersion = null);
    public sealed record AccreditBody(string OrganisationId, string LabName, string[] Categories);
    public sealed record InspectionBody(string Hash, string Supplier, string Category, string BatchNumber, bool Passed, string Title);
    public sealed record QualificationBody(string CertificateId, string Qualification);
    public sealed record TicketBody(string TicketNumber, string Title, string Location, string WorkLeader, string? DocumentHash = null);
    public sealed record StepBody(string Step, string? Note = null);

    public static IEndpointRouteBuilder MapEvidenceApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/api/evidence").WithTags("Evidence").AllowAnonymous();
        open.MapGet("/verify/{hash}", VerifyHashAsync).WithSummary("Verify a document by its SM3 hash (no sign-in): anchored or not, by whom, when, where, signatures, versions");
        open.MapPost("/verify", VerifyFileAsync).WithSummary("Verify a document by uploading it (multipart field \"file\", no sign-in): its SM3 hash is computed and looked up")
            .DisableAntiforgery();
        open.MapGet("/documents/{hash}/receipts/{txId}", ReceiptAsync)
            .WithSummary("The receipt (offline proof bundle) of a document's anchoring or signing transaction (no sign-in)");

        var api = app.MapGroup("/api/evidence").WithTags("Evidence").RequireAuthorization(ApiAuthentication.Policy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/documents", ListAsync).WithSummary("Documents your organisation is a party of (every one for the Regulator), paged");
        api.MapPost("/documents", AnchorHashAsync).WithSummary("Anchor a document by its hash; the file stays with its owner");
        api.MapPost("/documents/upload", AnchorFileAsync).DisableAntiforgery()
            .WithSummary("Anchor a document by uploading it (multipart: file, type, title, parties, requiredSigners, contractNumber, meterNumber, accountNumber, effectiveFrom, effectiveTo, previousVersion, keepOnNode); the file is sealed with SM4 on this node unless keepOnNode=false");
        api.MapGet("/documents/{hash}", DocumentAsync).WithSummary("A document's on-chain record with its transactions' blocks and its version history");
        api.MapGet("/documents/{hash}/versions", VersionsAsync).WithSummary("A document's version history, oldest first");
        api.MapGet("/documents/{hash}/content", ContentAsync).WithSummary("The document's file, for its parties and the Regulator, when this node keeps it");
        api.MapPost("/documents/{hash}/signatures", SignAsync).WithSummary("Sign the document's hash for your organisation (a required signer)");

        api.MapGet("/labs", async (EvidenceQueries q) => TypedResults.Ok(await q.LabsAsync())).WithSummary("Testing laboratories accredited by the Regulator");
        api.MapPost("/labs", AccreditAsync).WithSummary("Accredit an organisation as a testing laboratory (Regulator)");
        api.MapDelete("/labs/{organisationId}", WithdrawAsync).WithSummary("Withdraw a laboratory's accreditation (Regulator)");
        api.MapPost("/inspections", InspectHashAsync).WithSummary("Anchor an inspection report of a supplier's batch by its hash (accredited laboratory)");
        api.MapPost("/inspections/upload", InspectFileAsync).DisableAntiforgery()
            .WithSummary("Anchor an inspection report by uploading it (multipart: file, supplier, category, batchNumber, passed, title)");
        api.MapGet("/suppliers", async (EvidenceQueries q) => TypedResults.Ok(await q.SuppliersAsync())).WithSummary("Every inspected supplier's pass/fail counts and score");
        api.MapGet("/suppliers/{organisationId}", SupplierAsync).WithSummary("A supplier's scores per product category and its inspection history");

        api.MapGet("/qualifications", QualificationsAsync).WithSummary("Qualified people of your organisation (every organisation's for the Regulator)");
        api.MapPost("/qualifications", GrantAsync).WithSummary("Grant a person of your organisation a work-ticket qualification (OrgAdmin)");
        api.MapPost("/qualifications/revoke", RevokeAsync).WithSummary("Revoke a person's work-ticket qualification (OrgAdmin)");
        api.MapGet("/tickets", TicketsAsync).WithSummary("Work tickets of your organisation or led by its people (every one for the Regulator), paged");
        api.MapPost("/tickets", IssueTicketAsync).WithSummary("Issue a work ticket (a ticket issuer)");
        api.MapGet("/tickets/{ticketId}", TicketAsync).WithSummary("A work ticket and its signed steps");
        api.MapPost("/tickets/{ticketId}/steps", StepAsync).WithSummary("Sign the ticket's next step (issued, safety-measures-done, work-started, work-finished, closed)");
        return app;
    }

    // ---- verification (anonymous) -----------------------------------------------------------------------------

    private static async Task<IResult> VerifyHashAsync(string hash, EvidenceQueries queries)
    {
        string normalised;
        try { normalised = EvidenceService.NormaliseHash(hash) ?? throw new EvidenceInputException("a hash is required"); }
        catch (EvidenceInputException e) { return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-hash", e.Message); }
        return TypedResults.Ok(await VerificationAsync(queries, normalised));
    }

    private static async Task<IResult> VerifyFileAsync(HttpRequest request, EvidenceQueries queries, CancellationToken token)
    {
        var (file, _, error) = await ReadUploadAsync(request, token);
        if (error is not null) return error;
        if (file is null) return LedgerApi.Problem(StatusCodes.Status400BadRequest, "no-file", "send the document as multipart field \"file\"");
        return TypedResults.Ok(await VerificationAsync(queries, DocumentStore.HashOf(file.Content)));
    }

    /// <summary>The public verification answer: everything on chain about the hash, never the file.</summary>
    public static async Task<JsonObject> VerificationAsync(EvidenceQueries queries, string hash)
    {
        var view = await queries.ViewAsync(hash);
        if (view is null) return new JsonObject { ["hash"] = hash, ["anchored"] = false };
        var r = view.Record;
        var json = new JsonObject
        {
            ["hash"] = hash, ["anchored"] = true, ["type"] = r.Type, ["status"] = r.Status.ToString(), ["owner"] = r.Owner,
            ["labels"] = Node(r.Labels), ["custody"] = r.Custody, ["version"] = r.Version, ["previousVersion"] = r.PreviousVersion, ["nextVersion"] = r.NextVersion,
            ["requiredSigners"] = Node(r.RequiredSigners),
            ["anchor"] = new JsonObject
            {
                ["by"] = r.AnchoredBy, ["at"] = r.AnchoredAt, ["txId"] = r.AnchoredTxId, ["height"] = r.AnchoredHeight, ["blockHash"] = view.Anchor?.BlockHash,
                ["receipt"] = $"/api/evidence/documents/{hash}/receipts/{r.AnchoredTxId}",
            },
            ["signatures"] = new JsonArray(view.Signatures.Select(s => (JsonNode)new JsonObject
            {
                ["organisationId"] = s.Signature.OrganisationId, ["certificateId"] = s.Signature.CertificateId, ["signedAt"] = s.Signature.SignedAt,
                ["txId"] = s.Signature.TxId, ["height"] = s.Signature.Height, ["blockHash"] = s.Location?.BlockHash,
                ["receipt"] = $"/api/evidence/documents/{hash}/receipts/{s.Signature.TxId}",
            }).ToArray()),
            ["history"] = Node(view.History),
        };
        return json;
    }

    private static async Task<IResult> ReceiptAsync(string hash, string txId, EvidenceQueries queries, NodeHostedService host)
    {
        // Only the document's own transactions: the hash is the key to them, not to anything else on the ledger.
        var record = await queries.DocumentAsync(hash.ToLowerInvariant());
        if (record is null || (record.AnchoredTxId != txId && record.Signatures.All(s => s.TxId != txId)))
            return LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"transaction {txId} is not a transaction of document {hash}");
        var receipt = (await host.Runtime).Ledger.GetReceipt(txId);
        return receipt is null
            ? LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"no committed transaction {txId}")
            : Results.Text(receipt.ToJson(), "application/json");
    }

    // ---- documents --------------------------------------------------------------------------------------------

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, EvidenceQueries queries, int? skip, int? take, string? search, string? type, string? status,
        string? sortBy, bool? descending)
    {
        var page = await queries.DocumentsAsync(user, skip ?? 0, take ?? 25, search, type, status, sortBy, descending ?? true);
        return TypedResults.Ok(new { total = page.Total, items = page.Items });
    }

    private static async Task<IResult> AnchorHashAsync(AnchorBody body, ClaimsPrincipal user, EvidenceService service, EvidenceQueries queries)
    {
        var request = new AnchorRequest(body.Type, body.Title, body.Parties, body.RequiredSigners, body.ContractNumber, body.MeterNumber, body.AccountNumber,
            body.EffectiveFrom, body.EffectiveTo, body.PreviousVersion, KeepOnNode: false);
        return await WriteAsync(() => service.AnchorAsync(user, request, body.Hash, null));
    }

    private static async Task<IResult> AnchorFileAsync(HttpRequest request, ClaimsPrincipal user, EvidenceService service, CancellationToken token)
    {
        var (file, form, error) = await ReadUploadAsync(request, token);
        if (error is not null) return error;
        if (file is null) return LedgerApi.Problem(StatusCodes.Status400BadRequest, "no-file", "send the document as multipart field \"file\"");
        var anchor = new AnchorRequest(form!["type"].ToString(), form["title"].ToString(), List(form["parties"]), List(form["requiredSigners"]),
            form["contractNumber"], form["meterNumber"], form["accountNumber"], form["effectiveFrom"], form["effectiveTo"], form["previousVersion"],
            KeepOnNode: !string.Equals(form["keepOnNode"], "false", StringComparison.OrdinalIgnoreCase));
        return await WriteAsync(() => service.AnchorAsync(user, anchor, form["hash"].ToString() is { Length: > 0 } h ? h : null, file, token));
    }

    private static async Task<IResult> DocumentAsync(string hash, EvidenceQueries queries, ClaimsPrincipal user)
    {
        if (await queries.DocumentAsync(hash.ToLowerInvariant()) is not { } record)
            return LedgerApi.Problem(StatusCodes.Status404NotFound, "not-anchored", $"no document with hash {hash} is anchored");
        var json = await VerificationAsync(queries, record.Hash);
        json["mayDownload"] = EvidenceQueries.MayReadContents(user, record);
        json["storedOnThisNode"] = (await queries.ViewAsync(record.Hash))!.StoredOnThisNode;
        return TypedResults.Ok(json);
    }

    private static async Task<IResult> VersionsAsync(string hash, EvidenceQueries queries) =>
        await queries.DocumentAsync(hash.ToLowerInvariant()) is { } record
            ? TypedResults.Ok(await queries.HistoryAsync(record))
            : LedgerApi.Problem(StatusCodes.Status404NotFound, "not-anchored", $"no document with hash {hash} is anchored");

    private static async Task<IResult> ContentAsync(string hash, ClaimsPrincipal user, EvidenceQueries queries, DocumentStore store, CancellationToken token)
    {
        var record = await queries.DocumentAsync(hash.ToLowerInvariant());
        // Not a party: answer as if there were no file, so the endpoint does not confirm what it keeps.
        if (record is null || !EvidenceQueries.MayReadContents(user, record))
            return LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", "no document file you may read has this hash");
        StoredDocument? file;
        try { file = await store.OpenAsync(record.Hash, token); }
        catch (CryptographicFailure)
        {
            return LedgerApi.Problem(StatusCodes.Status500InternalServerError, "store-integrity",
                "this node's sealed copy of the document fails its integrity check (tampered with on disk); it is not served");
        }
        return file is null
            ? LedgerApi.Problem(StatusCodes.Status404NotFound, "kept-by-owner", "this node does not keep the file: it is kept by its owner (only its hash is anchored)")
            : TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private static Task<IResult> SignAsync(string hash, ClaimsPrincipal user, EvidenceService service) => WriteAsync(() => service.SignAsync(user, hash));

    // ---- laboratories, inspections, suppliers -------------------------------------------------------------------

    private static Task<IResult> AccreditAsync(AccreditBody body, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.AccreditAsync(user, body.OrganisationId, body.LabName, body.Categories));

    private static Task<IResult> WithdrawAsync(string organisationId, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.WithdrawAccreditationAsync(user, organisationId));

    private static Task<IResult> InspectHashAsync(InspectionBody body, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.InspectAsync(user, body.Hash, null, body.Supplier, body.Category, body.BatchNumber, body.Passed, body.Title));

    private static async Task<IResult> InspectFileAsync(HttpRequest request, ClaimsPrincipal user, EvidenceService service, CancellationToken token)
    {
        var (file, form, error) = await ReadUploadAsync(request, token);
        if (error is not null) return error;
        if (file is null) return LedgerApi.Problem(StatusCodes.Status400BadRequest, "no-file", "send the report as multipart field \"file\"");
        if (!bool.TryParse(form!["passed"], out var passed)) return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-input", "passed must be true or false");
        return await WriteAsync(() => service.InspectAsync(user, null, file, form["supplier"].ToString(), form["category"].ToString(), form["batchNumber"].ToString(),
            passed, form["title"].ToString(), token));
    }

    private static async Task<IResult> SupplierAsync(string organisationId, EvidenceQueries queries) =>
        await queries.SupplierAsync(organisationId) is { } history
            ? TypedResults.Ok(history)
            : LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"no inspection of \"{organisationId}\" is anchored");

    // ---- qualifications and work tickets ----------------------------------------------------------------------

    private static async Task<IResult> QualificationsAsync(ClaimsPrincipal user, EvidenceQueries queries) =>
        TypedResults.Ok(await queries.QualifiedPeopleAsync(user.ReadsEveryOrganisation() ? null : Identity.ClaimsPrincipalExtensions.OrganisationId(user)));

    private static Task<IResult> GrantAsync(QualificationBody body, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.GrantQualificationAsync(user, body.CertificateId, body.Qualification));

    private static Task<IResult> RevokeAsync(QualificationBody body, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.RevokeQualificationAsync(user, body.CertificateId, body.Qualification));

    private static async Task<IResult> TicketsAsync(ClaimsPrincipal user, EvidenceQueries queries, int? skip, int? take, string? state, string? search)
    {
        var page = await queries.TicketsAsync(user, skip ?? 0, take ?? 25, state, search);
        return TypedResults.Ok(new { total = page.Total, items = page.Items });
    }

    private static Task<IResult> IssueTicketAsync(TicketBody body, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.IssueTicketAsync(user, body.TicketNumber, body.Title, body.Location, body.WorkLeader, body.DocumentHash));

    private static async Task<IResult> TicketAsync(string ticketId, ClaimsPrincipal user, EvidenceQueries queries) =>
        await queries.TicketAsync(ticketId) is { } ticket && EvidenceQueries.MayReadTicket(user, ticket)
            ? TypedResults.Ok(ticket)
            : LedgerApi.Problem(StatusCodes.Status404NotFound, "not-found", $"no work ticket \"{ticketId}\" you may read");

    private static Task<IResult> StepAsync(string ticketId, StepBody body, ClaimsPrincipal user, EvidenceService service) =>
        WriteAsync(() => service.SignTicketStepAsync(user, ticketId, body.Step, body.Note));

    // ---- shared ----------------------------------------------------------------------------------------------

    private static async Task<IResult> WriteAsync(Func<Task<TxOutcome>> write)
    {
        try { return WriteResults.From(await write()); }
        catch (EvidenceInputException e) { return LedgerApi.Problem(StatusCodes.Status400BadRequest, "bad-input", e.Message); }
    }

    private static async Task<(StoredDocument? File, IFormCollection? Form, IResult? Error)> ReadUploadAsync(HttpRequest request, CancellationToken token)
    {
        if (!request.HasFormContentType) return (null, null, LedgerApi.Problem(StatusCodes.Status415UnsupportedMediaType, "multipart-expected", "send multipart/form-data"));
        if (request.ContentLength > DocumentStore.MaxBytes + 64 * 1024)
            return (null, null, LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"a document is at most {DocumentStore.MaxBytes / (1024 * 1024)} MiB"));
        var form = await request.ReadFormAsync(token);
        if (form.Files.GetFile("file") is not { } upload) return (null, form, null);
        if (upload.Length > DocumentStore.MaxBytes)
            return (null, form, LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"a document is at most {DocumentStore.MaxBytes / (1024 * 1024)} MiB"));
        using var buffer = new MemoryStream();
        await upload.CopyToAsync(buffer, token);
        var name = Path.GetFileName(upload.FileName);
        return (new StoredDocument(string.IsNullOrWhiteSpace(name) ? "document" : name, string.IsNullOrWhiteSpace(upload.ContentType) ? "application/octet-stream" : upload.ContentType,
            buffer.ToArray()), form, null);
    }

    private static string[] List(Microsoft.Extensions.Primitives.StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    private static JsonNode? Node<T>(T value) => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(value, Chain.Encoding.CanonicalJson.SerializerOptions));
}
