using System.Globalization;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>
/// GET /internal/blocks?from=H&amp;max=N: committed blocks for a node that catches up outside Raft (issue 4 item 3). Only
/// consortium nodes may pull blocks: the request is node-signed as forwarded transactions are (<see cref="NodeRequestSignature"/>;
/// here the signed path includes the query string, the body is empty), the key is checked against membership/node/{id}
/// in committed state, within the timestamp window, from a node with this genesis. Unsigned or badly signed: 401;
/// unknown node or another genesis: 403. At most <see cref="BlockFrames.MaxBlocks"/> blocks or about
/// <see cref="BlockFrames.MaxResponseBytes"/> per answer; the body is <see cref="BlockFrames"/> (application/octet-stream),
/// and X-Consortium-Height tells this node's height.
/// </summary>
public static class BlockSyncApi
{
    public const string HeightHeader = "X-Consortium-Height";

    public static IEndpointRouteBuilder MapBlockSyncApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(HttpBlockSource.Path, ServeAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ServeAsync(HttpContext context, NodeHostedService host, CancellationToken token)
    {
        var runtime = await host.Runtime;
        var request = context.Request;
        if (NodeRequestAuthentication.Authenticate(request, [], runtime) is { } refused) return refused;
        if (!long.TryParse(request.Query["from"], NumberStyles.None, CultureInfo.InvariantCulture, out var from) || from < 0)
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "malformed", "from: a block height (0 or more)");
        var max = BlockFrames.MaxBlocks;
        if (request.Query.ContainsKey("max") &&
            (!int.TryParse(request.Query["max"], NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1))
            return LedgerApi.Problem(StatusCodes.Status400BadRequest, "malformed", "max: a number of blocks (1 or more)");
        max = Math.Min(max, BlockFrames.MaxBlocks);

        var height = runtime.Ledger.Height;
        using var body = new MemoryStream();
        for (var h = from; h <= height && h < from + max; h++)
        {
            token.ThrowIfCancellationRequested();
            if (runtime.Ledger.Store.GetBlock(h) is not { } stored) break;
            var serialized = stored.Block.Serialize();
            if (body.Length > 0 && body.Length + 4 + serialized.Length > BlockFrames.MaxResponseBytes) break;
            BlockFrames.Write(body, serialized);
        }
        context.Response.Headers[HeightHeader] = height.ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(body.ToArray(), "application/octet-stream");
    }
}
