using System.Text.Json.Serialization;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Contracts.Governance;

[JsonConverter(typeof(JsonStringEnumConverter<ProposalKind>))]
public enum ProposalKind { AdmitOrganisation, ChangePolicy, AddNode, RemoveNode, Resolution, RegistrySettings }

/// <summary>
/// Open until decided or expired. Passed means executed (exactly once, in the vote that reached the threshold);
/// Rejected means enough members voted no that the threshold can no longer be reached; Failed means it passed but its
/// change could no longer be applied (e.g. the organisation id was taken meanwhile); Expired means its time ran out.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProposalStatus>))]
public enum ProposalStatus { Open, Passed, Rejected, Failed, Expired }

/// <summary>
/// Exactly what a proposal will change: one field is set, the one its kind names. The proposal page shows this record
/// as it is stored, so what members vote on is what executes.
/// </summary>
public sealed record ProposalChange(
    GenesisOrganisation? Organisation = null, GovernancePolicy? Policy = null, ConsortiumNode? Node = null,
    string? NodeId = null, string? Resolution = null, RegistrySettings? Registry = null);

/// <param name="Policy">the threshold policy when proposed; replaced by the one in force when the proposal is decided</param>
/// <param name="VotersAtDecision">how many voting members there were when it was decided</param>
public sealed record Proposal(
    string Id, ProposalKind Kind, string Title, ProposalChange Change, string ProposedBy, string ProposerOrganisation,
    long CreatedAt, long ExpiresAt, ProposalStatus Status, int YesVotes, int NoVotes,
    GovernancePolicy Policy, int? VotersAtDecision, long? DecidedAt, string? Outcome);

public sealed record Vote(string ProposalId, string OrganisationId, string CertificateId, bool Approve, long At);

public static class GovernanceKeys
{
    public const string ProposalPrefix = "governance/proposal/";
    public const string VotePrefix = "governance/vote/";
    public const string Sequence = "governance/seq";
    public static string Proposal(string id) => ProposalPrefix + id;
    public static string Votes(string id) => $"{VotePrefix}{id}/";
    public static string Vote(string id, string organisationId) => $"{VotePrefix}{id}/{organisationId}";
}
