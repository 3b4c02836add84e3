using System.Security.Claims;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Features.Registry;

public sealed record RegistryPage<T>(IReadOnlyList<T> Items, int Total);

/// <summary>Directory filters: any combination; null means any.</summary>
public sealed record DirectoryFilter(string? Province = null, ParticipantType? Type = null, ParticipantStatus? Status = null, string? Text = null);

/// <summary>
/// A participant with every version and the comments of its disclosures. <see cref="StoredVersionHashesMatch"/>: each
/// version's record hash recomputed here from its stored details equals the hash the contract stored.
/// </summary>
public sealed record ParticipantHistory(Participant Participant, IReadOnlyList<ParticipantVersion> Versions, IReadOnlyList<DisclosureComment> Comments, bool StoredVersionHashesMatch);

/// <summary>What the public disclosure board shows: the version under disclosure (without contacts) and its comments.</summary>
public sealed record DisclosureEntry(
    string ParticipantId, string OrganisationId, ChangeKind Kind, int Version, string LegalName, string CreditCode, ParticipantType Type,
    IReadOnlyList<string> Provinces, long CapacityKw1000, IReadOnlyList<AnchoredDocument> Documents, string RecordHash,
    long DisclosureEndsAt, IReadOnlyList<DisclosureComment> Comments);

public sealed record ProposalDetail(Proposal Proposal, IReadOnlyList<Vote> Votes, int Voters, long VotesNeeded, GovernancePolicy CurrentPolicy);

public sealed record RatingDetail(CreditRating Rating, IReadOnlyList<CreditEvent> Events);

public sealed record MemberSummary(string Id, string Name, IReadOnlyList<string> Roles);

/// <summary>Reads of registry, governance and credit state from the committed ledger; an interface so component tests can feed the pages.</summary>
public interface IRegistryQueries
{
    Task<RegistryPage<Participant>> DirectoryAsync(DirectoryFilter filter, int skip, int take);
    Task<IReadOnlyList<Participant>> OfOrganisationAsync(string organisationId);
    /// <summary>Registrations (first applications and major changes) waiting for a trading centre or in disclosure.</summary>
    Task<IReadOnlyList<Participant>> ReviewQueueAsync();
    Task<IReadOnlyList<DisclosureEntry>> DisclosureBoardAsync();
    Task<ParticipantHistory?> ParticipantAsync(string participantId);
    Task<RegistrySettings> SettingsAsync();
    Task<IReadOnlyList<Proposal>> ProposalsAsync();
    Task<ProposalDetail?> ProposalAsync(string proposalId);
    Task<IReadOnlyList<CreditRating>> RatingsAsync();
    Task<RatingDetail?> RatingAsync(string organisationId);
    Task<IReadOnlyList<MemberSummary>> MembersAsync();
}

/// <summary>Submits a registry, governance or credit transaction signed by the person; a seam so forms can be tested without a node.</summary>
public interface IRegistryActions
{
    Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string contract, string method, object args);
}

public sealed class PersonSignerRegistryActions(Identity.PersonSigner signer) : IRegistryActions
{
    public Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string contract, string method, object args) => signer.SubmitAsync(user, contract, method, args);
}
