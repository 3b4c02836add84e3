using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ConsortiumPortal.Chain.Raft.Consensus;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Tests;

/// <summary>
/// Ledger stand-in. Payload = 8-byte height + filler. Applies strictly height+1, skips heights already applied
/// (the dedupe the real ledger does), and optionally persists its height to a file like the SQLite ledger would.
/// </summary>
internal sealed class FakeLedger : IReplicatedStateMachine
{
    private readonly object sync = new();
    private readonly string? heightFile;
    private readonly List<long> applied = [];
    private long height;

    public FakeLedger(string? heightFile = null)
    {
        this.heightFile = heightFile;
        if (heightFile is not null && File.Exists(heightFile))
            height = long.Parse(File.ReadAllText(heightFile));
    }

    public long AppliedHeight { get { lock (sync) return height; } }
    public int Skipped { get; private set; }            // redelivered entries the dedupe dropped
    public int EmptyPayloads { get; private set; }      // must stay 0: Raft's own entries never reach the ledger
    public int OutOfOrder { get; private set; }         // must stay 0
    public List<long> SnapshotCallbacks { get; } = [];

    /// <summary>Heights applied by THIS instance, in delivery order.</summary>
    public long[] Applied { get { lock (sync) return applied.ToArray(); } }

    public static byte[] Block(long height, int size = 64)
    {
        var payload = new byte[Math.Max(size, 8)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, height);
        payload.AsSpan(8).Fill((byte)height);
        return payload;
    }

    public ValueTask ApplyAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
    {
        lock (sync)
        {
            if (payload.Length < 8) { EmptyPayloads++; return ValueTask.CompletedTask; }
            var h = BinaryPrimitives.ReadInt64LittleEndian(payload.Span);
            if (h <= height) { Skipped++; return ValueTask.CompletedTask; }
            if (h != height + 1) OutOfOrder++;
            height = h;
            applied.Add(h);
            if (heightFile is not null)
                File.WriteAllText(heightFile, h.ToString()); // "durably applied" for the purpose of the test
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask OnSnapshotRestoredAsync(long snapshotHeight, CancellationToken token)
    {
        lock (sync) SnapshotCallbacks.Add(snapshotHeight);
        return ValueTask.CompletedTask;
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cp-raft-" + Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public string Sub(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Net
{
    public static IPEndPoint FreeLoopbackEndPoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var ep = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();
        return new IPEndPoint(IPAddress.Loopback, ep.Port);
    }

    public static async Task EventuallyAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }
}

/// <summary>Routes Warning+ logs (DotNext Raft ones are filtered to Error by RaftLog) to the xunit output.</summary>
internal sealed class XunitLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName);
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }

    private sealed class Logger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            try { output.WriteLine($"[{logLevel}] {category}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}"); }
            catch (InvalidOperationException) { } // test already finished
        }
    }
}
