using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// Rounds of SIGKILL and restart of a random node while clients keep writing through every running node. Afterwards
/// every node holds every transaction that was acknowledged as committed, all heads are equal and `verify` passes.
/// The soak is 10 rounds (CLUSTER_SOAK=1); CI runs 2.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly int Rounds = Environment.GetEnvironmentVariable("CLUSTER_SOAK") == "1" ? 10 : 2;
    private static readonly string[] Payers = ["steel-works", "data-park", "retail-one", "gen-wind", "px-center", "grid-east"];

    private DemoCluster _cluster = null!;
    private List<ClusterNode> _nodes => _cluster.Nodes;
    private DemoLedger _signers => _cluster.Signers;

    public async Task InitializeAsync() => _cluster = await DemoCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Random_kill_9_and_restart_under_load_loses_no_acknowledged_transaction_and_every_node_verifies()
    {
        var acknowledged = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        var startHeight = (await _nodes[0].StatusAsync()).Height;
        var writers = Enumerable.Range(0, 6).Select(w => WriteUntilStoppedAsync(w, startHeight, acknowledged, stop.Token)).ToArray();
        var random = new Random(2026);
        var clock = Stopwatch.StartNew();

        for (var round = 1; round <= Rounds; round++)
        {
            var victim = _nodes[random.Next(_nodes.Count)];
            var before = acknowledged.Count;
            victim.Kill();
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 3000)));
            await victim.StartAsync(Timeout);
            await ClusterWaits.WaitForClusterAsync(_nodes, 3);
            output.WriteLine($"round {round}: killed {victim.NodeId}; {acknowledged.Count - before} txs acknowledged during the round; {clock.Elapsed.TotalSeconds:N0} s");
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await ClusterWaits.WaitForSameHeadAsync(_nodes);
        Assert.True(acknowledged.Count >= Rounds * 10, $"only {acknowledged.Count} transactions committed during the soak");
        output.WriteLine($"{acknowledged.Count} transactions acknowledged in {Rounds} rounds ({clock.Elapsed.TotalSeconds:N0} s)");

        // Every acknowledged transaction is on every node, at the height it was acknowledged at.
        foreach (var node in _nodes)
            foreach (var (txId, height) in acknowledged)
            {
                var (state, at, _) = await node.Http.TransactionAsync(txId);
                Assert.True(state == "committed" && at == height, $"{node.NodeId}: {txId} acknowledged at {height} is {state} at {at}");
            }
        await ClusterWaits.AssertStoppedNodesAgreeAsync(_nodes);
    }

    /// <summary>One client: fresh transfers through the running nodes in turn; a dead node, a 503 or a timeout is retried elsewhere.</summary>
    private async Task WriteUntilStoppedAsync(int writer, long height, ConcurrentDictionary<string, long> acknowledged, CancellationToken token)
    {
        var payer = Payers[writer % Payers.Length];
        var payee = Payers[(writer + 1) % Payers.Length];
        for (var i = 0; !token.IsCancellationRequested; i++)
        {
            var node = _nodes[(writer + i) % _nodes.Count];
            if (!node.IsRunning) continue;
            var tx = _signers.Transfer($"{payer}/operator", payee, 1, height, $"soak writer {writer} #{i}");
            try
            {
                var answer = await node.Http.SubmitAsync(tx, token: token);
                if (answer.IsCommitted) acknowledged[tx.IdHex] = answer.Json.GetProperty("height").GetInt64();
                else if (answer.Status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.Accepted or HttpStatusCode.BadGateway))
                    Assert.Fail($"{node.NodeId} refused a valid transaction: {answer}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException) { }
            // Expiry heights are relative to the height the transactions were built at: move it along.
            if (i % 50 == 49 && await node.TryStatusAsync() is { } status) height = status.Height;
        }
    }
}
