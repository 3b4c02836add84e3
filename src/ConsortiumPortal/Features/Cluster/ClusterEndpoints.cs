using System.Globalization;
using System.Text;
using ConsortiumPortal.Chain.Raft.Consensus;
using ConsortiumPortal.Node;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>
/// Cluster status for operators and orchestrators: GET /health/live (the process answers), GET /health/ready (200 only
/// when the node has a leader, is not halted and has applied what Raft committed; else 503 with the reason), GET
/// /metrics (Prometheus text). All three are anonymous: they show heights, indices and hashes, never keys, people or
/// transaction contents. The Cluster page (/cluster) shows the same for signed-in members.
/// </summary>
public static class ClusterEndpoints
{
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Counters for /metrics, the peer-probing status source of the Cluster page.</summary>
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClusterCounters>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterCounters>());
        builder.Services.AddHttpClient(NodeClusterStatusSource.HttpClientName, c => c.Timeout = NodeClusterStatusSource.ProbeTimeout);
        builder.Services.TryAddSingleton<IClusterStatusSource, NodeClusterStatusSource>();
        return builder;
    }

    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/health/live", () => TypedResults.Text("live", "text/plain"));
        group.MapGet("/health/ready", Ready);
        group.MapGet("/metrics", Metrics);
        return app;
    }

    /// <summary>The readiness document; peers' Cluster pages read it too (height, leader, readiness).</summary>
    public static object ReadinessDocument(NodeClusterStatus status, ClusterHealth health) => new
    {
        ready = health.Ready,
        status = health.Ready ? "ready" : "not-ready",
        reason = health.Reason,
        nodeId = status.NodeId,
        height = status.Height,
        headHash = status.HeadHash,
        isLeader = status.Raft.IsLeader,
        leader = status.Raft.LeaderEndpoint,
        term = status.Raft.Term,
        commitIndex = status.Raft.CommitIndex,
        appliedIndex = status.Raft.AppliedIndex,
    };

    private static IResult Ready(NodeHostedService host)
    {
        if (!host.Runtime.IsCompletedSuccessfully)
            return Results.Json(new { ready = false, status = "not-ready", reason = "the node is starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        var status = host.Runtime.Result.Node.ClusterStatus();
        var health = ClusterHealth.Of(status);
        return Results.Json(ReadinessDocument(status, health), statusCode: health.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Metrics(NodeHostedService host, ClusterCounters counters)
    {
        var text = new StringBuilder();
        void Metric(string name, string type, string help, double? value, string labels = "")
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            if (value is { } v) text.Append(name).Append(labels).Append(' ').Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        Metric("consortium_process_committed_blocks_total", "counter", "Blocks this process applied to its ledger since it started.", counters.BlocksCommitted);
        Metric("consortium_process_committed_transactions_total", "counter", "Transactions in the blocks this process applied since it started.", counters.TransactionsCommitted);
        if (!host.Runtime.IsCompletedSuccessfully)
        {
            Metric("consortium_node_up", "gauge", "1 when the node has started.", 0);
            return TypedResults.Text(text.ToString(), PrometheusContentType);
        }

        var status = host.Runtime.Result.Node.ClusterStatus();
        var health = ClusterHealth.Of(status);
        var raft = status.Raft;
        Metric("consortium_node_up", "gauge", "1 when the node has started.", 1);
        Metric("consortium_node_info", "gauge", "The node's id (label), always 1.", 1, $"{{node_id=\"{Escape(status.NodeId)}\"}}");
        Metric("consortium_ledger_height", "gauge", "Height of the last committed block in this node's ledger.", status.Height);
        Metric("consortium_ledger_committed_transactions_total", "counter", "Committed transactions in this node's ledger.", counters.LedgerTransactions);
        Metric("consortium_pending_transactions", "gauge", "Transactions admitted to this node's mempool and not yet committed.", status.Pending);
        Metric("consortium_raft_is_leader", "gauge", "1 when this node is the Raft leader.", raft.IsLeader ? 1 : 0);
        Metric("consortium_raft_has_leader", "gauge", "1 when this node knows a Raft leader.", raft.LeaderEndpoint is not null || raft.IsLeader ? 1 : 0);
        Metric("consortium_raft_term", "gauge", "Current Raft term.", raft.Term);
        Metric("consortium_raft_commit_index", "gauge", "Index of the last committed Raft log entry.", raft.CommitIndex);
        Metric("consortium_raft_applied_index", "gauge", "Index of the last Raft log entry applied to the ledger.", raft.AppliedIndex);
        Metric("consortium_raft_last_index", "gauge", "Index of the last Raft log entry on this node.", raft.LastIndex);
        Metric("consortium_raft_members", "gauge", "Members in the Raft configuration as this node sees it.", raft.Members.Count);
        Metric("consortium_node_halted", "gauge", "1 when the node stopped applying blocks (state divergence or an invalid block).", status.HaltReason is null ? 0 : 1);
        Metric("consortium_node_ready", "gauge", "1 when /health/ready answers 200.", health.Ready ? 1 : 0);
        return TypedResults.Text(text.ToString(), PrometheusContentType);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
