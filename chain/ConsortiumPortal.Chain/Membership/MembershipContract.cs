using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Chain.Membership;

/// <summary>
/// The membership registry: organisations with roles and keys from genesis, nodes, the governance policy, and the
/// person certificates each organisation issues and revokes. The ledger resolves every signer through it.
/// </summary>
public sealed partial class MembershipContract : Contract
{
    public const string ContractName = "membership";
    public override string Name => ContractName;

    public static class Keys
    {
        public const string Consortium = "membership/consortium";
        public const string OrganisationPrefix = "membership/org/";
        public const string CertificatePrefix = "membership/cert/";
        public const string NodePrefix = "membership/node/";
        public static string Organisation(string id) => OrganisationPrefix + id;
        public static string Certificate(string id) => CertificatePrefix + id;
        public static string Node(string id) => NodePrefix + id;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex OrganisationIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex PersonNamePattern();

    [ContractMethod("genesis")]
    public object Genesis(ContractContext ctx, GenesisDocument genesis)
    {
        ContractContext.Require(ctx.Height == 0 && ReferenceEquals(ctx.Caller, CallerIdentity.Genesis), "genesis runs only in block 0");
        ContractContext.Require(genesis.Organisations.Count > 0, "genesis needs at least one organisation");
        ContractContext.Require(genesis.Nodes.Count > 0, "genesis needs at least one node");
        ValidatePolicy(genesis.Policy);
        ctx.State.Put(Keys.Consortium, new Consortium(genesis.ChainId, genesis.Name, genesis.Timestamp, genesis.Policy));
        foreach (var org in genesis.Organisations)
        {
            ContractContext.Require(OrganisationIdPattern().IsMatch(org.Id), $"organisation id \"{org.Id}\" must match [a-z0-9-], at most 32 characters");
            ContractContext.Require(!ctx.State.Exists(Keys.Organisation(org.Id)), $"organisation \"{org.Id}\" appears twice");
            ContractContext.Require(org.Roles.Count > 0 && org.Roles.All(Roles.IsOrganisationRole), $"organisation \"{org.Id}\" has an unknown role");
            RequireValidKey(org.PublicKey);
            ctx.State.Put(Keys.Organisation(org.Id), new Organisation(org.Id, org.Name, org.Roles, org.PublicKey, 0));
            // The organisation's root certificate: its id is the organisation id; it holds every role of the
            // organisation and administers the organisation's people.
            ctx.State.Put(Keys.Certificate(org.Id), new Certificate(org.Id, org.Id, org.Name, [.. org.Roles, Roles.OrgAdmin],
                org.PublicKey, 0, "genesis", null, null, null));
        }
        foreach (var node in genesis.Nodes)
        {
            ContractContext.Require(ctx.State.Exists(Keys.Organisation(node.OrganisationId)), $"node \"{node.Id}\" names an unknown organisation");
            ContractContext.Require(!ctx.State.Exists(Keys.Node(node.Id)), $"node \"{node.Id}\" appears twice");
            RequireValidKey(node.PublicKey);
            ctx.State.Put(Keys.Node(node.Id), node);
        }
        ctx.Emit("ConsortiumFounded", new { chainId = genesis.ChainId, organisations = genesis.Organisations.Count, nodes = genesis.Nodes.Count });
        return new { genesis.ChainId };
    }

    public sealed record IssueCertificateArgs(string CertificateId, string Name, IReadOnlyList<string> Roles, string PublicKey);

