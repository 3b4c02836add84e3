using ConsortiumPortal.Node;

namespace ConsortiumPortal.Cli;

/// <summary>
/// `init --data DIR [--demo] [--raft HOST:PORT] [--http URL]`: genesis of a single node, and with --demo the demo consortium.
/// `init --data DIR --nodes N [--base-port P] [--http-base-port H] [--hosts h1,h2,..] [--demo]`: a consortium of N nodes in
/// DIR/node-1 .. DIR/node-N (Raft endpoint host_i:P+i, HTTP URL http://host_i:H+i; defaults P = 7100, H = P + 100).
/// `init --data DIR --join GENESIS.json --node-id ID --organisation ORG --raft HOST:PORT --http URL`: a node that joins a
/// running consortium (see <see cref="JoinCommand"/>).
/// </summary>
public static class InitCommand
{
    public static async Task<int> RunAsync(CliArguments args)
    {
        if (args.Optional("nodes") is not null) return await RunConsortiumAsync(args);
        if (args.Optional("join") is not null) return await JoinCommand.InitJoiningAsync(args);
        var data = new DataDirectory(args.Required("data"));
        if (data.IsInitialized) throw new UsageException($"{data.Root} already holds a ledger");
        using var loggers = CliLogging.Create();
        var keys = data.OpenKeystore(CliArguments.MasterKey, loggers.CreateLogger("init"));
        await NodeRuntime.InitializeAsync(data, keys, args.Flag("demo"), args.Optional("raft"), args.Optional("http") ?? "http://localhost:5000",
            loggers, CancellationToken.None);
        using var ledger = new Chain.Ledger(data.Root, Contracts.ConsortiumContracts.All());
        Console.WriteLine($"initialised {data.Root}: chain {ledger.ChainId}, genesis {ledger.GenesisHash}, height {ledger.Height}");
        return 0;
    }

    private static async Task<int> RunConsortiumAsync(CliArguments args)
    {
        var root = Path.GetFullPath(args.Required("data"));
        var count = (int)args.Long("nodes", 3);
        if (count is < 2 or > 64) throw new UsageException("--nodes must be between 2 and 64");
        var basePort = (int)args.Long("base-port", 7100);
        var httpBasePort = (int)args.Long("http-base-port", basePort + 100);
        if (basePort + count > 65535 || httpBasePort + count > 65535) throw new UsageException("ports out of range");
        var hosts = args.Optional("hosts")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (hosts.Length is not 0 && hosts.Length != count) throw new UsageException($"--hosts names {hosts.Length} hosts for {count} nodes");
        for (var i = 1; i <= count; i++)
            if (File.Exists(Path.Combine(root, $"node-{i}", DataDirectory.NodeFile))) throw new UsageException($"{Path.Combine(root, $"node-{i}")} already holds a node");
        using var loggers = CliLogging.Create();
        var dirs = await NodeRuntime.InitializeConsortiumAsync(root, count, hosts, basePort, httpBasePort, args.Flag("demo"),
            CliArguments.MasterKey, loggers, CancellationToken.None);
        foreach (var dir in dirs)
        {
            var node = dir.ReadNode();
            using var ledger = new Chain.Ledger(dir.Root, Contracts.ConsortiumContracts.All());
            Console.WriteLine($"initialised {dir.Root}: {node.NodeId} ({node.OrganisationId}), raft {node.RaftEndpoint}, http {node.HttpUrl}, " +
                              $"chain {ledger.ChainId}, genesis {ledger.GenesisHash}, height {ledger.Height}");
        }
        return 0;
    }
}

internal static class CliLogging
{
    public static ILoggerFactory Create() => LoggerFactory.Create(b => b
        .AddSimpleConsole(o => o.SingleLine = true)
        .SetMinimumLevel(LogLevel.Warning)
        .AddFilter("DotNext.Net.Cluster.Consensus.Raft", LogLevel.Error));
}
