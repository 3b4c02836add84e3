using ConsortiumPortal.Chain.Raft.Consensus;
using ConsortiumPortal.Features.Cluster;

namespace ConsortiumPortal.Tests.ClusterStatus;

/// <summary>A cluster status the test sets; <see cref="RaiseChanged"/> raises from another thread, as the ledger does.</summary>
public sealed class FakeClusterStatusSource : IClusterStatusSource
{
    public ClusterView? View { get; set; }
    public Exception? Failure { get; set; }
    public int Reads { get; private set; }

    public event Action? Changed;
    public int Subscribers => Changed?.GetInvocationList().Length ?? 0;

    public Task<ClusterView> GetAsync(CancellationToken token)
    {
        Reads++;
        if (Failure is not null) throw Failure;
        return Task.FromResult(View ?? throw new InvalidOperationException("no view set"));
    }

    public void RaiseChanged() => Task.Run(() => Changed?.Invoke()).Wait();
}

/// <summary>Builds node statuses as RaftLog/LedgerNode report them.</summary>
public static class ClusterSamples
{
    public const string HeadHash = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

    public static RaftMemberStatus Member(int n, bool local = false, bool leader = false, string status = "Available") =>
        new($"127.0.0.1:{7000 + n}", local, leader, status,
            new Dictionary<string, string> { ["nodeId"] = $"node-{n}", ["httpUrl"] = $"http://127.0.0.1:{8000 + n}" });

    public static NodeClusterStatus Status(long height, params RaftMemberStatus[] members)
    {
        var local = members.FirstOrDefault(m => m.IsLocal) ?? Member(1, local: true, leader: true);
        RaftMemberStatus[] list = members.Length == 0 ? [local] : members;
        var leader = list.FirstOrDefault(m => m.IsLeader);
        var raft = new RaftStatus(true, local.Endpoint, leader?.Endpoint, local.IsLeader, Term: 3, LastIndex: height + 5,
            CommitIndex: height + 5, AppliedIndex: height + 5, SnapshotHeight: 0, list);
        return new NodeClusterStatus(local.NodeId!, raft, height, HeadHash, Pending: 0, HaltReason: null);
    }

    public static PeerProbe Answer(long height, string nodeId, bool ready = true) => new(true, nodeId, height, ready, ready ? null : "catching up");

    public static PeerProbe NoAnswer() => new(false, null, null, null, "no answer within 1.5 s");

    /// <summary>A single-node pilot, as `dotnet run` starts it.</summary>
    public static ClusterView SingleNode(long height = 42) => ClusterView.Build(Status(height), new Dictionary<string, PeerProbe>());

    /// <summary>Three nodes, node-1 (this one) leads at <paramref name="leaderHeight"/>; the peers answered these probes.</summary>
    public static ClusterView ThreeNodes(long leaderHeight, PeerProbe node2, PeerProbe node3, string node3Status = "Available") =>
        ClusterView.Build(Status(leaderHeight, Member(1, local: true, leader: true), Member(2), Member(3, status: node3Status)),
            new Dictionary<string, PeerProbe> { [Member(2).Endpoint] = node2, [Member(3).Endpoint] = node3 });
}
