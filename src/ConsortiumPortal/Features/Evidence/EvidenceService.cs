using System.Security.Claims;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Evidence;

/// <summary>What a person asks for when anchoring a document (the labels that go on chain, and where the file stays).</summary>
public sealed record AnchorRequest(
    string Type, string Title, IReadOnlyList<string> Parties, IReadOnlyList<string> RequiredSigners,
    string? ContractNumber = null, string? MeterNumber = null, string? AccountNumber = null, string? EffectiveFrom = null, string? EffectiveTo = null,
    string? PreviousVersion = null, bool KeepOnNode = true);

/// <summary>Bad input caught before anything was signed: shown to the person, or a 400 problem in the API.</summary>
public sealed class EvidenceInputException(string message) : Exception(message);

/// <summary>
/// The evidence application's writes: each is a transaction signed by the acting person (a signed-in person's own key;
/// for an API key, its organisation's root certificate, when this node's keystore holds it). Anchoring with a file
/// seals the file in the node's <see cref="DocumentStore"/> first, and removes it again if the anchor did not commit.
/// </summary>
public sealed class EvidenceService(NodeHostedService node, PersonSigner people, DocumentStore store, EvidenceQueries queries) : IEvidenceActions
{
    public async Task<TxOutcome> AnchorAsync(ClaimsPrincipal user, AnchorRequest request, string? hash, StoredDocument? file, CancellationToken token = default)
    {
        if (file is not null)
        {
            if (file.Content.LongLength > DocumentStore.MaxBytes) throw new EvidenceInputException($"a file is at most {DocumentStore.MaxBytes / (1024 * 1024)} MiB");
            var computed = DocumentStore.HashOf(file.Content);
            if (hash is not null && !string.Equals(hash, computed, StringComparison.OrdinalIgnoreCase))
                throw new EvidenceInputException($"the file's SM3 hash is {computed}, not the hash given ({hash})");
            hash = computed;
        }
        hash = NormaliseHash(hash) ?? throw new EvidenceInputException("give a file or its SM3 hash (64 hex characters)");
        var keepOnNode = request.KeepOnNode && file is not null;
        var args = new EvidenceContract.AnchorArgs(hash, request.Type,
            new DocumentLabels(request.Title ?? "", request.Parties ?? [], Blank(request.ContractNumber), Blank(request.MeterNumber), Blank(request.AccountNumber),
                Blank(request.EffectiveFrom), Blank(request.EffectiveTo)),
            request.RequiredSigners ?? [], keepOnNode ? DocumentCustody.NodeStore : DocumentCustody.Owner, NormaliseHash(request.PreviousVersion));
        var alreadyStored = await store.ContainsAsync(hash);
        if (keepOnNode) await store.SaveAsync(hash, file!, token);
        var outcome = await SubmitAsync(user, "anchor", args);
        // A file whose anchor never committed is not evidence of anything: do not keep it.
        if (keepOnNode && !alreadyStored && await queries.DocumentAsync(hash) is null) store.Delete(hash);
        return outcome;
    }

    public Task<TxOutcome> SignAsync(ClaimsPrincipal user, string hash) =>
        SubmitAsync(user, "sign", new EvidenceContract.SignArgs(NormaliseHash(hash) ?? throw new EvidenceInputException("not a document hash")));

    public Task<TxOutcome> AccreditAsync(ClaimsPrincipal user, string organisationId, string labName, IReadOnlyList<string> categories) =>
        SubmitAsync(user, "accreditLab", new EvidenceContract.AccreditArgs(organisationId, labName, categories));

    public Task<TxOutcome> WithdrawAccreditationAsync(ClaimsPrincipal user, string organisationId) =>
        SubmitAsync(user, "withdrawAccreditation", new EvidenceContract.WithdrawAccreditationArgs(organisationId));

    public async Task<TxOutcome> InspectAsync(ClaimsPrincipal user, string? hash, StoredDocument? file, string supplier, string category, string batchNumber,
        bool passed, string title, CancellationToken token = default)
    {
        if (file is not null) hash = DocumentStore.HashOf(file.Content);
        hash = NormaliseHash(hash) ?? throw new EvidenceInputException("give the report's file or its SM3 hash (64 hex characters)");
        var alreadyStored = await store.ContainsAsync(hash);
        if (file is not null) await store.SaveAsync(hash, file, token);
        var outcome = await SubmitAsync(user, "anchorInspection", new EvidenceContract.InspectionArgs(hash, supplier, category, batchNumber, passed, title,
            file is null ? DocumentCustody.Owner : DocumentCustody.NodeStore));
        if (file is not null && !alreadyStored && outcome.Result is not { Succeeded: true }) store.Delete(hash);
        return outcome;
    }

    public Task<TxOutcome> GrantQualificationAsync(ClaimsPrincipal user, string certificateId, string qualification) =>
        SubmitAsync(user, "grantQualification", new EvidenceContract.QualificationArgs(certificateId, qualification));

    public Task<TxOutcome> RevokeQualificationAsync(ClaimsPrincipal user, string certificateId, string qualification) =>
        SubmitAsync(user, "revokeQualification", new EvidenceContract.QualificationArgs(certificateId, qualification));

    public Task<TxOutcome> IssueTicketAsync(ClaimsPrincipal user, string ticketNumber, string title, string location, string workLeader, string? documentHash) =>
        SubmitAsync(user, "issueWorkTicket", new EvidenceContract.IssueTicketArgs(ticketNumber, title, location, workLeader, NormaliseHash(documentHash)));

    public Task<TxOutcome> SignTicketStepAsync(ClaimsPrincipal user, string ticketId, string step, string? note) =>
        SubmitAsync(user, "signWorkTicketStep", new EvidenceContract.TicketStepArgs(ticketId, step, Blank(note)));

    /// <summary>Lower-case hex, the one spelling the contract accepts; null when blank.</summary>
    public static string? NormaliseHash(string? hash)
    {
        if (string.IsNullOrWhiteSpace(hash)) return null;
        var h = hash.Trim().ToLowerInvariant();
        return EvidenceContract.IsHash(h) ? h : throw new EvidenceInputException($"\"{Shorten(hash)}\" is not an SM3 hash (64 hex characters)");
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string method, object args)
    {
        if (user.CertificateId() is not null) return await people.SubmitAsync(user, EvidenceContract.ContractName, method, args);
        // An API key acts for its organisation: it signs with the organisation's root certificate, if this node keeps it.
        if (user.FindFirst(ApiAuthentication.ApiKeyClaim) is null || user.OrganisationId() is not { } organisation)
            throw new EvidenceInputException("sign in, or call with your organisation's API key");
        var runtime = await node.Runtime;
        if (!runtime.Keys.Contains(organisation))
            throw new EvidenceInputException($"this node holds no signing key of \"{organisation}\": submit a transaction signed by one of its people to /api/transactions");
        var tx = new TxBuilder(runtime.Ledger.ChainId, organisation, runtime.Keys.Get(organisation)).Build(EvidenceContract.ContractName, method, args, runtime.Ledger.Height);
        return await runtime.Node.SubmitAsync(tx);
    }
}
