using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ConsortiumPortal.Tests.Support;

/// <summary>A directory under /tmp that is deleted with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cp-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>What a finished CLI invocation printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>Runs the deployable (ConsortiumPortal.dll, copied into the test bin by the project reference) as `dotnet ConsortiumPortal.dll ...`.</summary>
public static class Executable
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "ConsortiumPortal.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        // The child must use the data directory's own master.key and our arguments, not whatever the runner has set.
        foreach (var key in info.Environment.Keys.ToArray())
            if (key.StartsWith("Consortium__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    /// <summary>Runs a CLI verb to completion (killing it after <paramref name="timeout"/>).</summary>
    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = new Process { StartInfo = StartInfo(Path.GetTempPath(), args) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            throw new TimeoutException($"`{string.Join(' ', args)}` did not finish within {timeout}: {await stdout}{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(TimeSpan.FromSeconds(90), args);
}

/// <summary>
/// One node (ledger + Raft + HTTP API) running as a child process on a random loopback port. Kill() is SIGKILL
/// (Process.Kill sends SIGKILL on Linux); StopAsync() is SIGTERM, the way an operator stops it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly object _logLock = new();

    public string DataDirectory { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    private NodeProcess(string dataDirectory, int port, IReadOnlyList<string> extraArguments)
    {
        DataDirectory = dataDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = Executable.StartInfo(dataDirectory, [
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            $"--Consortium:DataDirectory={dataDirectory}",
            // The directory was made by `init --demo`; demo mode gives it the demo accounts and demo-api-keys.json.
            "--Consortium:Demo=true",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            .. extraArguments,
        ]);
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        // Every call carries a demo API key: the signer's organisation's for a submission, else the Regulator's.
        Http = new HttpClient(DemoApiKeyFile.Handler(dataDirectory,
            new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }))
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            if (_log.Length > 200_000) _log.Remove(0, 100_000);
            _log.AppendLine(line);
        }
    }

    /// <summary>What the node printed so far (for failure messages).</summary>
    public string Log { get { lock (_logLock) return _log.ToString(); } }

    /// <summary>A client for this node that adds the demo API keys (see <see cref="DemoApiKeyFile.Handler"/>).</summary>
    public HttpClient CreateClient(SocketsHttpHandler handler, TimeSpan timeout) =>
        new(DemoApiKeyFile.Handler(DataDirectory, handler)) { BaseAddress = BaseAddress, Timeout = timeout };

    /// <summary>Starts a node on an initialised data directory and waits until it leads and answers /api/status.</summary>
    /// <param name="runJobs">
    /// run background jobs (off by default: ledger tests compare heights, and the demo's meter-triggered job would
    /// commit settlements meanwhile; the jobs have tests of their own)
    /// </param>
    public static async Task<NodeProcess> StartAsync(string dataDirectory, TimeSpan? timeout = null, bool runJobs = false)
    {
        var node = new NodeProcess(dataDirectory, FreePorts.Free(), runJobs ? [] : ["--Jobs:RunServer=false"]);
        node._process.Start();
        lock (Live) Live.Add(node);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (node._process.HasExited)
            {
                await node._process.WaitForExitAsync();
                var (code, log) = (node._process.ExitCode, node.Log);
                await node.DisposeAsync();
                throw new InvalidOperationException($"the node exited with {code} during start-up:\n{log}");
            }
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await node.Http.GetAsync("api/status", cts.Token);
                if (response.IsSuccessStatusCode)
                {
                    var status = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (status.GetProperty("isLeader").GetBoolean()) return node;
                }
            }
            catch (HttpRequestException) { }
            catch (OperationCanceledException) { }
            if (DateTime.UtcNow > deadline)
            {
                var log = node.Log;
                await node.DisposeAsync();
                throw new TimeoutException($"the node did not become ready within {timeout ?? TimeSpan.FromSeconds(60)}:\n{log}");
            }
            await Task.Delay(100);
        }
    }

    public async Task<NodeStatus> StatusAsync()
    {
        var json = await Http.GetFromJsonAsync<JsonElement>("api/status");
        return new NodeStatus(json.GetProperty("height").GetInt64(), json.GetProperty("headHash").GetString()!,
            json.GetProperty("chainId").GetString()!, json.GetProperty("genesisHash").GetString()!,
            json.GetProperty("halted").ValueKind == JsonValueKind.Null ? null : json.GetProperty("halted").GetString());
    }

    /// <summary>SIGKILL, now: no shutdown code runs.</summary>
    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(30_000);
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    private const int SigTerm = 15;

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code (SIGKILLs after <paramref name="timeout"/> and throws).</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return _process.ExitCode;
        SendSignal(_process.Id, SigTerm);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"the node did not stop within {timeout ?? TimeSpan.FromSeconds(30)} of SIGTERM:\n{Log}");
        }
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    // Nodes still running when the test host exits (a crashed or aborted run) are killed with it, not orphaned.
    private static readonly HashSet<NodeProcess> Live = [];

    static NodeProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        NodeProcess[] left;
        lock (Live) left = Live.ToArray();
        foreach (var node in left) node.Kill();
    };

    public ValueTask DisposeAsync()
    {
        lock (Live) Live.Remove(this);
        Kill();
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed record NodeStatus(long Height, string HeadHash, string ChainId, string GenesisHash, string? Halted);
