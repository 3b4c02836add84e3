namespace ConsortiumPortal.Chain.Membership;

/// <summary>What founds a consortium: agreed out of band, executed as block 0. Its block hash is the genesis hash.</summary>
public sealed record GenesisDocument(
    string ChainId, string Name, long Timestamp,
    IReadOnlyList<GenesisOrganisation> Organisations, IReadOnlyList<ConsortiumNode> Nodes, GovernancePolicy Policy);

public sealed record GenesisOrganisation(string Id, string Name, IReadOnlyList<string> Roles, string PublicKey);

/// <summary>A consortium node: the organisation running it, its SM2 node key (signs block headers) and endpoints.</summary>
public sealed record ConsortiumNode(string Id, string OrganisationId, string PublicKey, string RaftEndpoint, string HttpUrl);

/// <summary>Votes needed to pass a proposal: numerator/denominator of the voting members (e.g. 2/3).</summary>
public sealed record GovernancePolicy(int ThresholdNumerator, int ThresholdDenominator);

public sealed record Consortium(string ChainId, string Name, long GenesisTime, GovernancePolicy Policy);

public sealed record Organisation(string Id, string Name, IReadOnlyList<string> Roles, string PublicKey, long AdmittedAtHeight);

/// <summary>
/// A person's (or an organisation's root) certificate: the public key transactions are verified against.
/// Revocation stops new transactions; earlier ones still verify because receipts carry the public key.
/// </summary>
public sealed record Certificate(
    string Id, string OrganisationId, string Name, IReadOnlyList<string> Roles, string PublicKey,
    long IssuedAtHeight, string IssuedBy, long? RevokedAtHeight, string? RevokedBy, string? RevocationReason)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRevoked => RevokedAtHeight is not null;
}
