using System.Security.Claims;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Evidence;

/// <summary>Where a transaction committed: block height and hash, position, block time.</summary>
public sealed record ChainLocation(string TxId, long Height, int Index, string? BlockHash, long BlockTime);

/// <summary>One version in a document's history.</summary>
public sealed record VersionEntry(int Version, string Hash, string Title, long AnchoredAt, string AnchoredBy, DocumentStatus Status);

/// <summary>Everything the ledger says about a document, with where each of its transactions committed.</summary>
public sealed record DocumentView(DocumentRecord Record, ChainLocation? Anchor, IReadOnlyList<(DocumentSignature Signature, ChainLocation? Location)> Signatures,
    IReadOnlyList<VersionEntry> History, bool StoredOnThisNode);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>A supplier's record with its inspections, newest first.</summary>
public sealed record SupplierHistory(SupplierRecord Record, IReadOnlyList<InspectionResult> Inspections);

/// <summary>
/// Reads of the evidence application straight from world state (evidence/*). The pilot's document count is small
/// enough to page in memory after a prefix scan; a projection can replace this when it is not.
/// </summary>
public sealed class EvidenceQueries(NodeHostedService node, DocumentStore store) : IEvidenceQueries
{
    private async Task<Chain.Storage.LedgerStore> StoreAsync() => (await node.Runtime).Ledger.Store;

