using ConsortiumPortal.Chain.Execution;

namespace ConsortiumPortal.Contracts.Registry;

/// <summary>What other contracts read from the registry: is an organisation an active market participant (of a type)?</summary>
public static class ParticipantDirectory
{
    public const string ByOrganisationPrefix = "registry/by-org/";

    public static string ByOrganisationKey(string organisationId, string participantId) => $"{ByOrganisationPrefix}{organisationId}/{participantId}";

    public static IEnumerable<Participant> OfOrganisation(ContractState state, string organisationId) =>
        state.Scan<CodeClaim>($"{ByOrganisationPrefix}{organisationId}/")
            .Select(p => state.Get<Participant>(RegistryKeys.Participant(p.Value.ParticipantId)))
            .OfType<Participant>();

    public static bool IsActive(ContractState state, string organisationId, ParticipantType? type = null) =>
        OfOrganisation(state, organisationId).Any(p => p.Status == ParticipantStatus.Active && (type is null || p.Details.Type == type));
}
