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
        var (raftBase, httpBase) = PortRange.Find(count + spareNodes);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        Temp.Dispose();
    }
}