    private static T Parse<T>(string json) => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));

    private async Task<T?> ReadAsync<T>(string key) where T : class => (await StoreAsync()).Get(key) is { } json ? Parse<T>(json) : null;

    private async Task<IReadOnlyList<T>> ScanAsync<T>(string prefix) => (await StoreAsync()).Scan(prefix).Select(kv => Parse<T>(kv.Value)).ToList();

    /// <summary>Whether the caller may see a document's contents: its parties and the Regulator.</summary>
    public static bool MayReadContents(ClaimsPrincipal user, DocumentRecord record) =>
        user.IsInRole(Roles.Regulator) || (user.OrganisationId() is { } org && record.IsParty(org));

    public Task<DocumentRecord?> DocumentAsync(string hash) =>
        EvidenceContract.IsHash(hash) ? ReadAsync<DocumentRecord>(EvidenceKeys.Document(hash)) : Task.FromResult<DocumentRecord?>(null);

    public async Task<DocumentView?> ViewAsync(string hash)
    {
        if (await DocumentAsync(hash) is not { } record) return null;
        var signatures = new List<(DocumentSignature, ChainLocation?)>();
        foreach (var s in record.Signatures) signatures.Add((s, await LocateAsync(s.TxId)));
        return new DocumentView(record, await LocateAsync(record.AnchoredTxId), signatures, await HistoryAsync(record), await store.ContainsAsync(hash));
    }

    public async Task<ChainLocation?> LocateAsync(string txId)
    {
        var ledger = await StoreAsync();
        if (ledger.GetTransaction(txId) is not { } stored) return null;
        var block = ledger.GetBlockHeader(stored.Height);
        return new ChainLocation(txId, stored.Height, stored.Index, block?.Hash, block?.Header.Timestamp ?? 0);
    }

    /// <summary>Every version of the document's chain, oldest first (follows the on-chain links both ways).</summary>
    public async Task<IReadOnlyList<VersionEntry>> HistoryAsync(DocumentRecord record)
    {
        var first = record;
        for (var guard = 0; first.PreviousVersion is { } previous && guard < 1000; guard++)
            first = await DocumentAsync(previous) ?? first;
        var history = new List<VersionEntry>();
        for (DocumentRecord? current = first; current is not null && history.Count < 1000;
             current = current.NextVersion is { } next ? await DocumentAsync(next) : null)
            history.Add(new VersionEntry(current.Version, current.Hash, current.Labels.Title, current.AnchoredAt, current.AnchoredBy, current.Status));
        return history;
    }

    /// <summary>Documents the caller is a party of (every document for a Regulator), filtered, sorted and paged.</summary>
    public async Task<Page<DocumentRecord>> DocumentsAsync(ClaimsPrincipal user, int skip, int take, string? search = null, string? type = null,
        string? status = null, string? sortBy = null, bool descending = true)
    {
        var all = (await ScanAsync<DocumentRecord>(EvidenceKeys.DocumentPrefix)).Where(d => MayReadContents(user, d));
        if (!string.IsNullOrWhiteSpace(type)) all = all.Where(d => d.Type == type);
        if (!string.IsNullOrWhiteSpace(status)) all = all.Where(d => string.Equals(d.Status.ToString(), status, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            all = all.Where(d => d.Hash.StartsWith(s, StringComparison.OrdinalIgnoreCase) || d.Labels.Title.Contains(s, StringComparison.OrdinalIgnoreCase)
                                 || d.Labels.ContractNumber?.Contains(s, StringComparison.OrdinalIgnoreCase) == true
                                 || d.Labels.MeterNumber?.Contains(s, StringComparison.OrdinalIgnoreCase) == true
                                 || d.Labels.AccountNumber?.Contains(s, StringComparison.OrdinalIgnoreCase) == true
                                 || d.Labels.Parties.Any(p => p.Contains(s, StringComparison.OrdinalIgnoreCase)));
        }
        var list = all.ToList();
        IEnumerable<DocumentRecord> sorted = sortBy switch
        {
            "title" => descending ? list.OrderByDescending(d => d.Labels.Title) : list.OrderBy(d => d.Labels.Title),
            "type" => descending ? list.OrderByDescending(d => d.Type) : list.OrderBy(d => d.Type),
            "status" => descending ? list.OrderByDescending(d => d.Status) : list.OrderBy(d => d.Status),
            _ => descending ? list.OrderByDescending(d => d.AnchoredHeight) : list.OrderBy(d => d.AnchoredHeight),
        };
        return new Page<DocumentRecord>(sorted.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToList(), list.Count);
    }

    /// <summary>Documents waiting for the caller's organisation's signature.</summary>
    public async Task<IReadOnlyList<DocumentRecord>> AwaitingSignatureAsync(string organisationId) =>
        (await ScanAsync<DocumentRecord>(EvidenceKeys.DocumentPrefix))
        .Where(d => d.RequiredSigners.Contains(organisationId) && !d.HasSigned(organisationId)).OrderByDescending(d => d.AnchoredHeight).ToList();

    public Task<IReadOnlyList<TestingLab>> LabsAsync() => ScanAsync<TestingLab>(EvidenceKeys.LabPrefix);

    public Task<TestingLab?> LabAsync(string organisationId) => ReadAsync<TestingLab>(EvidenceKeys.Lab(organisationId));

    public Task<IReadOnlyList<SupplierRecord>> SuppliersAsync() => ScanAsync<SupplierRecord>(EvidenceKeys.SupplierPrefix);

    public async Task<SupplierHistory?> SupplierAsync(string supplier)
    {
        if (await ReadAsync<SupplierRecord>(EvidenceKeys.Supplier(supplier)) is not { } record) return null;
        var inspections = (await ScanAsync<InspectionResult>(EvidenceKeys.InspectionsOf(supplier))).OrderByDescending(i => i.Height).ThenBy(i => i.Category).ToList();
        return new SupplierHistory(record, inspections);
    }

    /// <summary>Work tickets of the caller's organisation, or those it leads; every ticket for a Regulator.</summary>
    public async Task<Page<WorkTicket>> TicketsAsync(ClaimsPrincipal user, int skip, int take, string? state = null, string? search = null)
    {
        var org = user.OrganisationId();
        var all = (await ScanAsync<WorkTicket>(EvidenceKeys.TicketPrefix))
            .Where(t => user.IsInRole(Roles.Regulator) || t.OrganisationId == org || t.WorkLeader.StartsWith(org + "/", StringComparison.Ordinal));
        if (!string.IsNullOrWhiteSpace(state)) all = all.Where(t => t.State == state);
        if (!string.IsNullOrWhiteSpace(search)) all = all.Where(t => t.Id.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) || t.Title.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
        var list = all.OrderByDescending(t => t.Steps[0].Height).ToList();
        return new Page<WorkTicket>(list.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToList(), list.Count);
    }

    public Task<WorkTicket?> TicketAsync(string id) => ReadAsync<WorkTicket>(EvidenceKeys.Ticket(id));

    public static bool MayReadTicket(ClaimsPrincipal user, WorkTicket ticket) =>
        user.IsInRole(Roles.Regulator) || ticket.OrganisationId == user.OrganisationId() || ticket.WorkLeader.StartsWith(user.OrganisationId() + "/", StringComparison.Ordinal);

    public Task<PersonQualifications?> QualificationsAsync(string certificateId) => ReadAsync<PersonQualifications>(EvidenceKeys.Qualification(certificateId));

    /// <summary>The qualifications of an organisation's people (every organisation's for a Regulator when <paramref name="organisationId"/> is null).</summary>
    public async Task<IReadOnlyList<PersonQualifications>> QualifiedPeopleAsync(string? organisationId) =>
        (await ScanAsync<PersonQualifications>(EvidenceKeys.QualificationPrefix))
        .Where(q => organisationId is null || q.OrganisationId == organisationId).Where(q => q.Qualifications.Count > 0).ToList();

    /// <summary>Member organisations (id, name), for choosing parties.</summary>
    public async Task<IReadOnlyList<Chain.Membership.Organisation>> OrganisationsAsync() =>
        await ScanAsync<Chain.Membership.Organisation>(Chain.Membership.MembershipContract.Keys.OrganisationPrefix);
}
