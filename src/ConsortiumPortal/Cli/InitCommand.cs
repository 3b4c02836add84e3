using ConsortiumPortal.Node;

namespace ConsortiumPortal.Cli;

/// <summary>`init --data DIR [--demo] [--raft HOST:PORT] [--http URL]`: genesis, and with --demo the demo consortium.</summary>
public static class InitCommand
{
    public static async Task<int> RunAsync(CliArguments args)
    {
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
}

internal static class CliLogging
{
    public static ILoggerFactory Create() => LoggerFactory.Create(b => b
        .AddSimpleConsole(o => o.SingleLine = true)
        .SetMinimumLevel(LogLevel.Warning)
        .AddFilter("DotNext.Net.Cluster.Consensus.Raft", LogLevel.Error));
}
