using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Features.Dashboard;
using ConsortiumPortal.Features.Registry;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Tests.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Registry;

/// <summary>Registry state for component tests: what the pages read, kept in lists the tests fill.</summary>
public sealed class FakeRegistryQueries : IRegistryQueries
{
    public List<Participant> Participants { get; } = [];
    public List<ParticipantVersion> Versions { get; } = [];
    public List<DisclosureEntry> Board { get; } = [];
    public List<Proposal> Proposals { get; } = [];
    public List<Vote> Votes { get; } = [];
    public List<CreditRating> Ratings { get; } = [];
    public RegistrySettings Settings { get; set; } = RegistrySettings.Default;

    public Task<RegistryPage<Participant>> DirectoryAsync(DirectoryFilter filter, int skip, int take)
    {
        var rows = Participants.Where(p => LedgerRegistryQueries.Matches(p, filter)).ToList();
        return Task.FromResult(new RegistryPage<Participant>(rows.Skip(skip).Take(take).ToList(), rows.Count));
    }

    public Task<IReadOnlyList<Participant>> OfOrganisationAsync(string organisationId) =>
        Task.FromResult<IReadOnlyList<Participant>>(Participants.Where(p => p.OrganisationId == organisationId).ToList());

    public Task<IReadOnlyList<Participant>> ReviewQueueAsync() => Task.FromResult<IReadOnlyList<Participant>>(Participants.Where(p => p.Pending is not null).ToList());
    public Task<IReadOnlyList<DisclosureEntry>> DisclosureBoardAsync() => Task.FromResult<IReadOnlyList<DisclosureEntry>>(Board.ToList());

    public Task<ParticipantHistory?> ParticipantAsync(string participantId) =>
        Task.FromResult(Participants.FirstOrDefault(p => p.Id == participantId) is { } p
            ? new ParticipantHistory(p, Versions.Where(v => v.ParticipantId == p.Id).ToList(), [],
                Versions.Where(v => v.ParticipantId == p.Id).All(v => RegistryContract.RecordHash(v.ParticipantId, v.Version, v.Details) == v.RecordHash))
            : null);

    public Task<RegistrySettings> SettingsAsync() => Task.FromResult(Settings);
    public Task<IReadOnlyList<Proposal>> ProposalsAsync() => Task.FromResult<IReadOnlyList<Proposal>>(Proposals.ToList());

    public Task<ProposalDetail?> ProposalAsync(string proposalId) =>
        Task.FromResult(Proposals.FirstOrDefault(p => p.Id == proposalId) is { } p
            ? new ProposalDetail(p, Votes.Where(v => v.ProposalId == p.Id).ToList(), 15, GovernanceContract.VotesNeeded(15, new GovernancePolicy(2, 3)), new GovernancePolicy(2, 3))
            : null);

    public Task<IReadOnlyList<CreditRating>> RatingsAsync() => Task.FromResult<IReadOnlyList<CreditRating>>(Ratings.ToList());

    public Task<RatingDetail?> RatingAsync(string organisationId) =>
        Task.FromResult(Ratings.FirstOrDefault(r => r.OrganisationId == organisationId) is { } r ? new RatingDetail(r, []) : null);

    public Task<IReadOnlyList<MemberSummary>> MembersAsync() => Task.FromResult<IReadOnlyList<MemberSummary>>([]);
}

/// <summary>Records what a page submitted and answers "committed, ok".</summary>
public sealed class FakeRegistryActions : IRegistryActions
{
    public List<(string Contract, string Method, object Args)> Calls { get; } = [];

    public Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string contract, string method, object args)
    {
        Calls.Add((contract, method, args));
        var txId = new string('e', 64);
        return Task.FromResult(new TxOutcome(txId, 42, 0, new TxResult(txId, TxResult.Ok, null, [], null), null));
    }
}

public abstract class RegistryComponentTestBase : IAsyncLifetime
{
    protected BunitContext Ctx { get; } = new();
    protected FakeRegistryQueries Queries { get; } = new();
    protected FakeRegistryActions Actions { get; } = new();
    protected FakeBlockStream Stream { get; } = new();

    protected RegistryComponentTestBase()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization();
        Ctx.Services.AddSingleton<IRegistryQueries>(Queries);
        Ctx.Services.AddSingleton<IRegistryActions>(Actions);
        Ctx.Services.AddSingleton<IBlockStream>(Stream);
    }

    /// <summary>Signs a person in (bunit's authorization) with organisation, certificate and roles claims.</summary>
    protected ClaimsPrincipal SignIn(string certificateId, params string[] roles)
    {
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized(certificateId);
        auth.SetRoles(roles);
        auth.SetClaims(new Claim(PortalClaimTypes.Organisation, certificateId.Split('/')[0]), new Claim(PortalClaimTypes.Certificate, certificateId));
        return new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, certificateId), new Claim(PortalClaimTypes.Organisation, certificateId.Split('/')[0]),
             new Claim(PortalClaimTypes.Certificate, certificateId), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));
    }

    protected static ParticipantDetails Details(string name = "华能售电(浙江)有限公司", int n = 1) =>
        new(name, UnifiedSocialCreditCode.Complete($"91330000MA{n:D7}"), ParticipantType.Retailer, ["zhejiang"], 0,
            [new Contact("Li Lei", "Trader", "+86 571 1", "li@example.cn")], [new AnchoredDocument("Licence", new string('a', 64))]);

    protected static Participant Participant(string id, string org, ParticipantStatus status, ParticipantDetails details, PendingReview? pending = null, int? inForce = null) =>
        new(id, org, status, details, RegistryContract.RecordHash(id, inForce ?? 1, details), inForce, inForce ?? 1, pending, 0, 1, 1, null);

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Ctx.DisposeAsync();
}
