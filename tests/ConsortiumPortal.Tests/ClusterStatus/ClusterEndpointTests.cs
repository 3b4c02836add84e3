using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.ClusterStatus;

/// <summary>/health/live, /health/ready, /metrics and /cluster on a running single-node pilot (the real host).</summary>
public sealed class ClusterEndpointTests(ClusterApp app) : IClassFixture<ClusterApp>
{
    private static double Metric(string text, string name)
    {
        var match = Regex.Match(text, $@"^{Regex.Escape(name)}(\{{[^}}]*\}})? (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"metric {name} missing in:\n{text}");
        return double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Liveness_answers_200_to_anyone()
    {
        using var client = app.Anonymous();
        using var response = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_answers_200_on_a_running_single_node_pilot_with_its_status()
    {
        using var client = app.Anonymous();
        using var response = await client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/health/ready answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.True(json.GetProperty("ready").GetBoolean());
        Assert.Equal("ready", json.GetProperty("status").GetString());
        Assert.True(json.GetProperty("isLeader").GetBoolean());
        Assert.Equal(app.Portal.Runtime.Identity.NodeId, json.GetProperty("nodeId").GetString());
        Assert.Equal(app.Portal.Runtime.Ledger.Height, json.GetProperty("height").GetInt64());
        Assert.Equal(app.Portal.Runtime.Ledger.Store.HeadHash, json.GetProperty("headHash").GetString());
        // A cold-started single node is promoted to leader at once, without an election: it can lead in term 0.
        Assert.True(json.GetProperty("term").GetInt64() >= 0);
        Assert.True(json.GetProperty("commitIndex").GetInt64() >= 1); // the demo consortium's blocks went through Raft
        Assert.Equal(app.Portal.Runtime.Node.ClusterStatus().Raft.LocalEndpoint, json.GetProperty("leader").GetString());
        Assert.True(json.GetProperty("appliedIndex").GetInt64() >= json.GetProperty("commitIndex").GetInt64() - 2);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_and_agree_with_the_status_api()
    {
        using var api = app.Portal.ClientOf("steel-works");
        var (statusCode, status, _) = await ApiCalls.GetAsync(api, "/api/status");
        Assert.Equal(HttpStatusCode.OK, statusCode);

        using var anonymous = app.Anonymous();
        using var response = await anonymous.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE consortium_ledger_height gauge", text);
        Assert.Equal(status.GetProperty("height").GetInt64(), (long)Metric(text, "consortium_ledger_height"));
        Assert.Equal(1, Metric(text, "consortium_raft_is_leader"));
        Assert.Equal(0, Metric(text, "consortium_node_halted"));
        Assert.Equal(1, Metric(text, "consortium_node_ready"));
        var raft = app.Portal.Runtime.Node.ClusterStatus().Raft;
        Assert.Equal(raft.Term, (long)Metric(text, "consortium_raft_term"));
        Assert.Equal(raft.CommitIndex, (long)Metric(text, "consortium_raft_commit_index"));
        Assert.Equal(raft.AppliedIndex, (long)Metric(text, "consortium_raft_applied_index"));
        Assert.True(raft.CommitIndex >= 1);
        Assert.Equal(status.GetProperty("pending").GetInt32(), (int)Metric(text, "consortium_pending_transactions"));
        Assert.Equal(CountTransactions(), (long)Metric(text, "consortium_ledger_committed_transactions_total"));
        Assert.DoesNotContain("steel-works", text); // no people, organisations or keys
    }

    [Fact]
    public async Task Committing_a_transaction_moves_the_counters()
    {
        using var anonymous = app.Anonymous();
        var before = await anonymous.GetStringAsync("/metrics");

        using var api = app.Portal.ClientOf("steel-works");
        var submitted = await ApiCalls.SubmitAsync(api, app.Portal.Transfer("steel-works/operator", "retail-one", 1, "cluster metrics test"));
        Assert.True(submitted.IsCommitted, submitted.ToString());

        var after = await anonymous.GetStringAsync("/metrics");
        Assert.Equal(Metric(before, "consortium_ledger_height") + 1, Metric(after, "consortium_ledger_height"));
        Assert.Equal(Metric(before, "consortium_ledger_committed_transactions_total") + 1, Metric(after, "consortium_ledger_committed_transactions_total"));
        Assert.Equal(Metric(before, "consortium_process_committed_blocks_total") + 1, Metric(after, "consortium_process_committed_blocks_total"));
        Assert.Equal(Metric(before, "consortium_process_committed_transactions_total") + 1, Metric(after, "consortium_process_committed_transactions_total"));
        Assert.True(Metric(after, "consortium_raft_commit_index") > Metric(before, "consortium_raft_commit_index"));
        Assert.Equal(CountTransactions(), (long)Metric(after, "consortium_ledger_committed_transactions_total"));
    }

    [Fact]
    public async Task The_cluster_page_requires_sign_in()
    {
        using var anonymous = app.Anonymous();
        using var redirect = await anonymous.GetAsync("/cluster");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("/account/login", redirect.Headers.Location!.OriginalString);

        using var member = await app.Portal.SignedInClientAsync("steel-works/operator");
        using var page = await member.GetAsync("/cluster");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-testid=\"cluster-members\"", html);
        Assert.Contains(app.Portal.Runtime.Identity.NodeId, html);
        Assert.Contains(app.Portal.Runtime.Ledger.Store.HeadHash, html);
        Assert.DoesNotContain("data-testid=\"operator-alert\"", html);
    }

    private long CountTransactions()
    {
        using var connection = app.Portal.Runtime.Ledger.Store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM transactions";
        return Convert.ToInt64(cmd.ExecuteScalar());
    }
}
