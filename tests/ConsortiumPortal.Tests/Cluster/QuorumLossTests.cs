using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// Quorum loss in a consortium of three node processes (`init --nodes 3 --demo`): with two of the three SIGKILLed, the
/// survivor refuses writes with a 503 problem detail within a few seconds, whether it was a follower (leader and a
/// follower killed) or the leader (both followers killed); nothing it refused is ever committed; restarting one
/// killed node restores writes, the running nodes converge and `verify --data` passes on every node.
/// </summary>
public sealed class QuorumLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    /// <summary>Longest a single submission to the survivor may take (it asks wait=true, which may wait 30 s for a commit).</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(8);
    /// <summary>From the kill until the survivor refuses writes (a leader notices the lost quorum within a few election timeouts).</summary>
    private static readonly TimeSpan RefusalBound = TimeSpan.FromSeconds(12);
    private static readonly string[] Payers = DemoCluster.Payers;

    private DemoCluster _cluster = null!;
    private List<ClusterNode> _nodes => _cluster.Nodes;
    private DemoLedger _signers => _cluster.Signers;

    public async Task InitializeAsync() => _cluster = await DemoCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public Task Leader_and_a_follower_killed_the_surviving_follower_refuses_writes_with_503_and_a_restart_restores_them() =>
        RunAsync(killLeader: true);

    [Fact]
    public Task Both_followers_killed_the_former_leader_refuses_writes_with_503_and_a_restart_restores_them() =>
        RunAsync(killLeader: false);

    private async Task RunAsync(bool killLeader)
    {
        await _cluster.SubmitToEveryNodeAsync(_nodes, perNode: 2, "before the quorum loss");
        await ClusterWaits.WaitForSameHeadAsync(_nodes);
        var leader = await ClusterWaits.LeaderAsync(_nodes);
        var followers = _nodes.Where(n => n != leader).ToList();
        var (survivor, killed) = killLeader ? (followers[0], new[] { leader, followers[1] }) : (leader, followers.ToArray());
        var height = (await survivor.StatusAsync()).Height;
        output.WriteLine($"leader {leader.NodeId}; killing {string.Join(", ", killed.Select(n => n.NodeId))}; survivor {survivor.NodeId} at height {height}");

        var clock = Stopwatch.StartNew();
        foreach (var node in killed) node.Kill();
        // What the survivor says about leadership meanwhile (how long DotNext keeps a leader without quorum leading).
        using var watching = new CancellationTokenSource();
        var views = new List<string>();
        var watcher = Task.Run(async () =>
        {
            string? last = null;
            while (!watching.IsCancellationRequested)
            {
                if (await survivor.TryStatusAsync() is { } s && $"isLeader={s.IsLeader} leader={s.Leader ?? "none"}" is var view && view != last)
                {
                    lock (views) views.Add($"{clock.Elapsed.TotalSeconds,6:N2} s: {survivor.NodeId} {view}");
                    last = view;
                }
                await Task.Delay(100);
            }
        });

        // Submit fresh transfers (wait=true) to the survivor until it has refused several in a row. Every answer comes
        // within AnswerBound; an answer is either a 503 problem detail or, for a transaction the node had already handed
        // to Raft (or to the leader) when the quorum went, an honest 202 "pending" (its outcome is not known yet).
        var refused = new List<string>();
        var pending = new List<string>();
        var refusedInARow = 0;
        TimeSpan? firstRefusal = null;
        for (var attempt = 0; refusedInARow < 4; attempt++)
        {
            Assert.True(clock.Elapsed < RefusalBound + AnswerBound,
                $"{survivor.NodeId} still did not refuse writes {clock.Elapsed.TotalSeconds:N1} s after the quorum loss:\n{survivor.Log}");
            var tx = _signers.Transfer($"{Payers[attempt % Payers.Length]}/operator", "grid-east", 1, height, $"quorum lost #{attempt}");
            var asked = clock.Elapsed;
            var answer = await survivor.Http.SubmitAsync(tx);
            var took = clock.Elapsed - asked;
            output.WriteLine($"{asked.TotalSeconds,6:N2} s: {(int)answer.Status} {answer.Title ?? answer.State} in {took.TotalSeconds:N2} s");
            Assert.True(took < AnswerBound, $"a submission to {survivor.NodeId} took {took.TotalSeconds:N1} s: {answer}");
            if (answer.Status == HttpStatusCode.ServiceUnavailable)
            {
                AssertQuorumProblem(answer, tx.IdHex);
                refused.Add(tx.IdHex);
                refusedInARow++;
                firstRefusal ??= clock.Elapsed;
            }
            else
            {
                Assert.True(answer.Status == HttpStatusCode.Accepted && answer.State == "pending",
                    $"{survivor.NodeId} answered neither 503 nor 202 pending with two of three nodes down: {answer}\n{survivor.Log}");
                pending.Add(tx.IdHex);
                refusedInARow = 0;
            }
        }
        await watching.CancelAsync();
        await watcher;
        lock (views) foreach (var view in views) output.WriteLine(view);
        output.WriteLine($"first 503 after {firstRefusal!.Value.TotalSeconds:N2} s; {refused.Count} refused, {pending.Count} pending");
        Assert.True(firstRefusal < RefusalBound, $"the first 503 came {firstRefusal.Value.TotalSeconds:N1} s after the quorum loss");
        // A refused transaction is not kept anywhere on the survivor.
        foreach (var txId in refused) Assert.Null((await survivor.Http.TransactionAsync(txId)).State);
        var status = await survivor.StatusAsync();
        Assert.False(status.IsLeader, $"{survivor.NodeId} still claims to lead without a quorum");
        Assert.Null(status.Halted);

        // Restoring one node restores a majority: writes commit again.
        var restored = killed[0];
        await restored.StartAsync(Timeout);
        var running = new List<ClusterNode> { survivor, restored };
        clock.Restart();
        var (txAfter, committedAt) = await _cluster.SubmitUntilCommittedAsync(survivor, "data-park", "quorum restored", height);
        output.WriteLine($"{restored.NodeId} restarted; a write committed at height {committedAt} after {clock.Elapsed.TotalSeconds:N2} s");
        await _cluster.SubmitToEveryNodeAsync(running, perNode: 2, "two of three again");
        await ClusterWaits.WaitForSameHeadAsync(running);
        foreach (var node in running)
        {
            Assert.Equal("committed", (await node.Http.TransactionAsync(txAfter)).State);
            foreach (var txId in refused) Assert.Null((await node.Http.TransactionAsync(txId)).State);
        }
        foreach (var txId in pending)
            output.WriteLine($"{txId[..12]} (answered 202 pending): {(await survivor.Http.TransactionAsync(txId)).State ?? "not committed"}");

        // Stopped cleanly (the never-restarted node stays as SIGKILL left it): every ledger verifies, none holds a
        // refused transaction, and the running nodes' world states are equal.
        foreach (var node in running) Assert.Equal(0, await node.StopAsync());
        SortedDictionary<string, string>? first = null;
        foreach (var node in _nodes)
        {
            var verify = await Executable.RunAsync("verify", "--data", node.DataDirectory);
            Assert.True(verify.ExitCode == 0, $"{node.NodeId}: {verify}");
            var ledger = DemoLedger.Open(node.DataDirectory);
            foreach (var txId in refused) Assert.Equal(0, ledger.TransactionRows(txId));
            if (!running.Contains(node)) continue;
            var state = ledger.State();
            if (first is null) first = state;
            else Assert.Equal(first, state);
        }
    }

    private static void AssertQuorumProblem(LedgerHttp.Submission answer, string txId)
    {
        Assert.True(answer.Title is "no-leader" or "quorum-lost", $"503 with an unexpected title: {answer}");
        var detail = answer.Json.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        Assert.Contains("retry", detail, StringComparison.OrdinalIgnoreCase);
        Assert.True(detail.Contains("leader", StringComparison.OrdinalIgnoreCase) || detail.Contains("quorum", StringComparison.OrdinalIgnoreCase) ||
                    detail.Contains("majority", StringComparison.OrdinalIgnoreCase), $"the detail does not say why: {answer}");
        Assert.Equal(txId, answer.Json.GetProperty("txId").GetString());
        Assert.Equal(JsonValueKind.String, answer.Json.GetProperty("type").ValueKind);
    }
}
