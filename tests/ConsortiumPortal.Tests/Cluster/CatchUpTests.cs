using System.Diagnostics;
using System.Net;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// Catch-up outside Raft (issue 4 item 3), with three real node processes made by `init --nodes 3 --demo`. The nodes run
/// with a tiny Raft snapshot interval, so the leader's log is compacted while node-3 is down and node-3 receives a
/// snapshot (only the ledger height) instead of the entries: it must fetch the blocks from its peers over the node-signed
/// GET /internal/blocks, check them and apply them in order. Only consortium nodes can pull blocks.
/// </summary>
public sealed class CatchUpTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Payers = ["steel-works", "data-park", "retail-one", "gen-wind", "px-center", "grid-east"];

    /// <summary>The figure is 20,000 transactions; CI runs 2,000 unless CLUSTER_SOAK=1.</summary>
    private static readonly int TransactionCount = Environment.GetEnvironmentVariable("CLUSTER_SOAK") == "1" ? 20_000 : 2_000;

    private const int SnapshotInterval = 8;

    private readonly TempDirectory _temp = new();
    private readonly List<ClusterNode> _nodes = [];
    private DemoLedger _signers = null!;

    public async Task InitializeAsync()
    {
        var (raftBase, httpBase) = FreePorts.Range(3);
        var init = await Executable.RunAsync(TimeSpan.FromSeconds(120), "init", "--data", _temp.Path, "--nodes", "3",
            "--base-port", raftBase.ToString(), "--http-base-port", httpBase.ToString(), "--demo");
        Assert.True(init.ExitCode == 0, init.ToString());
        _signers = DemoLedger.Open(_temp.Sub("node-1"));
        for (var i = 1; i <= 3; i++)
        {
            var dir = _temp.Sub($"node-{i}");
            // A node process runs in its data directory (its content root): an appsettings.json there configures it.
            // Snapshot every 8 entries, and let the block sync's progress reach the log the test reads.
            File.WriteAllText(Path.Combine(dir, "appsettings.json"), $$"""
                {
                  "Consortium": { "RaftSnapshotInterval": {{SnapshotInterval}} },
                  "Logging": { "LogLevel": { "ConsortiumPortal.Chain.Raft.Ordering": "Information" } }
                }
                """);
            _nodes.Add(new ClusterNode(dir));
        }
        await Task.WhenAll(_nodes.Select(n => n.StartAsync(Timeout)));
        await ClusterWaits.WaitForClusterAsync(_nodes, 3);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_node_stopped_while_thousands_of_transactions_commit_catches_up_from_its_peers_after_a_snapshot_and_converges()
    {
        var laggard = _nodes[2];
        var others = _nodes.Take(2).ToList();
        var before = (await laggard.StatusAsync()).Height;
        Assert.Equal(0, await laggard.StopAsync());

        // Signed before the clock starts; submitted in parallel to the two running nodes (a follower forwards to the leader).
        var height = (await others[0].StatusAsync()).Height;
        var txs = Enumerable.Range(0, TransactionCount)
            .Select(i => _signers.Transfer($"{Payers[i % Payers.Length]}/operator", Payers[(i + 1) % Payers.Length], 1, height, $"while node-3 is down #{i}"))
            .ToArray();
        var clock = Stopwatch.StartNew();
        await SubmitAllAsync(txs, others);
        clock.Stop();
        var leaderHeight = (await others[0].StatusAsync()).Height;
        output.WriteLine($"{TransactionCount} txs committed through node-1/node-2 in {clock.Elapsed.TotalSeconds:N1} s; height {before} -> {leaderHeight}");
        Assert.True(leaderHeight - before > 4 * SnapshotInterval, $"only {leaderHeight - before} blocks: too few to compact the Raft log");

        clock.Restart();
        await laggard.StartAsync(Timeout);
        await ClusterWaits.WaitForSameHeadAsync(_nodes, TimeSpan.FromSeconds(TransactionCount > 2_000 ? 300 : 120));
        output.WriteLine($"node-3 caught up from {before} to {leaderHeight} in {clock.Elapsed.TotalSeconds:N1} s");
        // The blocks came from the peers over HTTP, not from the Raft log.
        Assert.Contains("Catching up outside Raft", laggard.Log);
        output.WriteLine(string.Join("\n", laggard.Log.Split('\n').Where(l => l.Contains("atch") || l.Contains("snapshot", StringComparison.OrdinalIgnoreCase)).Take(10)));

        // And it keeps up afterwards: a write through node-3 commits everywhere.
        var after = _signers.Transfer("grid-east/operator", "steel-works", 1, leaderHeight, "after the catch-up");
        var answer = await laggard.Http.SubmitAsync(after);
        Assert.True(answer.IsCommitted, $"{answer}\n{laggard.Log}");
        await ClusterWaits.WaitForSameHeadAsync(_nodes, Timeout);

        await ClusterWaits.AssertStoppedNodesAgreeAsync(_nodes);
    }

    [Fact]
    public async Task Only_consortium_nodes_pull_blocks()
    {
        var node = _nodes[0];
        var status = await node.StatusAsync();
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var path = HttpBlockSource.PathAndQuery(1, 50);

        // No signature: 401, no blocks.
        using (var unsigned = await http.GetAsync(path.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
            Assert.NotEqual("application/octet-stream", unsigned.Content.Headers.ContentType?.MediaType);
        }

        // A key that is not a consortium node's, under a name that is not one: 403.
        var stranger = Sm2.Generate();
        using (var request = HttpBlockSource.SignedRequest(node.BaseAddress.ToString(), path, "node-9", stranger, status.GenesisHash))
        using (var refused = await http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.NotEqual("application/octet-stream", refused.Content.Headers.ContentType?.MediaType);
        }

        // A stranger's key claiming to be node-2: the signature does not verify (401).
        using (var request = HttpBlockSource.SignedRequest(node.BaseAddress.ToString(), path, "node-2", stranger, status.GenesisHash))
        using (var forged = await http.SendAsync(request))
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        // Another chain's genesis: 403.
        var nodeKey = NodeKey("node-2");
        using (var request = HttpBlockSource.SignedRequest(node.BaseAddress.ToString(), path, "node-2", nodeKey, new string('0', 64)))
        using (var otherChain = await http.SendAsync(request))
            Assert.Equal(HttpStatusCode.Forbidden, otherChain.StatusCode);

        // A signed request whose query was changed after signing: 401.
        using (var request = HttpBlockSource.SignedRequest(node.BaseAddress.ToString(), path, "node-2", nodeKey, status.GenesisHash))
        {
            request.RequestUri = new Uri(node.BaseAddress, HttpBlockSource.PathAndQuery(0, 200).TrimStart('/'));
            using var tampered = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        }

        // node-2's own key: the blocks, which check out (hash links) against the node's chain.
        using (var request = HttpBlockSource.SignedRequest(node.BaseAddress.ToString(), path, "node-2", nodeKey, status.GenesisHash))
        using (var ok = await http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("application/octet-stream", ok.Content.Headers.ContentType?.MediaType);
            var blocks = BlockFrames.Read(await ok.Content.ReadAsByteArrayAsync()).Select(b => Block.Deserialize(b)).ToList();
            Assert.Equal(Math.Min(50, status.Height), blocks.Count);
            Assert.Equal(Enumerable.Range(1, blocks.Count).Select(i => (long)i), blocks.Select(b => b.Height));
            for (var i = 1; i < blocks.Count; i++) Assert.Equal(blocks[i - 1].Header.HashHex(), blocks[i].Header.PrevHash);
        }
    }

    // ---- helpers ----

    private Sm2KeyPair NodeKey(string nodeId)
    {
        var dir = _temp.Sub(nodeId);
        var keys = new Chain.Keys.Keystore(Path.Combine(dir, "keystore.json"), Hex.Decode(File.ReadAllText(Path.Combine(dir, "master.key")).Trim()));
        return keys.Get(Chain.Keys.Keystore.NodeKeyId(nodeId));
    }

    /// <summary>Submits every transaction (wait=true) with bounded parallelism, round-robin over the nodes; retries 503s.</summary>
    private static async Task SubmitAllAsync(IReadOnlyList<SignedTransaction> txs, IReadOnlyList<ClusterNode> nodes)
    {
        using var gate = new SemaphoreSlim(96);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(txs.Select(async (tx, i) =>
        {
            await gate.WaitAsync();
            try
            {
                var node = nodes[i % nodes.Count];
                for (var attempt = 0; ; attempt++)
                {
                    var answer = await node.Http.SubmitAsync(tx);
                    if (answer.IsCommitted) return;
                    // "duplicate": an earlier attempt did commit it.
                    if (answer.Raw.Contains("duplicate")) return;
                    if (attempt < 20 && (answer.Status == HttpStatusCode.ServiceUnavailable || answer.Status == HttpStatusCode.Accepted))
                    {
                        await Task.Delay(200);
                        continue;
                    }
                    failures.Add($"{node.NodeId}: {answer}");
                    return;
                }
            }
            finally { gate.Release(); }
        }));
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
    }


}