    /// <summary>An organisation admin issues a certificate to one of the organisation's people.</summary>
    [ContractMethod("issueCertificate")]
    public object IssueCertificate(ContractContext ctx, IssueCertificateArgs args)
    {
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin, "only an organisation admin may issue certificates");
        var org = ctx.State.Get<Organisation>(Keys.Organisation(ctx.Caller.OrganisationId))
                  ?? throw new ContractException("the caller's organisation is not a member");
        var prefix = org.Id + "/";
        ContractContext.Require(args.CertificateId.StartsWith(prefix, StringComparison.Ordinal)
                                && PersonNamePattern().IsMatch(args.CertificateId[prefix.Length..]),
            $"certificate id must be \"{prefix}<name>\" with [a-z0-9._-], at most 64 characters");
        ContractContext.Require(!ctx.State.Exists(Keys.Certificate(args.CertificateId)), $"certificate \"{args.CertificateId}\" already exists");
        ContractContext.Require(!string.IsNullOrWhiteSpace(args.Name) && args.Name.Length <= 128, "name must be 1..128 characters");
        foreach (var role in args.Roles)
            ContractContext.Require(role == Roles.OrgAdmin || org.Roles.Contains(role), $"role \"{role}\" is not held by organisation \"{org.Id}\"");
        RequireValidKey(args.PublicKey);
        var certificate = new Certificate(args.CertificateId, org.Id, args.Name, args.Roles.Distinct().ToArray(), args.PublicKey,
            ctx.Height, ctx.Caller.CertificateId, null, null, null);
        ctx.State.Put(Keys.Certificate(args.CertificateId), certificate);
        ctx.Emit("CertificateIssued", new { certificateId = args.CertificateId, organisationId = org.Id, roles = certificate.Roles });
        return new { certificateId = args.CertificateId };
    }

    public sealed record RevokeCertificateArgs(string CertificateId, string Reason);

