using System.Security.Claims;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Evidence;

namespace ConsortiumPortal.Features.Evidence;

/// <summary>What the evidence pages read (world state evidence/*); a fake in component tests.</summary>
public interface IEvidenceQueries
{
    Task<DocumentRecord?> DocumentAsync(string hash);
    Task<DocumentView?> ViewAsync(string hash);
    Task<Page<DocumentRecord>> DocumentsAsync(ClaimsPrincipal user, int skip, int take, string? search = null, string? type = null, string? status = null,
        string? sortBy = null, bool descending = true);
    Task<IReadOnlyList<DocumentRecord>> AwaitingSignatureAsync(string organisationId);
    Task<IReadOnlyList<TestingLab>> LabsAsync();
    Task<TestingLab?> LabAsync(string organisationId);
    Task<IReadOnlyList<SupplierRecord>> SuppliersAsync();
    Task<SupplierHistory?> SupplierAsync(string supplier);
    Task<Page<WorkTicket>> TicketsAsync(ClaimsPrincipal user, int skip, int take, string? state = null, string? search = null);
    Task<WorkTicket?> TicketAsync(string id);
    Task<PersonQualifications?> QualificationsAsync(string certificateId);
    Task<IReadOnlyList<PersonQualifications>> QualifiedPeopleAsync(string? organisationId);
    Task<IReadOnlyList<Chain.Membership.Organisation>> OrganisationsAsync();
}

/// <summary>What the evidence pages do: each a transaction signed by the acting person; a fake in component tests.</summary>
public interface IEvidenceActions
{
    Task<TxOutcome> AnchorAsync(ClaimsPrincipal user, AnchorRequest request, string? hash, StoredDocument? file, CancellationToken token = default);
    Task<TxOutcome> SignAsync(ClaimsPrincipal user, string hash);
    Task<TxOutcome> AccreditAsync(ClaimsPrincipal user, string organisationId, string labName, IReadOnlyList<string> categories);
    Task<TxOutcome> InspectAsync(ClaimsPrincipal user, string? hash, StoredDocument? file, string supplier, string category, string batchNumber, bool passed, string title,
        CancellationToken token = default);
    Task<TxOutcome> GrantQualificationAsync(ClaimsPrincipal user, string certificateId, string qualification);
    Task<TxOutcome> RevokeQualificationAsync(ClaimsPrincipal user, string certificateId, string qualification);
    Task<TxOutcome> IssueTicketAsync(ClaimsPrincipal user, string ticketNumber, string title, string location, string workLeader, string? documentHash);
    Task<TxOutcome> SignTicketStepAsync(ClaimsPrincipal user, string ticketId, string step, string? note);
}
