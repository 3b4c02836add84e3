using System.Net;
using ConsortiumPortal.Tests.Support;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// A demo consortium of node processes on 127.0.0.1, made by `init --nodes N --demo`, started and formed (one leader,
/// every node a member and at the same head). The demo keeps every organisation's and person's key in node-1's
/// keystore, so <see cref="Signers"/> signs as anyone.
/// </summary>
internal sealed class DemoCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private DemoCluster(TempDirectory temp, int raftBase, int httpBase)
    {
        Temp = temp;
        RaftBase = raftBase;
        HttpBase = httpBase;
    }

    public TempDirectory Temp { get; }
    public List<ClusterNode> Nodes { get; } = [];
    public DemoLedger Signers { get; private set; } = null!;
    /// <summary>Node i (from 1) listens for Raft on RaftBase + i and for HTTP on HttpBase + i.</summary>
    public int RaftBase { get; }
    public int HttpBase { get; }

    /// <param name="spareNodes">port slots kept free after the founders, for nodes a test adds later</param>
    public static async Task<DemoCluster> StartAsync(int count = 3, int spareNodes = 0)
    {
        var (raftBase, httpBase) = FreePorts.Range(count + spareNodes);
        var cluster = new DemoCluster(new TempDirectory(), raftBase, httpBase);
        try
        {
            var init = await Executable.RunAsync(TimeSpan.FromSeconds(120), "init", "--data", cluster.Temp.Path, "--nodes", count.ToString(),
                "--base-port", raftBase.ToString(), "--http-base-port", httpBase.ToString(), "--demo");
            Assert.True(init.ExitCode == 0, init.ToString());
            cluster.Signers = DemoLedger.Open(cluster.Temp.Sub("node-1"));
            for (var i = 1; i <= count; i++) cluster.Nodes.Add(new ClusterNode(cluster.Temp.Sub($"node-{i}")));
            await Task.WhenAll(cluster.Nodes.Select(n => n.StartAsync(StartTimeout)));
            await ClusterWaits.WaitForClusterAsync(cluster.Nodes, count);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Organisations that pay each other in the cluster tests' transfers (each has a demo opening balance).</summary>
    public static readonly string[] Payers = ["steel-works", "data-park", "retail-one", "gen-wind", "px-center", "grid-east"];

    /// <summary>Sends <paramref name="perNode"/> transfers to each node at once (wait=true); every one must commit. Returns each one's id and height.</summary>
    public async Task<List<(string TxId, long Height)>> SubmitToEveryNodeAsync(IReadOnlyList<ClusterNode> nodes, int perNode, string memo)
    {
        var height = (await nodes[0].StatusAsync()).Height;
        var results = await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, perNode).Select(async i =>
        {
            var payer = Payers[(n * perNode + i) % Payers.Length];
            var tx = Signers.Transfer($"{payer}/operator", Payers[(n * perNode + i + 1) % Payers.Length], 1 + i, height, $"{memo} via {node.NodeId} #{i}");
            var answer = await node.Http.SubmitAsync(tx);
            Assert.True(answer.IsCommitted, $"{node.NodeId}: {answer}\n{node.Log}");
            return (tx.IdHex, answer.Json.GetProperty("height").GetInt64());
        })));
        return results.ToList();
    }

    /// <summary>Submits a fresh transfer (wait=true) until one commits; a 503 (no leader yet), a 202 or a lost connection is retried.</summary>
    public async Task<(string TxId, long Height)> SubmitUntilCommittedAsync(ClusterNode node, string payer, string memo, long height)
    {
        var deadline = DateTime.UtcNow + ClusterWaits.DefaultTimeout;
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            var tx = Signers.Transfer($"{payer}/operator", "grid-east", 1, height, $"{memo} #{attempt}");
            try
            {
                var answer = await node.Http.SubmitAsync(tx);
                if (answer.IsCommitted) return (tx.IdHex, answer.Json.GetProperty("height").GetInt64());
                if (answer.Status != HttpStatusCode.ServiceUnavailable && answer.Status != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"{node.NodeId}: {answer}");
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{node.NodeId} committed nothing within {ClusterWaits.DefaultTimeout}:\n{node.Log}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        Temp.Dispose();
    }
}
