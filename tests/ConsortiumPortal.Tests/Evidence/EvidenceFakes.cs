using System.Security.Claims;
using System.Text.Json;
using Bunit;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Features.Evidence;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Evidence;

/// <summary>World state for the evidence pages, in memory.</summary>
public sealed class FakeEvidenceQueries : IEvidenceQueries
{
    public List<DocumentRecord> Documents { get; } = [];
    public HashSet<string> Stored { get; } = [];
    public List<TestingLab> Labs { get; } = [];
    public List<SupplierRecord> Suppliers { get; } = [];
    public List<InspectionResult> Inspections { get; } = [];
    public List<WorkTicket> Tickets { get; } = [];
    public List<PersonQualifications> People { get; } = [];
    public List<Chain.Membership.Organisation> Organisations { get; } = [];

    public Task<DocumentRecord?> DocumentAsync(string hash) => Task.FromResult(Documents.FirstOrDefault(d => d.Hash == hash));

    public Task<DocumentView?> ViewAsync(string hash)
    {
        var record = Documents.FirstOrDefault(d => d.Hash == hash);
        return Task.FromResult(record is null ? null : new DocumentView(record, new ChainLocation(record.AnchoredTxId, record.AnchoredHeight, 0, new string('b', 64), record.AnchoredAt),
            record.Signatures.Select(s => (s, (ChainLocation?)new ChainLocation(s.TxId, s.Height, 0, new string('c', 64), s.SignedAt))).ToList(),
            [new VersionEntry(record.Version, record.Hash, record.Labels.Title, record.AnchoredAt, record.AnchoredBy, record.Status)], Stored.Contains(hash)));
    }

    public Task<Page<DocumentRecord>> DocumentsAsync(ClaimsPrincipal user, int skip, int take, string? search = null, string? type = null, string? status = null,
        string? sortBy = null, bool descending = true)
    {
        var visible = Documents.Where(d => EvidenceQueries.MayReadContents(user, d)).ToList();
        return Task.FromResult(new Page<DocumentRecord>(visible.Skip(skip).Take(take).ToList(), visible.Count));
    }

    public Task<IReadOnlyList<DocumentRecord>> AwaitingSignatureAsync(string organisationId) =>
        Task.FromResult<IReadOnlyList<DocumentRecord>>(Documents.Where(d => d.RequiredSigners.Contains(organisationId) && !d.HasSigned(organisationId)).ToList());

    public Task<IReadOnlyList<TestingLab>> LabsAsync() => Task.FromResult<IReadOnlyList<TestingLab>>(Labs);
    public Task<TestingLab?> LabAsync(string organisationId) => Task.FromResult(Labs.FirstOrDefault(l => l.OrganisationId == organisationId));
    public Task<IReadOnlyList<SupplierRecord>> SuppliersAsync() => Task.FromResult<IReadOnlyList<SupplierRecord>>(Suppliers);

    public Task<SupplierHistory?> SupplierAsync(string supplier) => Task.FromResult(Suppliers.FirstOrDefault(s => s.Supplier == supplier) is { } r
        ? new SupplierHistory(r, Inspections.Where(i => i.Supplier == supplier).ToList()) : null);

    public Task<Page<WorkTicket>> TicketsAsync(ClaimsPrincipal user, int skip, int take, string? state = null, string? search = null) =>
        Task.FromResult(new Page<WorkTicket>(Tickets.Skip(skip).Take(take).ToList(), Tickets.Count));

    public Task<WorkTicket?> TicketAsync(string id) => Task.FromResult(Tickets.FirstOrDefault(t => t.Id == id));
    public Task<PersonQualifications?> QualificationsAsync(string certificateId) => Task.FromResult(People.FirstOrDefault(p => p.CertificateId == certificateId));
    public Task<IReadOnlyList<PersonQualifications>> QualifiedPeopleAsync(string? organisationId) =>
        Task.FromResult<IReadOnlyList<PersonQualifications>>(People.Where(p => organisationId is null || p.OrganisationId == organisationId).ToList());
    public Task<IReadOnlyList<Chain.Membership.Organisation>> OrganisationsAsync() => Task.FromResult<IReadOnlyList<Chain.Membership.Organisation>>(Organisations);
}

