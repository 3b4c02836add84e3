using ConsortiumPortal.Chain.Raft.Ordering;
using Microsoft.Extensions.Options;

namespace ConsortiumPortal.Node;

/// <summary>
/// Starts this process's node with the web host: on an empty data directory it first runs genesis (and, in demo
/// mode, seeds the demo consortium); later starts resume the existing data. A halted node stops the process.
/// </summary>
public sealed class NodeHostedService(IOptions<NodeSettings> settings, ILoggerFactory loggers, IHostApplicationLifetime lifetime,
    Microsoft.AspNetCore.Hosting.Server.IServer server, TrainingClock? training = null) : IHostedService, IAsyncDisposable
{
    /// <summary>The block clock an operator may move forward (Consortium:TrainingClock), or null: blocks follow the system clock.</summary>
    public TrainingClock? Training => training;

    private readonly TaskCompletionSource<NodeRuntime> _runtime = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _log = loggers.CreateLogger<NodeHostedService>();

    /// <summary>The running node; requests that arrive during start-up wait for it.</summary>
    public Task<NodeRuntime> Runtime => _runtime.Task;

    public async Task StartAsync(CancellationToken token)
    {
        var options = settings.Value;
        var data = new DataDirectory(options.DataDirectory);
        var keys = data.OpenKeystore(options.MasterKey, _log);
        if (!data.IsInitialized)
        {
            if (!options.Demo) throw new InvalidOperationException($"{data.Root} holds no ledger: run `init --data {data.Root}` first, or enable Consortium:Demo");
            _log.LogInformation("Empty data directory {Root}: creating the demo consortium", data.Root);
            await NodeRuntime.InitializeAsync(data, keys, demo: true, options.RaftEndpoint, HttpUrl(), loggers, token);
        }
        var ordering = new OrderingOptions
        {
            MaxTransactionsPerBlock = options.MaxTransactionsPerBlock, MaxWait = TimeSpan.FromMilliseconds(options.MaxWaitMilliseconds),
            Clock = (TimeProvider?)training ?? TimeProvider.System,
        };
        var runtime = await NodeRuntime.StartAsync(data, keys, ordering, loggers, token, raftSnapshotInterval: options.RaftSnapshotInterval);
        if (training is not null)
        {
            // Every node stamps the blocks it proposes as leader: a clock moved on one node only would be that node's
            // private time, written into the shared ledger. Hence a pilot of one.
            if (runtime.IsConsortium)
            {
                await runtime.DisposeAsync();
                throw new InvalidOperationException("Consortium:TrainingClock is for a single-node training pilot; this ledger lists several nodes");
            }
            training.CatchUp(runtime.Ledger.Store.GetBlockHeader(runtime.Ledger.Height)!.Header.Timestamp);
            _log.LogWarning("Training clock on: operators may move block time forward (now {Now:O}, {Offset} ahead of the wall clock)", training.GetUtcNow(), training.Offset);
        }
        runtime.Node.Halted += reason =>
        {
            _log.LogCritical("Stopping: {Reason}", reason);
            Environment.ExitCode = 3;
            lifetime.StopApplication();
        };
        _log.LogInformation("Node {Node} of chain {Chain} at height {Height}", runtime.Identity.NodeId, runtime.Ledger.ChainId, runtime.Ledger.Height);
        _runtime.SetResult(runtime);
    }

    private string HttpUrl() =>
        server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000";

    public async Task StopAsync(CancellationToken token) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_runtime.Task.IsCompletedSuccessfully) await (await _runtime.Task).DisposeAsync();
        else _runtime.TrySetCanceled();
    }
}

public static class NodeHostingExtensions
{
    /// <summary>The embedded ledger node: configuration section "Consortium", started and stopped with the host.</summary>
    public static WebApplicationBuilder AddConsortiumNode(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<NodeSettings>(builder.Configuration.GetSection("Consortium"));
        // Only the block clock: the portal's TimeProvider stays the wall clock, so sign-in cookies, lockouts and API-key
        // expiry do not jump (moving a day ahead would sign everyone out).
        if (builder.Configuration.GetValue<bool>("Consortium:TrainingClock"))
            builder.Services.AddSingleton(new TrainingClock());
        builder.Services.AddSingleton<NodeHostedService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeHostedService>());
        builder.Logging.AddFilter("DotNext.Net.Cluster.Consensus.Raft", LogLevel.Error);
        return builder;
    }
}
