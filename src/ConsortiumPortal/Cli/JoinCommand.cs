using System.Text;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Keys;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Cli;

/// <summary>
/// Adding a node to a running consortium, the operator's side:
/// `genesis --data DIR` prints the genesis document of an existing node (the same file every node starts from);
/// `init --data NEWDIR --join GENESIS.json --node-id ID --organisation ORG --raft HOST:PORT --http URL` makes the new
/// node's directory from it: the same genesis block (hence the same genesis hash), a fresh SM2 node key in its keystore,
/// and node.json marked as joining (it waits until the consortium adds it). It prints the node record that a governance
/// AddNode proposal carries; once the proposal passes, the leader adds the node to Raft and it catches up.
/// </summary>
public static class JoinCommand
{
    public static Task<int> PrintGenesisAsync(CliArguments args)
    {
        var data = new DataDirectory(args.Required("data"));
        if (!data.IsInitialized) throw new UsageException($"{data.Root} holds no ledger");
        using var ledger = new Chain.Ledger(data.Root, Contracts.ConsortiumContracts.All());
        var genesis = ReadGenesis(ledger);
        Console.WriteLine(Encoding.UTF8.GetString(CanonicalJson.Serialize(genesis)));
        return Task.FromResult(0);
    }

    public static GenesisDocument ReadGenesis(Chain.Ledger ledger)
    {
        var block = ledger.Store.GetBlock(0) ?? throw new UsageException("the ledger has no genesis block");
        var args = block.Block.Transactions[0].Body.Args;
        return CanonicalJson.Deserialize<GenesisDocument>(Encoding.UTF8.GetBytes(args.GetRawText()));
    }

    public static Task<int> InitJoiningAsync(CliArguments args)
    {
        var data = new DataDirectory(args.Required("data"));
        if (data.IsInitialized) throw new UsageException($"{data.Root} already holds a ledger");
        GenesisDocument genesis;
        try { genesis = CanonicalJson.Deserialize<GenesisDocument>(File.ReadAllBytes(args.Required("join"))); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException) { throw new UsageException($"cannot read the genesis document: {e.Message}"); }
        var nodeId = args.Required("node-id");
        var organisation = args.Required("organisation");
        if (genesis.Organisations.All(o => o.Id != organisation)) throw new UsageException($"\"{organisation}\" is not a founding organisation of {genesis.ChainId}");
        if (genesis.Nodes.Any(n => n.Id == nodeId)) throw new UsageException($"\"{nodeId}\" is already a genesis node");
        var raft = args.Required("raft");
        DataDirectory.ParseEndPoint(raft);
        var http = args.Required("http");
        using var loggers = CliLogging.Create();
        var keys = data.OpenKeystore(CliArguments.MasterKey, loggers.CreateLogger("init"));
        var nodeKey = keys.Create(Keystore.NodeKeyId(nodeId));
        using (var ledger = new Chain.Ledger(data.Root, Contracts.ConsortiumContracts.All()))
        {
            ledger.InitializeGenesis(genesis);
            Console.WriteLine($"initialised {data.Root}: chain {ledger.ChainId}, genesis {ledger.GenesisHash}; {nodeId} waits to be added");
        }
        data.WriteNode(new NodeIdentity(nodeId, organisation, raft, http, JoinsCluster: true));
        var record = new ConsortiumNode(nodeId, organisation, nodeKey.PublicKeyHex, raft, http);
        Console.WriteLine(Encoding.UTF8.GetString(CanonicalJson.Serialize(record)));
        return Task.FromResult(0);
    }
}
