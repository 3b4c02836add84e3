using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Tests.Support;

namespace ConsortiumPortal.Tests.Cluster;

/// <summary>What GET /api/status says about a node of a cluster.</summary>
public sealed record ClusterStatus(string NodeId, long Height, string HeadHash, string GenesisHash, bool IsLeader, string? Leader, int RaftMembers, string? Halted);

/// <summary>
/// One node of a consortium made by `init --nodes N`, as a child process listening on the HTTP URL its node.json
/// publishes (other nodes forward to that URL). Unlike <see cref="NodeProcess"/> it does not wait to lead.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly object _logLock = new();
    private Process? _process;

    public string DataDirectory { get; }
    public string NodeId { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public bool IsRunning => _process is { HasExited: false };

    public ClusterNode(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        using var node = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dataDirectory, "node.json")));
        NodeId = node.RootElement.GetProperty("nodeId").GetString()!;
        BaseAddress = new Uri(node.RootElement.GetProperty("httpUrl").GetString()!.TrimEnd('/') + "/");
        Http = new HttpClient(DemoApiKeyFile.Handler(dataDirectory, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }))
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public string Log { get { lock (_logLock) return _log.ToString(); } }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (_log.Length > 200_000) _log.Remove(0, 100_000);
            _log.AppendLine(line);
        }
    }

    /// <summary>Starts the process and waits until it answers /api/status (a follower answers before it has a leader).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (IsRunning) throw new InvalidOperationException($"{NodeId} is already running");
        var info = Executable.StartInfo(DataDirectory, [
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            $"--Consortium:DataDirectory={DataDirectory}",
            "--Consortium:Demo=true",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            // Consensus tests compare heads: no background jobs committing meanwhile (the jobs have their own tests).
            "--Jobs:RunServer=false",
        ]);
        _process?.Dispose();
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        lock (Live) Live.Add(this);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{NodeId} exited with {_process.ExitCode} during start-up:\n{Log}");
            if (await TryStatusAsync() is not null && DemoApiKeyFile.TryRead(DataDirectory) is not null) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{NodeId} did not answer /api/status in time:\n{Log}");
            await Task.Delay(100);
        }
    }

    public async Task<ClusterStatus?> TryStatusAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await Http.GetAsync("api/status", cts.Token);
            if (!response.IsSuccessStatusCode) return null;
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cts.Token);
            string? Text(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ClusterStatus(Text("nodeId")!, json.GetProperty("height").GetInt64(), Text("headHash")!, Text("genesisHash")!,
                json.GetProperty("isLeader").GetBoolean(), Text("leader"), json.GetProperty("raftMembers").GetInt32(), Text("halted"));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or IOException or SocketException)
        {
            return null;
        }
    }

    public async Task<ClusterStatus> StatusAsync() => await TryStatusAsync() ?? throw new InvalidOperationException($"{NodeId} does not answer /api/status:\n{Log}");

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process?.WaitForExit(30_000);
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGTERM and wait for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (_process is null) return 0;
        if (_process.HasExited) return _process.ExitCode;
        SendSignal(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{NodeId} did not stop within 30 s of SIGTERM:\n{Log}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private static readonly HashSet<ClusterNode> Live = [];

    static ClusterNode() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        ClusterNode[] left;
        lock (Live) left = Live.ToArray();
        foreach (var node in left) node.Kill();
    };

    public ValueTask DisposeAsync()
    {
        lock (Live) Live.Remove(this);
        Kill();
        Http.Dispose();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
