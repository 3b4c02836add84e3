using System.Security.Claims;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Identity;

/// <summary>
/// Every action a person takes in the portal is a transaction signed with their own SM2 key, unsealed from the
/// keystore only for the signature. Pages call <see cref="SubmitAsync"/> and show what happened on chain.
/// </summary>
public sealed class PersonSigner(NodeHostedService node)
{
    public async Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string contract, string method, object args)
    {
        var runtime = await node.Runtime;
        var certificateId = user.CertificateId() ?? throw new InvalidOperationException("the signed-in person has no certificate");
        var builder = new TxBuilder(runtime.Ledger.ChainId, certificateId, runtime.Keys.Get(certificateId));
        var tx = builder.Build(contract, method, args, runtime.Ledger.Height);
        return await runtime.Node.SubmitAsync(tx);
    }
}
