using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Node;
using System.Globalization;
using System.Text.Json;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>
/// Node-to-node requests (forwarded transactions, block sync) are signed by the calling node's SM2 key: this checks the
/// headers against the node's key in membership state, this chain's genesis hash and a timestamp window.
/// Returns the problem to answer, or null when the caller is a consortium node.
/// </summary>
internal static class NodeRequestAuthentication
{
    public static IResult? Authenticate(HttpRequest request, byte[] body, NodeRuntime runtime)
    {
        string? Header(string name) => request.Headers.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;
        IResult Unauthorized(string detail) => LedgerApi.Problem(StatusCodes.Status401Unauthorized, "unauthenticated-node", detail);

        var nodeId = Header(NodeRequestSignature.NodeHeader);
        var timestampText = Header(NodeRequestSignature.TimestampHeader);
        var genesis = Header(NodeRequestSignature.GenesisHeader);
        var signatureHex = Header(NodeRequestSignature.SignatureHeader);
        if (nodeId is null || timestampText is null || genesis is null || signatureHex is null)
            return Unauthorized("a consortium node signs this request: send the node, timestamp, genesis and signature headers");
        if (!string.Equals(genesis, runtime.Ledger.GenesisHash, StringComparison.OrdinalIgnoreCase))
            return LedgerApi.Problem(StatusCodes.Status403Forbidden, "wrong-genesis", $"this node's genesis is {runtime.Ledger.GenesisHash}, not {genesis}");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - timestamp) > NodeRequestSignature.Window.TotalMilliseconds)
            return Unauthorized($"the timestamp is missing or more than {NodeRequestSignature.Window.TotalSeconds:N0} s from this node's clock");
        if (MembershipContract.Read<ConsortiumNode>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Node(nodeId)) is not { } node)
            return LedgerApi.Problem(StatusCodes.Status403Forbidden, "unknown-node", $"\"{nodeId}\" is not a node of this consortium");
        // The signed target includes the query string, so a block range cannot be changed after signing.
        var target = (request.Path.Value ?? "") + request.QueryString.Value;
        if (!Hex.TryDecode(signatureHex, out var signature)
            || !Sm2.Verify(Sm2.CachedPublicKeyFromHex(node.PublicKey), NodeRequestSignature.Message(request.Method, target, timestamp, body), signature))
            return Unauthorized($"the signature does not verify with node \"{nodeId}\"'s key");
        return null;
    }
}
