using ConsortiumPortal.Chain.Crypto;

namespace ConsortiumPortal.Node;

/// <summary>
/// How one consortium node authenticates an HTTP request to another (forwarded transactions today): headers name the
/// sending node, the time (Unix ms) and its genesis hash, and carry an SM2 signature (raw r||s, hex) by the node key
/// over the UTF-8 of "METHOD|path|timestamp|hex(SM3(body))". The receiver checks the key against membership/node/{id}
/// in its committed state, the genesis hash against its own, and the timestamp against <see cref="Window"/>.
/// </summary>
public static class NodeRequestSignature
{
    public const string NodeHeader = "X-Consortium-Node";
    public const string TimestampHeader = "X-Consortium-Timestamp";
    public const string GenesisHeader = "X-Consortium-Genesis";
    public const string SignatureHeader = "X-Consortium-Signature";

    /// <summary>How far a request's timestamp may be from the receiver's clock (both ways).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static byte[] Message(string method, string path, long timestamp, ReadOnlySpan<byte> body) =>
        System.Text.Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}|{path}|{timestamp}|{Hex.Encode(Sm3.Hash(body))}");
}

/// <summary>Forwards a follower's admitted transactions to the leader's POST /internal/transactions, signed with the node key.</summary>
public sealed class LeaderForwarder(string nodeId, Sm2KeyPair nodeKey, string genesisHash) : Chain.Raft.Ordering.ITransactionForwarder, IDisposable
{
    public const string Path = "/internal/transactions";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async Task<IReadOnlyDictionary<string, Chain.AdmissionError>> ForwardAsync(string leaderUrl, IReadOnlyList<Chain.Model.SignedTransaction> transactions,
        CancellationToken token)
    {
        // The body is a JSON array of wire transactions, each exactly as its submitter sent it (canonical form).
        var body = System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", transactions.Select(t => t.ToJson())) + "]");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(leaderUrl.TrimEnd('/') + "/"), Path.TrimStart('/')))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.Add(NodeRequestSignature.NodeHeader, nodeId);
        request.Headers.Add(NodeRequestSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(NodeRequestSignature.GenesisHeader, genesisHash);
        request.Headers.Add(NodeRequestSignature.SignatureHeader, Hex.Encode(nodeKey.Sign(NodeRequestSignature.Message("POST", Path, timestamp, body))));
        using var response = await _http.SendAsync(request, token);
        var text = await response.Content.ReadAsStringAsync(token);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{leaderUrl} answered {(int)response.StatusCode}: {text}");
        var answer = System.Text.Json.JsonSerializer.Deserialize<ForwardAnswer>(text, Chain.Encoding.CanonicalJson.SerializerOptions);
        return (answer?.Refused ?? []).ToDictionary(r => r.TxId, r => new Chain.AdmissionError(r.Code, r.Message), StringComparer.Ordinal);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The leader's answer to forwarded transactions: those it refused (the others are pending in its mempool).</summary>
public sealed record ForwardAnswer(IReadOnlyList<ForwardRefusal> Refused);

public sealed record ForwardRefusal(string TxId, string Code, string Message);
