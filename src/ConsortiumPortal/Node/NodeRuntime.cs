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

    private LeaderForwarder? _forwarder;
    private HttpBlockSource? _blockSource;
    private PeerAuthentication? _peers;

    /// <summary>Catch-up outside Raft (a consortium of several nodes); null for a single node.</summary>
    public BlockSync? BlockSync { get; private init; }

    /// <summary>
    /// Starts the node. A single-node consortium leads at once (this waits for it). In a consortium of several nodes
    /// the bootstrap node cold-starts the Raft cluster and, while it leads, adds the other genesis nodes; the others
    /// start in standby, and every follower forwards submitted transactions to the leader.
    /// </summary>
    /// <param name="bootstrapMembers">false while `init` seeds the demo on the bootstrap node alone</param>
    public static async Task<NodeRuntime> StartAsync(DataDirectory data, Keystore keys, OrderingOptions ordering, ILoggerFactory loggers, CancellationToken token,
        bool bootstrapMembers = true, int raftSnapshotInterval = 1024)
    {
        var identity = data.ReadNode();
        var ledger = new Ledger(data.Root, ConsortiumContracts.All());
        var genesisNodes = ReadConsortiumNodes(ledger);
        var nodeKey = keys.Get(Keystore.NodeKeyId(identity.NodeId));
        var peerLog = loggers.CreateLogger("ConsortiumPortal.Node.PeerAuthentication");
        // Raft peers are accepted only if they prove a node key of this consortium as the ledger knows it now.
        var nodeKeys = new NodeKeysByHeight(ledger);
        var peers = new PeerAuthentication(identity.NodeId, nodeKey, ledger.ChainId, ledger.GenesisHash, nodeKeys.PublicKey,
            reason => peerLog.LogWarning("Refused a Raft peer: {Reason}", reason));
        var raft = new RaftOptions
        {
            PeerAuthentication = peers,
            DataDirectory = data.RaftDirectory,
            LocalEndPoint = DataDirectory.ParseEndPoint(identity.RaftEndpoint),
            // The bootstrap node (and a single node) forms the cluster; a no-op once its membership file exists.
            ColdStart = !identity.JoinsCluster,
            Metadata = new Dictionary<string, string> { ["nodeId"] = identity.NodeId, ["httpUrl"] = identity.HttpUrl },
            SnapshotInterval = raftSnapshotInterval,
        };
        var node = new LedgerNode(ledger, identity.NodeId, nodeKey, raft, ordering, loggers);
        LeaderForwarder? forwarder = null;
        HttpBlockSource? blockSource = null;
        BlockSync? blockSync = null;
        try
        {
            // Forwarding and catch-up exist on every node: a pilot of one can grow into a consortium by governance.
            forwarder = new LeaderForwarder(identity.NodeId, nodeKey, ledger.GenesisHash);
            node.Forwarder = forwarder;
            // Catch-up outside Raft: blocks come from the leader first, then from any other node of the consortium.
            blockSource = new HttpBlockSource(identity.NodeId, nodeKey, ledger.GenesisHash);
            var own = identity.HttpUrl.TrimEnd('/');
            blockSync = new BlockSync(ledger, blockSource, () =>
            {
                var others = ReadConsortiumNodes(ledger).Where(n => n.Id != identity.NodeId).Select(n => n.HttpUrl.TrimEnd('/')).ToArray();
                var leader = node.IsLeader ? null : node.LeaderUrl?.TrimEnd('/');
                return (leader is null || leader == own ? others : others.Where(u => u != leader).Prepend(leader))
                    .Where(u => u != own).ToArray();
            }, loggers: loggers);
            node.BlockSync = blockSync;
            await node.StartAsync(token);
            if (genesisNodes.Count <= 1)
                await node.WaitForLeadershipAsync(TimeSpan.FromSeconds(30), token);
            if (bootstrapMembers)
                node.ReconcileMembers(() => ReadConsortiumNodes(ledger) is { Count: > 1 } nodes
                    ? nodes.Select(n => DataDirectory.ParseEndPoint(n.RaftEndpoint)).ToArray()
                    : []); // a pilot of one keeps the membership it started with

        }
        catch
        {
            blockSync?.Dispose();
            await node.DisposeAsync();
            forwarder?.Dispose();
            blockSource?.Dispose();
            ledger.Dispose();
            peers.Dispose();
            throw;
        }
        return new NodeRuntime(data, keys, ledger, node, identity)
        {
            _peers = peers, _forwarder = forwarder, _blockSource = blockSource, BlockSync = blockSync,
        };
    }

    /// <summary>More than one node: forwarding, quorum and catch-up matter. Re-read only when the height moves (hot path).</summary>
    public bool IsConsortium
    {
        get
        {
            var height = Ledger.Height;
            if (_consortium is { } known && known.Height == height) return known.Answer;
            var answer = ReadConsortiumNodes(Ledger).Count > 1;
            _consortium = new(height, answer);
            return answer;
        }
    }

    private sealed record ConsortiumAt(long Height, bool Answer);

    /// <summary>
    /// The node keys the ledger lists, for the Raft TLS handshake: read again only when the height moves. A handshake
    /// runs inside a Raft request's time budget (RequestTimeout), so it must not query SQLite each time.
    /// </summary>
    private sealed class NodeKeysByHeight(Ledger ledger)
    {
        private sealed record Snapshot(long Height, IReadOnlyDictionary<string, string> Keys);
        private volatile Snapshot? _current;

        public string? PublicKey(string nodeId)
        {
            var height = ledger.Height;
            var current = _current;
            if (current is null || current.Height != height)
            {
                // Read the height first: a block committed meanwhile only makes the next call read again.
                current = new(height, ReadConsortiumNodes(ledger).ToDictionary(n => n.Id, n => n.PublicKey, StringComparer.Ordinal));
                _current = current;
            }
            return current.Keys.GetValueOrDefault(nodeId);
        }
    }
    private ConsortiumAt? _consortium;

    /// <summary>The consortium's nodes as the ledger lists them now (genesis, then governance changes).</summary>
    public static IReadOnlyList<ConsortiumNode> ReadConsortiumNodes(Ledger ledger) =>
        ledger.Store.Committed.Scan(MembershipContract.Keys.NodePrefix)
            .Select(kv => MembershipContract.Read<ConsortiumNode>(ledger.Store.Committed, kv.Key))
            .OfType<ConsortiumNode>().ToArray();

    /// <summary>
    /// `init --nodes N`: a consortium of N nodes in DIR/node-1 .. DIR/node-N, each with its own keystore (its node key;
    /// with <paramref name="demo"/> node-1's keystore also holds every demo organisation's and person's key), its own
    /// node.json, and the same genesis (all N nodes with their keys and endpoints), hence one genesis hash. With
    /// <paramref name="demo"/>, node-1 then seeds the demo alone; the others receive those blocks from the Raft log
    /// when the leader adds them.
    /// </summary>
    public static async Task<IReadOnlyList<DataDirectory>> InitializeConsortiumAsync(string root, int count, IReadOnlyList<string> hosts, int basePort, int httpBasePort,
        bool demo, string? masterKey, ILoggerFactory loggers, CancellationToken token)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "a consortium has at least 2 nodes");
        var dirs = new List<DataDirectory>();
        var keystores = new List<Keystore>();
        var nodes = new List<ConsortiumNode>();
        for (var i = 1; i <= count; i++)
        {
            var data = new DataDirectory(Path.Combine(root, $"node-{i}"));
            if (data.IsInitialized) throw new InvalidOperationException($"{data.Root} already holds a ledger");
            var keys = data.OpenKeystore(masterKey, loggers.CreateLogger<NodeRuntime>());
            var id = $"node-{i}";
            var host = hosts.Count == 0 ? "127.0.0.1" : hosts[(i - 1) % hosts.Count];
            var organisation = DemoConsortium.Organisations[(i - 1) % DemoConsortium.Organisations.Count].Id;
            var key = keys.Contains(Keystore.NodeKeyId(id)) ? keys.Get(Keystore.NodeKeyId(id)) : keys.Create(Keystore.NodeKeyId(id));
            var raftEndpoint = $"{host}:{basePort + i}";
            DataDirectory.ParseEndPoint(raftEndpoint);
            nodes.Add(new ConsortiumNode(id, organisation, key.PublicKeyHex, raftEndpoint, $"http://{host}:{httpBasePort + i}"));
            dirs.Add(data);
            keystores.Add(keys);
        }
        // Organisation and people keys: the demo keeps all of them in the bootstrap node's keystore. (A real consortium
        // keeps each organisation's keys in the keystore of the node that organisation runs.)
        var bootstrapKeys = KeyFor(keystores[0]);
        Chain.Crypto.Sm2KeyPair KeyForAny(string id)
        {
            var index = nodes.FindIndex(n => Keystore.NodeKeyId(n.Id) == id);
            return index >= 0 ? keystores[index].Get(id) : bootstrapKeys(id);
        }
        var consortium = new DemoConsortium(KeyForAny, nodes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), historyMs: demo ? DemoConsortium.HistoryMs : 0);
        for (var i = 0; i < count; i++)
        {
            using (var ledger = new Ledger(dirs[i].Root, ConsortiumContracts.All()))
                ledger.InitializeGenesis(consortium.Genesis);
            dirs[i].WriteNode(new NodeIdentity(nodes[i].Id, nodes[i].OrganisationId, nodes[i].RaftEndpoint, nodes[i].HttpUrl, JoinsCluster: i > 0));
        }
        if (demo)
        {
            var clock = new SeedingClock();
            await using var runtime = await StartAsync(dirs[0], keystores[0], new OrderingOptions { Clock = clock }, loggers, token, bootstrapMembers: false);
            await runtime.Node.WaitForLeadershipAsync(TimeSpan.FromSeconds(30), token);
            await SeedAsync(runtime, consortium, keystores[0], clock);
        }
        return dirs;
    }

    /// <summary>
    /// Submits the demo's waves one after the other; <paramref name="clock"/> (the node's block clock) is pinned to each
    /// dated wave's time while it commits, so the demo's history carries its dates, and follows the real clock afterwards.
    /// </summary>
    private static async Task SeedAsync(NodeRuntime runtime, DemoConsortium consortium, Keystore keys, SeedingClock clock)
    {
        foreach (var wave in consortium.Waves(KeyFor(keys), runtime.Ledger.Height))
        {
            clock.Enter(wave);
            var outcomes = await Task.WhenAll(wave.Select(runtime.Node.SubmitAsync));
            if (outcomes.FirstOrDefault(o => !o.IsCommitted || o.Result is not { Succeeded: true }) is { } failed)
                throw new InvalidOperationException($"demo transaction {failed.TxId} failed: {failed.Refusal?.Message ?? failed.Result?.Error}");
        }
    }

    /// <summary>
    /// Creates genesis in an empty data directory; with <paramref name="demo"/>, then submits the demo consortium's
    /// transactions through the running node, wave by wave, and checks every one committed successfully. A demo's genesis is
    /// dated <see cref="DemoConsortium.HistoryMs"/> before now, so that its dated history fits between genesis and now.
    /// </summary>
    public static async Task InitializeAsync(DataDirectory data, Keystore keys, bool demo, string? raftEndpoint, string httpUrl,
        ILoggerFactory loggers, CancellationToken token, string nodeId = "node-1")
    {
        if (data.IsInitialized) throw new InvalidOperationException($"{data.Root} already holds a ledger");
        var endpoint = raftEndpoint ?? $"127.0.0.1:{DataDirectory.FreePort()}";
        DataDirectory.ParseEndPoint(endpoint);
        var consortium = new DemoConsortium(KeyFor(keys),
            new ConsortiumNode(nodeId, DemoConsortium.NodeOperator, "", endpoint, httpUrl), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            historyMs: demo ? DemoConsortium.HistoryMs : 0);
        using (var ledger = new Ledger(data.Root, ConsortiumContracts.All()))
            ledger.InitializeGenesis(consortium.Genesis);
        data.WriteNode(new NodeIdentity(nodeId, DemoConsortium.NodeOperator, endpoint, httpUrl));
        if (!demo) return;
        var clock = new SeedingClock();
        await using var runtime = await StartAsync(data, keys, new OrderingOptions { Clock = clock }, loggers, token);
        await SeedAsync(runtime, consortium, keys, clock);
    }

    private static Func<string, Chain.Crypto.Sm2KeyPair> KeyFor(Keystore keys) => id => keys.Contains(id) ? keys.Get(id) : keys.Create(id);

    public async ValueTask DisposeAsync()
    {
        BlockSync?.Dispose();
        await Node.DisposeAsync();
        _forwarder?.Dispose();
        _blockSource?.Dispose();
        Ledger.Dispose();
        _peers?.Dispose();
    }
}