/// <summary>Records what the pages asked for and answers with a committed transaction (or what a test sets).</summary>
public sealed class FakeEvidenceActions : IEvidenceActions
{
    public List<string> Calls { get; } = [];
    public Func<TxOutcome>? Next { get; set; }
    public AnchorRequest? LastAnchor { get; private set; }
    public StoredDocument? LastFile { get; private set; }

    public static TxOutcome Ok(object output)
    {
        var txId = new string('e', 64);
        return new TxOutcome(txId, 42, 0, new TxResult(txId, TxResult.Ok, null, [], JsonSerializer.SerializeToElement(output, Chain.Encoding.CanonicalJson.SerializerOptions)), null);
    }

    private Task<TxOutcome> Record(string call, object output)
    {
        Calls.Add(call);
        return Task.FromResult(Next?.Invoke() ?? Ok(output));
    }

    public Task<TxOutcome> AnchorAsync(ClaimsPrincipal user, AnchorRequest request, string? hash, StoredDocument? file, CancellationToken token = default)
    {
        LastAnchor = request;
        LastFile = file;
        var id = file is null ? hash! : DocumentStore.HashOf(file.Content);
        return Record($"anchor {id}", new { documentId = id, created = true, status = "Pending" });
    }

    public Task<TxOutcome> SignAsync(ClaimsPrincipal user, string hash) => Record($"sign {hash}", new { documentId = hash, status = "Complete" });
    public Task<TxOutcome> AccreditAsync(ClaimsPrincipal user, string organisationId, string labName, IReadOnlyList<string> categories) => Record($"accredit {organisationId}", new { });
    public Task<TxOutcome> InspectAsync(ClaimsPrincipal user, string? hash, StoredDocument? file, string supplier, string category, string batchNumber, bool passed, string title,
        CancellationToken token = default) => Record($"inspect {supplier} {category} {passed}", new { });
    public Task<TxOutcome> GrantQualificationAsync(ClaimsPrincipal user, string certificateId, string qualification) => Record($"grant {certificateId} {qualification}", new { });
    public Task<TxOutcome> RevokeQualificationAsync(ClaimsPrincipal user, string certificateId, string qualification) => Record($"revoke {certificateId} {qualification}", new { });
    public Task<TxOutcome> IssueTicketAsync(ClaimsPrincipal user, string ticketNumber, string title, string location, string workLeader, string? documentHash) =>
        Record($"issue {ticketNumber}", new { });
    public Task<TxOutcome> SignTicketStepAsync(ClaimsPrincipal user, string ticketId, string step, string? note) => Record($"step {ticketId} {step}", new { });
}

/// <summary>A bunit context with MudBlazor, localization and the evidence fakes.</summary>
public abstract class EvidenceComponentTestBase : IAsyncLifetime
{
    protected BunitContext Ctx { get; } = new();
    protected FakeEvidenceQueries Queries { get; } = new();
    protected FakeEvidenceActions Actions { get; } = new();
    protected Dashboard.FakeBlockStream Blocks { get; } = new();

    protected EvidenceComponentTestBase()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization();
        Ctx.Services.AddSingleton<IEvidenceQueries>(Queries);
        Ctx.Services.AddSingleton<IEvidenceActions>(Actions);
        Ctx.Services.AddSingleton<Features.Dashboard.IBlockStream>(Blocks);
    }

    protected void SignIn(string certificateId, params string[] roles)
    {
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized(certificateId);
        auth.SetRoles(roles);
        auth.SetClaims(new Claim(Identity.PortalClaimTypes.Organisation, certificateId.Split('/')[0]), new Claim(Identity.PortalClaimTypes.Certificate, certificateId));
    }

    protected static string Hash(char c) => new(c, 64);

    protected static DocumentRecord Contract(string hash, string owner, string[] parties, string[] required, params DocumentSignature[] signatures) =>
        new(hash, DocumentTypes.HighVoltageSupplyContract, new DocumentLabels("Supply contract " + hash[..4], [.. parties.Append(owner).Distinct().Order()], "HT-1", null, null, null, null),
            owner, owner + "/operator", 1_767_225_600_000, 5, Hash('a'), DocumentCustody.NodeStore, required, signatures,
            required.All(r => signatures.Any(s => s.OrganisationId == r)) ? DocumentStatus.Complete : DocumentStatus.Pending, 1, null, null);

    protected static DocumentSignature Signed(string org) => new(org, org + "/operator", 1_767_225_601_000, 6, Hash('d'));

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Ctx.DisposeAsync();
}