    /// <summary>Revokes a person's certificate: their later transactions are refused, earlier ones still verify.</summary>
    [ContractMethod("revokeCertificate")]
    public object RevokeCertificate(ContractContext ctx, RevokeCertificateArgs args)
    {
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin, "only an organisation admin may revoke certificates");
        var certificate = ctx.State.Get<Certificate>(Keys.Certificate(args.CertificateId))
                          ?? throw new ContractException($"certificate \"{args.CertificateId}\" does not exist");
        ContractContext.Require(certificate.OrganisationId == ctx.Caller.OrganisationId, "a certificate can be revoked only by its own organisation");
        ContractContext.Require(certificate.Id != certificate.OrganisationId, "an organisation's root certificate is changed through governance, not revoked");
        ContractContext.Require(!certificate.IsRevoked, $"certificate \"{args.CertificateId}\" is already revoked");
        ContractContext.Require(!string.IsNullOrWhiteSpace(args.Reason) && args.Reason.Length <= 256, "a reason of 1..256 characters is required");
        ctx.State.Put(Keys.Certificate(args.CertificateId), certificate with
        {
            RevokedAtHeight = ctx.Height, RevokedBy = ctx.Caller.CertificateId, RevocationReason = args.Reason,
        });
        ctx.Emit("CertificateRevoked", new { certificateId = args.CertificateId, reason = args.Reason });
        return new { certificateId = args.CertificateId, revokedAtHeight = ctx.Height };
    }

    public sealed record SetCertificateRolesArgs(string CertificateId, IReadOnlyList<string> Roles);

    /// <summary>
    /// An organisation admin changes the roles of one of the organisation's people. The root certificate keeps
    /// every role of the organisation (it changes through governance) and a revoked certificate stays as it was.
    /// </summary>
    [ContractMethod("setCertificateRoles")]
    public object SetCertificateRoles(ContractContext ctx, SetCertificateRolesArgs args)
    {
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin, "only an organisation admin may change roles");
        var certificate = ctx.State.Get<Certificate>(Keys.Certificate(args.CertificateId))
                          ?? throw new ContractException($"certificate \"{args.CertificateId}\" does not exist");
        ContractContext.Require(certificate.OrganisationId == ctx.Caller.OrganisationId, "roles can be changed only by the certificate's own organisation");
        ContractContext.Require(certificate.Id != certificate.OrganisationId, "an organisation's root certificate is changed through governance, not by an admin");
        ContractContext.Require(!certificate.IsRevoked, $"certificate \"{args.CertificateId}\" is revoked");
        var org = ctx.State.Get<Organisation>(Keys.Organisation(certificate.OrganisationId))
                  ?? throw new ContractException("the caller's organisation is not a member");
        ContractContext.Require(args.Roles is not null, "roles are required");
        foreach (var role in args.Roles!)
            ContractContext.Require(role == Roles.OrgAdmin || org.Roles.Contains(role), $"role \"{role}\" is not held by organisation \"{org.Id}\"");
        var roles = args.Roles.Distinct().ToArray();
        ctx.State.Put(Keys.Certificate(args.CertificateId), certificate with { Roles = roles });
        ctx.Emit("CertificateRolesChanged", new { certificateId = args.CertificateId, previous = certificate.Roles, roles });
        return new { certificateId = args.CertificateId, roles };
    }

    // ---- changes decided by governance (Contracts/Governance executes the proposals) ---------------------------
    // Each checks everything before it writes, so a refusal leaves no partial write in the caller's overlay.

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NodeIdPattern();

    /// <summary>Why an organisation cannot be admitted, or null.</summary>
    public static string? ExplainAdmission(ContractState state, GenesisOrganisation org)
    {
        if (org is null) return "an organisation is required";
        if (org.Id is null || !OrganisationIdPattern().IsMatch(org.Id)) return $"organisation id \"{org.Id}\" must match [a-z0-9-], at most 32 characters";
        if (state.Exists(Keys.Organisation(org.Id))) return $"organisation \"{org.Id}\" is already a member";
        if (string.IsNullOrWhiteSpace(org.Name) || org.Name.Length > 128) return "the organisation name is 1..128 characters";
        if (org.Roles is not { Count: > 0 } || !org.Roles.All(Roles.IsOrganisationRole)) return "the organisation needs one or more known roles";
        return ExplainKey(org.PublicKey);
    }

    /// <summary>A new member organisation, with its root certificate, as a proposal decided.</summary>
    public static void AdmitOrganisation(ContractContext ctx, GenesisOrganisation org, string decidedBy)
    {
        if (ExplainAdmission(ctx.State, org) is { } error) throw new ContractException(error);
        var roles = org.Roles.Distinct().ToArray();
        ctx.State.Put(Keys.Organisation(org.Id), new Organisation(org.Id, org.Name, roles, org.PublicKey, ctx.Height));
        ctx.State.Put(Keys.Certificate(org.Id), new Certificate(org.Id, org.Id, org.Name, [.. roles, Roles.OrgAdmin], org.PublicKey, ctx.Height, decidedBy, null, null, null));
        ctx.Emit("OrganisationAdmitted", new { organisationId = org.Id, name = org.Name, roles, decidedBy });
    }

    public static string? ExplainPolicy(GovernancePolicy policy) =>
        policy is not null && policy.ThresholdDenominator > 0 && policy.ThresholdNumerator > 0 && policy.ThresholdNumerator <= policy.ThresholdDenominator
            && policy.ThresholdDenominator <= 1_000
            ? null : "the governance threshold must be a fraction in (0, 1] with a denominator of at most 1000";

    public static void SetPolicy(ContractContext ctx, GovernancePolicy policy)
    {
        if (ExplainPolicy(policy) is { } error) throw new ContractException(error);
        var consortium = ctx.State.Get<Consortium>(Keys.Consortium) ?? throw new ContractException("the consortium has no genesis");
        ctx.State.Put(Keys.Consortium, consortium with { Policy = policy });
        ctx.Emit("GovernancePolicyChanged", new { previous = consortium.Policy, policy });
    }

    public static string? ExplainNewNode(ContractState state, ConsortiumNode node)
    {
        if (node is null) return "a node is required";
        if (node.Id is null || !NodeIdPattern().IsMatch(node.Id)) return $"node id \"{node.Id}\" must match [a-z0-9._-], at most 64 characters";
        if (state.Exists(Keys.Node(node.Id))) return $"node \"{node.Id}\" already exists";
        if (!state.Exists(Keys.Organisation(node.OrganisationId ?? ""))) return $"node \"{node.Id}\" names an unknown organisation";
        if (string.IsNullOrWhiteSpace(node.RaftEndpoint) || node.RaftEndpoint.Length > 256) return "the node needs a Raft endpoint (host:port)";
        if (!Uri.TryCreate(node.HttpUrl, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https")) return "the node needs an http(s) URL";
        return ExplainKey(node.PublicKey);
    }

    /// <summary>A node joins: the Raft layer subscribes to "NodeAdded" and adds it to the cluster configuration.</summary>
    public static void AddNode(ContractContext ctx, ConsortiumNode node)
    {
        if (ExplainNewNode(ctx.State, node) is { } error) throw new ContractException(error);
        ctx.State.Put(Keys.Node(node.Id), node);
        ctx.Emit("NodeAdded", node);
    }

    public static string? ExplainNodeRemoval(ContractState state, string nodeId)
    {
        if (nodeId is null || !state.Exists(Keys.Node(nodeId))) return $"node \"{nodeId}\" does not exist";
        if (state.Scan<ConsortiumNode>(Keys.NodePrefix).Take(2).Count() < 2) return "the last node cannot be removed";
        return null;
    }

    /// <summary>A node leaves: the Raft layer subscribes to "NodeRemoved" and removes it from the cluster configuration.</summary>
    public static void RemoveNode(ContractContext ctx, string nodeId)
    {
        if (ExplainNodeRemoval(ctx.State, nodeId) is { } error) throw new ContractException(error);
        ctx.State.Delete(Keys.Node(nodeId));
        ctx.Emit("NodeRemoved", new { nodeId });
    }

    /// <summary>The voting members: every member organisation has one vote.</summary>
    public static IReadOnlyList<Organisation> Organisations(ContractState state) =>
        state.Scan<Organisation>(Keys.OrganisationPrefix).Select(p => p.Value).ToList();

    private static string? ExplainKey(string publicKeyHex)
    {
        try { Sm2.PublicKeyFromHex(publicKeyHex ?? ""); return null; }
        catch (FormatException e) { return $"invalid SM2 public key: {e.Message}"; }
    }

    /// <summary>Resolves a signer for the ledger; the error says why a signer may not act.</summary>
    public static (CallerIdentity? Caller, Certificate? Certificate, string? Error) ResolveSigner(IStateReader state, string certificateId)
    {
        var certificate = Read<Certificate>(state, Keys.Certificate(certificateId));
        if (certificate is null) return (null, null, $"unknown signer certificate \"{certificateId}\"");
        if (certificate.IsRevoked) return (null, certificate, $"certificate \"{certificateId}\" was revoked at height {certificate.RevokedAtHeight}");
        var org = Read<Organisation>(state, Keys.Organisation(certificate.OrganisationId));
        if (org is null) return (null, certificate, $"organisation \"{certificate.OrganisationId}\" is not a member");
        return (new CallerIdentity(certificate.Id, org.Id, certificate.Roles, org.Roles), certificate, null);
    }

    public static T? Read<T>(IStateReader state, string key) where T : class
    {
        if (state.Get(key) is not { } json) return null;
        if (Parsed.Count > 50_000) Parsed.Clear();
        return (T)Parsed.GetOrAdd((typeof(T), json), static k => Encoding.CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(k.Json)));
    }

    // Membership records are read for every transaction and rarely change. The cache is keyed by the stored JSON
    // itself, so it can never return a stale record; records are immutable.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type Type, string Json), object> Parsed = new();

    private static void RequireValidKey(string publicKeyHex)
    {
        try { Sm2.PublicKeyFromHex(publicKeyHex); }
        catch (FormatException e) { throw new ContractException($"invalid SM2 public key: {e.Message}"); }
    }

    private static void ValidatePolicy(GovernancePolicy policy) =>
        ContractContext.Require(policy.ThresholdDenominator > 0 && policy.ThresholdNumerator > 0
                                && policy.ThresholdNumerator <= policy.ThresholdDenominator, "the governance threshold must be a fraction in (0, 1]");
}
