using System.Text.Json;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// Membership through governance: a fourth node is prepared from the consortium's genesis (`genesis`, `init --join`),
/// added by a proposal that two thirds of the members approve, joins Raft and catches up; a second proposal removes it.
/// </summary>
public sealed class GovernanceMembershipTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private DemoCluster _cluster = null!;
    private List<ClusterNode> _nodes => _cluster.Nodes;
    private DemoLedger _signers => _cluster.Signers;

    public async Task InitializeAsync() => _cluster = await DemoCluster.StartAsync(spareNodes: 1);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_node_added_by_a_passed_proposal_joins_and_catches_up_and_a_second_proposal_removes_it()
    {
        // The operator of the new node: the genesis document from a running member, then a joining directory.
        var genesis = await Executable.RunAsync("genesis", "--data", _nodes[0].DataDirectory);
        Assert.True(genesis.ExitCode == 0, genesis.ToString());
        var genesisFile = _cluster.Temp.Sub("genesis.json");
        await File.WriteAllTextAsync(genesisFile, genesis.StdOut.Trim());
        var join = await Executable.RunAsync("init", "--data", _cluster.Temp.Sub("node-4"), "--join", genesisFile, "--node-id", "node-4",
            "--organisation", "px-center", "--raft", $"127.0.0.1:{_cluster.RaftBase + 4}", "--http", $"http://127.0.0.1:{_cluster.HttpBase + 4}");
        Assert.True(join.ExitCode == 0, join.ToString());
        var record = CanonicalJson.Deserialize<ConsortiumNode>(System.Text.Encoding.UTF8.GetBytes(join.StdOut.Trim().Split('\n')[^1]));
        var joiner = new ClusterNode(_cluster.Temp.Sub("node-4"));
        _nodes.Add(joiner);
        await joiner.StartAsync(Timeout);
        Assert.Equal(0, (await joiner.StatusAsync()).Height); // standing by at genesis: nobody has added it

        // Two thirds of the members approve: the node is on the ledger, the leader adds it to Raft, it catches up.
        await PassAsync(ProposalKind.AddNode, "Add the trading centre's node", new ProposalChange(Node: record));
        await ClusterWaits.WaitForClusterAsync(_nodes, 4);
        var answer = await joiner.Http.SubmitAsync(_signers.Transfer("px-center/operator", "grid-east", 1, (await joiner.StatusAsync()).Height, "through the new node"));
        Assert.True(answer.IsCommitted, answer.ToString());
        await ClusterWaits.WaitForSameHeadAsync(_nodes);

        // And out again.
        await PassAsync(ProposalKind.RemoveNode, "Retire node-4", new ProposalChange(NodeId: "node-4"));
        var founders = _nodes.Take(3).ToList();
        var deadline = DateTime.UtcNow + Timeout;
        while ((await ClusterWaits.LeaderAsync(founders)).StatusAsync() is var s && (await s).RaftMembers != 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the leader did not remove node-4 from Raft");
            await Task.Delay(200);
        }
        await joiner.StopAsync();
        _nodes.Remove(joiner);
        await joiner.DisposeAsync();
        var after = await founders[1].Http.SubmitAsync(_signers.Transfer("grid-east/operator", "steel-works", 1, (await founders[1].StatusAsync()).Height, "after the removal"));
        Assert.True(after.IsCommitted, after.ToString());
        await ClusterWaits.WaitForSameHeadAsync(founders);
        await ClusterWaits.AssertStoppedNodesAgreeAsync(founders);
    }

    /// <summary>
    /// An admin proposes through node-1; as many founders' admins as the proposal needs (two thirds of the members on the
    /// ledger, the founders and those the demo seed admitted) approve, through every node in turn.
    /// </summary>
    private async Task PassAsync(ProposalKind kind, string title, ProposalChange change)
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds();
        var proposed = await SubmitAsync(_nodes[0], "grid-east/admin", "propose", new GovernanceContract.ProposeArgs(kind, title, change, expires));
        var proposalId = proposed.GetProperty("proposalId").GetString()!;
        int needed;
        using (var open = await _nodes[0].Http.GetAsync($"api/registry/proposals/{proposalId}"))
        using (var detail = JsonDocument.Parse(await open.Content.ReadAsStringAsync()))
            needed = detail.RootElement.GetProperty("votesNeeded").GetInt32();
        var voters = DemoConsortium.Organisations.Take(needed).ToArray();
        for (var i = 0; i < voters.Length; i++)
        {
            var result = await SubmitAsync(_nodes[i % 3], $"{voters[i].Id}/admin", "vote", new GovernanceContract.VoteArgs(proposalId, true));
            output.WriteLine($"{voters[i].Id} votes: {result}");
        }
        using var proposal = await _nodes[0].Http.GetAsync($"api/registry/proposals/{proposalId}");
        var json = await proposal.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"Passed\"", json.Replace(" ", ""));
    }

    private async Task<JsonElement> SubmitAsync(ClusterNode node, string signer, string method, object args)
    {
        var tx = _signers.Signer(signer).Build(GovernanceContract.ContractName, method, args, (await node.StatusAsync()).Height);
        var answer = await node.Http.SubmitAsync(tx);
        Assert.True(answer.IsCommitted && answer.Json.GetProperty("status").GetString() == "ok", $"{method} by {signer} via {node.NodeId}: {answer}");
        using var result = await node.Http.GetAsync($"api/transactions/{tx.IdHex}");
        using var json = JsonDocument.Parse(await result.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("result").GetProperty("output").Clone();
    }
}
