using Microsoft.Extensions.Logging;

namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>
/// DotNext logs a stack trace per heartbeat round while a member is down (STACK.md): raise its Raft categories to Error.
/// To diagnose replication, the environment variable CONSORTIUM_RAFT_LOG (e.g. Debug) lowers that level again. Only Microsoft.Extensions.Logging.Abstractions is referenced, so this is a tiny wrapper instead of AddFilter().
/// </summary>
internal sealed class RaftLoggerFilter(ILoggerFactory inner) : ILoggerFactory
{
    private const string NoisyPrefix = "DotNext.Net.Cluster.Consensus.Raft";

    private static readonly LogLevel RaftLevel =
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("CONSORTIUM_RAFT_LOG"), ignoreCase: true, out var level) ? level : LogLevel.Error;

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith(NoisyPrefix, StringComparison.Ordinal) ? new MinLevelLogger(logger, RaftLevel) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // Not ours to dispose: the caller owns the factory.
    public void Dispose() { }

    private sealed class MinLevelLogger(ILogger inner, LogLevel min) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= min && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= min)
                inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
