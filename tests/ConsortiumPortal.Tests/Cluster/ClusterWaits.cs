using Xunit;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>Waiting for a cluster of node processes to reach a state, with the nodes' logs in the failure message.</summary>
internal static class ClusterWaits
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ClusterNode> LeaderAsync(IReadOnlyList<ClusterNode> nodes)
    {
        var deadline = DateTime.UtcNow + DefaultTimeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in nodes)
                if (await node.TryStatusAsync() is { IsLeader: true }) return node;
            await Task.Delay(100);
        }
        throw new TimeoutException("no leader");
    }

    /// <summary>
    /// One leader that has every node as a Raft member, every node knows it, and every node has applied the chain so
    /// far: a follower still replaying the demo's certificates would refuse their holders as unknown signers.
    /// </summary>
    public static async Task WaitForClusterAsync(IReadOnlyList<ClusterNode> nodes, int members)
    {
        var deadline = DateTime.UtcNow + DefaultTimeout;
        ClusterStatus?[] statuses = [];
        while (DateTime.UtcNow < deadline)
        {
            statuses = await Task.WhenAll(nodes.Select(n => n.TryStatusAsync()));
            if (statuses.All(s => s is not null) && statuses.Count(s => s!.IsLeader) == 1
                && statuses.Single(s => s!.IsLeader)!.RaftMembers == members
                && statuses.Select(s => s!.Leader).Distinct().Count() == 1 && statuses[0]!.Leader is not null)
            {
                await WaitForSameHeadAsync(nodes, deadline - DateTime.UtcNow);
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the cluster did not form: " + string.Join("; ", statuses.Select(s => s?.ToString() ?? "no answer")) + Logs(nodes));
    }

    /// <summary>Stops every node (SIGTERM, exit 0), then `verify --data` passes on each and their world states are equal.</summary>
    public static async Task AssertStoppedNodesAgreeAsync(IReadOnlyList<ClusterNode> nodes)
    {
        foreach (var node in nodes) Assert.Equal(0, await node.StopAsync());
        SortedDictionary<string, string>? first = null;
        foreach (var node in nodes)
        {
            var verify = await Support.Executable.RunAsync("verify", "--data", node.DataDirectory);
            Assert.True(verify.ExitCode == 0, $"{node.NodeId}: {verify}");
            var state = Support.DemoLedger.Open(node.DataDirectory).State();
            if (first is null) first = state;
            else Assert.Equal(first, state);
        }
    }

    /// <summary>Every node answers with the same height and head hash, and none has halted.</summary>
    public static async Task WaitForSameHeadAsync(IReadOnlyList<ClusterNode> nodes, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        ClusterStatus?[] statuses = [];
        while (DateTime.UtcNow < deadline)
        {
            statuses = await Task.WhenAll(nodes.Select(n => n.TryStatusAsync()));
            Assert.All(statuses, s => Assert.Null(s?.Halted));
            if (statuses.All(s => s is not null) && statuses.Select(s => (s!.Height, s.HeadHash)).Distinct().Count() == 1) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the nodes did not converge: " +
                                   string.Join("; ", statuses.Select(s => s is null ? "no answer" : $"{s.NodeId} {s.Height} {s.HeadHash}")) +
                                   "\nreadiness: " + string.Join("; ", await Task.WhenAll(nodes.Select(ReadinessAsync))) + Logs(nodes));
    }

    /// <summary>A node's /health/ready answer (it names what the node waits for: leader, applied index, snapshot height).</summary>
    private static async Task<string> ReadinessAsync(ClusterNode node)
    {
        try
        {
            using var response = await node.Http.GetAsync("health/ready");
            return $"{node.NodeId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return $"{node.NodeId}: {e.Message}"; }
    }

    private static string Logs(IReadOnlyList<ClusterNode> nodes) => "\n" + string.Join("\n---\n", nodes.Select(n => n.NodeId + ":\n" + n.Log));
}
