using System.Net;
using System.Text.Json;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>
/// "Register once, shared everywhere": a retailer applies through one node, the trading centre reviews, approves and
/// activates through the others, and every node of the 3-node consortium shows the same active record with the same
/// record hash.
/// </summary>
public sealed class RegistryClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private DemoCluster _cluster = null!;
    private List<ClusterNode> _nodes => _cluster.Nodes;
    private DemoLedger _signers => _cluster.Signers;

    public async Task InitializeAsync() => _cluster = await DemoCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_participant_registered_through_one_node_is_active_with_the_same_record_hash_on_every_node()
    {
        var code = UnifiedSocialCreditCode.Complete("91330000MA2CLU701");
        var details = new ParticipantDetails("华能售电(浙江)有限公司 Huaneng Retail Zhejiang", code, ParticipantType.Retailer, ["zhejiang"], 0,
            [new Contact("Li Lei", "Trader", "+86 571 1", "li@example.cn")], [new AnchoredDocument("Licence", new string('c', 64))]);

        var applied = await SubmitAsync(_nodes[1], "retail-one/operator", "apply", new RegistryContract.ApplyArgs(details));
        var participantId = applied.GetProperty("participantId").GetString()!;
        await SubmitAsync(_nodes[2], "px-center/operator", "startReview", new RegistryContract.ParticipantArgs(participantId));
        await SubmitAsync(_nodes[2], "px-center/operator", "approve", new RegistryContract.ApproveArgs(participantId, 1));
        await Task.Delay(50); // the disclosure period (1 ms, the demo's lower bound) is over by the next block
        await SubmitAsync(_nodes[0], "px-center/operator", "activate", new RegistryContract.ParticipantArgs(participantId));
        await ClusterWaits.WaitForSameHeadAsync(_nodes);

        var records = new List<(string Node, string Status, string RecordHash, bool Match)>();
        foreach (var node in _nodes)
        {
            using var response = await node.Http.GetAsync($"api/registry/participants/{participantId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var participant = json.RootElement.GetProperty("participant");
            records.Add((node.NodeId, participant.GetProperty("status").GetString()!, participant.GetProperty("recordHash").GetString()!,
                json.RootElement.GetProperty("storedVersionHashesMatch").GetBoolean()));
        }
        output.WriteLine(string.Join("\n", records));
        Assert.All(records, r => Assert.Equal("Active", r.Status));
        Assert.All(records, r => Assert.True(r.Match));
        Assert.Single(records.Select(r => r.RecordHash).Distinct());
        Assert.Equal(RegistryContract.RecordHash(participantId, 1, details), records[0].RecordHash);
    }

    private async Task<JsonElement> SubmitAsync(ClusterNode node, string signer, string method, object args)
    {
        var height = (await node.StatusAsync()).Height;
        var tx = _signers.Signer(signer).Build(RegistryContract.ContractName, method, args, height);
        var answer = await node.Http.SubmitAsync(tx);
        Assert.True(answer.IsCommitted && answer.Json.GetProperty("status").GetString() == "ok", $"{method} via {node.NodeId}: {answer}");
        // The contract's output (e.g. the new participant id) is in the committed transaction's result.
        using var result = await node.Http.GetAsync($"api/transactions/{tx.IdHex}");
        using var json = JsonDocument.Parse(await result.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("result").GetProperty("output").Clone();
    }
}
