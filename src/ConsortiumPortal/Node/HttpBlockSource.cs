using System.Buffers.Binary;
using System.Globalization;
using ConsortiumPortal.Chain.Crypto;

namespace ConsortiumPortal.Node;

/// <summary>
/// Fetches committed blocks from a peer's GET /internal/blocks?from=H&amp;max=N, signed with this node's key like forwarded
/// transactions (<see cref="NodeRequestSignature"/>; the signed path includes the query). The answer is
/// application/octet-stream: per block a big-endian u32 length and the serialized block (<see cref="BlockFrames"/>).
/// </summary>
public sealed class HttpBlockSource(string nodeId, Sm2KeyPair nodeKey, string genesisHash) : Chain.Raft.Ordering.IBlockSource, IDisposable
{
    public const string Path = "/internal/blocks";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The request path with its query, exactly as signed and as the server sees it.</summary>
    public static string PathAndQuery(long from, int max) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}?from={from}&max={max}");

    /// <summary>A node-signed GET of <paramref name="pathAndQuery"/> (also used by tests with other keys).</summary>
    public static HttpRequestMessage SignedRequest(string baseUrl, string pathAndQuery, string nodeId, Sm2KeyPair key, string genesisHash)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), pathAndQuery.TrimStart('/')));
        request.Headers.Add(NodeRequestSignature.NodeHeader, nodeId);
        request.Headers.Add(NodeRequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(NodeRequestSignature.GenesisHeader, genesisHash);
        request.Headers.Add(NodeRequestSignature.SignatureHeader, Hex.Encode(key.Sign(NodeRequestSignature.Message("GET", pathAndQuery, timestamp, []))));
        return request;
    }

    public async Task<IReadOnlyList<byte[]>> GetBlocksAsync(string peerUrl, long from, int max, CancellationToken token)
    {
        using var request = SignedRequest(peerUrl, PathAndQuery(from, max), nodeId, nodeKey, genesisHash);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{peerUrl} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
        if (response.Content.Headers.ContentLength > BlockFrames.MaxResponseBytes + 64L * 1024 * 1024)
            throw new HttpRequestException($"{peerUrl} sent an oversized block batch");
        var body = await response.Content.ReadAsByteArrayAsync(token);
        return BlockFrames.Read(body);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The body of GET /internal/blocks: per block a big-endian u32 length, then the serialized block.</summary>
public static class BlockFrames
{
    /// <summary>Blocks per answer at most.</summary>
    public const int MaxBlocks = 200;

    /// <summary>An answer stops adding blocks once it reaches this size (it always holds at least one block).</summary>
    public const int MaxResponseBytes = 8 * 1024 * 1024;

    public static void Write(Stream output, byte[] block)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)block.Length);
        output.Write(length);
        output.Write(block);
    }

    public static IReadOnlyList<byte[]> Read(ReadOnlySpan<byte> body)
    {
        var blocks = new List<byte[]>();
        while (!body.IsEmpty)
        {
            if (body.Length < 4) throw new FormatException("truncated block frame");
            var length = BinaryPrimitives.ReadUInt32BigEndian(body);
            if (length > (uint)(body.Length - 4)) throw new FormatException("truncated block frame");
            blocks.Add(body.Slice(4, (int)length).ToArray());
            body = body[(4 + (int)length)..];
        }
        return blocks;
    }
}
