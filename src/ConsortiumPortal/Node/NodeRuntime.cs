using ConsortiumPortal.Chain;
using ConsortiumPortal.Chain.Keys;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Raft.Consensus;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts;
using ConsortiumPortal.Seed;

namespace ConsortiumPortal.Node;

/// <summary>
/// A running node over a data directory: ledger, keystore and Raft ordering. The web host, `init` and `bench`
/// all run the node through this one type, so they exercise the same pipeline.
/// </summary>
public sealed class NodeRuntime : IAsyncDisposable
{
    public DataDirectory Data { get; }
    public Keystore Keys { get; }
    public Ledger Ledger { get; }
    public LedgerNode Node { get; }
    public NodeIdentity Identity { get; }

    private NodeRuntime(DataDirectory data, Keystore keys, Ledger ledger, LedgerNode node, NodeIdentity identity)
    {
        Data = data; Keys = keys; Ledger = ledger; Node = node; Identity = identity;
    }

    public static async Task<NodeRuntime> StartAsync(DataDirectory data, Keystore keys, OrderingOptions ordering, ILoggerFactory loggers, CancellationToken token)
    {
        var identity = data.ReadNode();
        var ledger = new Ledger(data.Root, ConsortiumContracts.All());
        var raft = new RaftOptions
        {
            DataDirectory = data.RaftDirectory,
            LocalEndPoint = DataDirectory.ParseEndPoint(identity.RaftEndpoint),
            ColdStart = true, // a one-node cluster; joining an existing consortium is the multi-node issue
            Metadata = new Dictionary<string, string> { ["nodeId"] = identity.NodeId, ["httpUrl"] = identity.HttpUrl },
        };
        var node = new LedgerNode(ledger, identity.NodeId, keys.Get(Keystore.NodeKeyId(identity.NodeId)), raft, ordering, loggers);
        try
        {
            await node.StartAsync(token);
            await node.WaitForLeadershipAsync(TimeSpan.FromSeconds(30), token);
        }
        catch
        {
            await node.DisposeAsync();
            ledger.Dispose();
            throw;
        }
        return new NodeRuntime(data, keys, ledger, node, identity);
    }

    /// <summary>
    /// Creates genesis in an empty data directory; with <paramref name="demo"/>, then submits the demo consortium's
    /// transactions through the running node, wave by wave, and checks every one committed successfully.
    /// </summary>
    public static async Task InitializeAsync(DataDirectory data, Keystore keys, bool demo, string? raftEndpoint, string httpUrl,
        ILoggerFactory loggers, CancellationToken token, string nodeId = "node-1")
    {
        if (data.IsInitialized) throw new InvalidOperationException($"{data.Root} already holds a ledger");
        var endpoint = raftEndpoint ?? $"127.0.0.1:{DataDirectory.FreePort()}";
        DataDirectory.ParseEndPoint(endpoint);
        var consortium = new DemoConsortium(KeyFor(keys),
            new ConsortiumNode(nodeId, DemoConsortium.NodeOperator, "", endpoint, httpUrl), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using (var ledger = new Ledger(data.Root, ConsortiumContracts.All()))
            ledger.InitializeGenesis(consortium.Genesis);
        data.WriteNode(new NodeIdentity(nodeId, DemoConsortium.NodeOperator, endpoint, httpUrl));
        if (!demo) return;
        await using var runtime = await StartAsync(data, keys, new OrderingOptions(), loggers, token);
        foreach (var wave in consortium.Waves(KeyFor(keys), runtime.Ledger.Height))
        {
            var outcomes = await Task.WhenAll(wave.Select(runtime.Node.SubmitAsync));
            if (outcomes.FirstOrDefault(o => !o.IsCommitted || o.Result is not { Succeeded: true }) is { } failed)
                throw new InvalidOperationException($"demo transaction {failed.TxId} failed: {failed.Refusal?.Message ?? failed.Result?.Error}");
        }
    }

    private static Func<string, Chain.Crypto.Sm2KeyPair> KeyFor(Keystore keys) => id => keys.Contains(id) ? keys.Get(id) : keys.Create(id);

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        Ledger.Dispose();
    }
}
