using System.Security.Claims;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// Whose key signs a metering write. A person signed in to the portal signs with their own certificate. A member
/// system calling with its organisation's API key acts for the organisation, so it signs with the organisation's root
/// certificate (which holds the organisation's roles) - possible only on the organisation's own node, whose keystore
/// holds that key; elsewhere the system submits transactions it signed itself to /api/transactions.
/// </summary>
public sealed class MeteringSigner(NodeHostedService node)
{
    /// <summary>The certificate id that signs for <paramref name="user"/>, or null with the reason it cannot sign here.</summary>
    public async Task<(string? CertificateId, string? Problem)> ResolveAsync(ClaimsPrincipal user)
    {
        var runtime = await node.Runtime;
        if (user.CertificateId() is { } certificate)
            return runtime.Keys.Contains(certificate) ? (certificate, null) : (null, $"this node does not hold the key of {certificate}");
        if (user.OrganisationId() is { } organisation)
            return runtime.Keys.Contains(organisation)
                ? (organisation, null)
                : (null, $"this node does not hold {organisation}'s key: sign the transactions yourself and post them to /api/transactions");
        return (null, "the caller has no organisation");
    }

    public async Task<SignedTransaction> SignAsync(string certificateId, string contract, string method, object args)
    {
        var runtime = await node.Runtime;
        return new TxBuilder(runtime.Ledger.ChainId, certificateId, runtime.Keys.Get(certificateId)).Build(contract, method, args, runtime.Ledger.Height);
    }
}
