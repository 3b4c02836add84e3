using System.Collections.Concurrent;
using System.Text.Json;
using ConsortiumPortal.Chain.Raft.Consensus;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>
/// The Cluster page's data from the running node: its Raft and ledger status, and each peer's height and readiness
/// from the peer's anonymous /health/ready (its HTTP URL comes from the Raft member metadata "httpUrl"). Peers are
/// probed in parallel with a short timeout; answers are cached for <see cref="ProbeCache"/> so live pages following
/// fast blocks do not flood the peers.
/// </summary>
public sealed class NodeClusterStatusSource : IClusterStatusSource, IDisposable
{
    public const string HttpClientName = "cluster-probe";
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(1500);
    public static readonly TimeSpan ProbeCache = TimeSpan.FromSeconds(2);

    private readonly NodeHostedService _node;
    private readonly IHttpClientFactory _http;
    private readonly ClusterCounters _counters;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Task<PeerProbe> Probe)> _probes = new();

    public NodeClusterStatusSource(NodeHostedService node, IHttpClientFactory http, ClusterCounters counters, TimeProvider clock)
    {
        _node = node; _http = http; _counters = counters; _clock = clock;
        _counters.BlockCommitted += OnBlockCommitted;
    }

    public event Action? Changed;

    private void OnBlockCommitted() => Changed?.Invoke();

    public async Task<ClusterView> GetAsync(CancellationToken token)
    {
        var runtime = await _node.Runtime.WaitAsync(token);
        var status = runtime.Node.ClusterStatus();
        var peers = status.Raft.Members.Where(m => !m.IsLocal && m.HttpUrl is { Length: > 0 }).ToArray();
        var answers = await Task.WhenAll(peers.Select(p => ProbeCachedAsync(p)));
        var probes = new Dictionary<string, PeerProbe>();
        for (var i = 0; i < peers.Length; i++) probes[peers[i].Endpoint] = answers[i];
        return ClusterView.Build(status, probes);
    }

    private Task<PeerProbe> ProbeCachedAsync(RaftMemberStatus peer)
    {
        var now = _clock.GetUtcNow();
        var key = peer.Endpoint + " " + peer.HttpUrl;
        if (_probes.TryGetValue(key, out var cached) && now - cached.At < ProbeCache) return cached.Probe;
        var probe = ProbeAsync(peer.HttpUrl!);
        _probes[key] = (now, probe);
        return probe;
    }

    private async Task<PeerProbe> ProbeAsync(string httpUrl)
    {
        try
        {
            using var cts = new CancellationTokenSource(ProbeTimeout);
            var client = _http.CreateClient(HttpClientName);
            using var response = await client.GetAsync(new Uri(new Uri(httpUrl.TrimEnd('/') + "/"), "health/ready"), cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                return new PeerProbe(true,
                    root.TryGetProperty("nodeId", out var id) ? id.GetString() : null,
                    root.TryGetProperty("height", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt64() : null,
                    root.TryGetProperty("ready", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null,
                    root.TryGetProperty("reason", out var why) && why.ValueKind == JsonValueKind.String ? why.GetString() : null);
            }
            catch (JsonException)
            {
                return new PeerProbe(true, null, null, null, $"/health/ready answered {(int)response.StatusCode} without a status document");
            }
        }
        catch (OperationCanceledException)
        {
            return new PeerProbe(false, null, null, null, $"no answer within {ProbeTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or UriFormatException or IOException)
        {
            return new PeerProbe(false, null, null, null, e.Message);
        }
    }

    public void Dispose() => _counters.BlockCommitted -= OnBlockCommitted;
}
