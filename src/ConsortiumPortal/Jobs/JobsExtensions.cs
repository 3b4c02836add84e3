using System.Linq.Expressions;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace ConsortiumPortal.Jobs;

/// <summary>
/// The job backbone: Hangfire with in-memory storage by default (jobs are derived from chain state, so a restart loses
/// nothing) or PostgreSQL when ConnectionStrings:Jobs is set; chain-event subscribers; recurring jobs registered by each
/// feature; the operators' dashboard at /jobs.
/// </summary>
public static class JobsExtensions
{
    public const string DashboardPath = "/jobs";
    public const string ConnectionStringName = "Jobs";
    public const string RunServerSetting = "Jobs:RunServer";

    public static WebApplicationBuilder AddPortalJobs(this WebApplicationBuilder builder)
    {
        // Each host gets its own storage instance (not only JobStorage.Current): two portals in one process, as in the
        // tests, must not run each other's jobs.
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        JobStorage storage = string.IsNullOrWhiteSpace(connectionString)
            ? new InMemoryStorage(new InMemoryStorageOptions())
            : new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, new PostgreSqlStorageOptions()), new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true });
        builder.Services.AddSingleton(storage);
        builder.Services.AddHangfire((services, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(services.GetRequiredService<ILoggerFactory>())));
        // Jobs:RunServer=false: a node that queues but does not run jobs (an observer node, or maintenance).
        if (builder.Configuration.GetValue(RunServerSetting, true))
            builder.Services.AddHangfireServer((_, options) =>
            {
                options.WorkerCount = Math.Max(2, Environment.ProcessorCount);
                options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            }, storage);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<JobProgressBoard>();
        builder.Services.AddSingleton<ChainEventSubscriptions>();
        builder.Services.AddScoped<JobsOverview>();
        builder.Services.AddTransient<ChainEventJob>();
        builder.Services.AddHostedService<ChainEventDispatcher>();
        builder.Services.AddHostedService<RecurringJobRegistration>();
        builder.Services.AddNodeOperatorPolicy();
        return builder;
    }

    /// <summary>
    /// Subscribes an application to committed events. A recurring run every five minutes is a safety net for a queued
    /// run lost with in-memory storage.
    /// </summary>
    public static IServiceCollection AddChainEventSubscriber<T>(this IServiceCollection services, string name) where T : class, IChainEventSubscriber
    {
        services.AddSingleton<IChainEventSubscriber, T>();
        return services.AddRecurringJob<ChainEventJob>($"chain-events:{name}", "*/5 * * * *", job => job.RunAsync(name, CancellationToken.None));
    }

    /// <summary>Registers a recurring job; each feature lists its own in its Add&lt;Feature&gt; extension.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, string cron, Expression<Func<TJob, Task>> call) =>
        services.AddSingleton(new RecurringJobDefinition(id, manager => manager.AddOrUpdate(id, call, cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc })));

    /// <summary>The Hangfire dashboard for the operators of this node (see <see cref="NodeOperatorPolicy"/>).</summary>
    public static void MapJobsDashboard(this WebApplication app) =>
        app.MapHangfireDashboardWithAuthorizationPolicy(NodeOperatorPolicy.Name, DashboardPath,
            new DashboardOptions { DashboardTitle = "ConsortiumPortal jobs", AppPath = "/operations/jobs", Authorization = [] },
            app.Services.GetRequiredService<JobStorage>());
}

/// <summary>
/// Hangfire's log provider is process-wide (static). A host that stopped leaves its disposed logger factory there; the
/// next host in the same process (tests run many) must not fail on it, so a disposed factory logs nothing instead.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(factory);

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try { return _inner.GetLogger(name); }
        catch (ObjectDisposedException) { return Silent.Instance; }
    }

    private sealed class Silent : Hangfire.Logging.ILog
    {
        public static readonly Silent Instance = new();
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}

/// <summary>One recurring job, applied to Hangfire when the host starts.</summary>
public sealed record RecurringJobDefinition(string Id, Action<IRecurringJobManager> Apply);

internal sealed class RecurringJobRegistration(IEnumerable<RecurringJobDefinition> definitions, IRecurringJobManager manager) : IHostedService
{
    public Task StartAsync(CancellationToken token)
    {
        foreach (var definition in definitions) definition.Apply(manager);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken token) => Task.CompletedTask;
}
