using System.Security.Claims;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ConsortiumPortal.Identity;

/// <summary>Claim types the portal adds to a signed-in person.</summary>
public static class PortalClaimTypes
{
    public const string Organisation = "consortium/org";
    public const string Certificate = "consortium/cert";
    public const string DisplayName = "consortium/name";
}

public static class ClaimsPrincipalExtensions
{
    public static string? OrganisationId(this ClaimsPrincipal user) => user.FindFirst(PortalClaimTypes.Organisation)?.Value;
    public static string? CertificateId(this ClaimsPrincipal user) => user.FindFirst(PortalClaimTypes.Certificate)?.Value;
    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirst(PortalClaimTypes.DisplayName)?.Value ?? user.Identity?.Name ?? "";
}

/// <summary>
/// Builds the signed-in principal from the person's certificate on chain: organisation, certificate id and the
/// certificate's roles (the ledger is the truth about who may do what; a revoked certificate carries no role).
/// </summary>
public sealed class ChainClaimsPrincipalFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options, NodeHostedService node)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PortalClaimTypes.Organisation, user.OrganisationId));
        identity.AddClaim(new Claim(PortalClaimTypes.Certificate, user.CertificateId));
        identity.AddClaim(new Claim(PortalClaimTypes.DisplayName, user.DisplayName));
        var runtime = await node.Runtime;
        var certificate = MembershipContract.Read<Certificate>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Certificate(user.CertificateId));
        if (certificate is { IsRevoked: false })
        {
            var organisation = MembershipContract.Read<Organisation>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Organisation(certificate.OrganisationId));
            foreach (var role in certificate.Roles.Where(r => r == Chain.Execution.Roles.OrgAdmin || organisation?.Roles.Contains(r) == true))
                identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }
        return identity;
    }
}
