using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConsortiumPortal.E2E.Support;

/// <summary>
/// The deployable as published (ConsortiumPortal.dll in bin/.../portal/, written by the csproj's PublishPortalForE2E
/// target) running as a real process on a free loopback port with its own demo data directory:
/// `dotnet portal/ConsortiumPortal.dll --urls ... --Consortium:DataDirectory=...`, content root = the publish directory
/// (its wwwroot holds blazor.web.js, MudBlazor's files and the portal's own css/js).
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly object _logLock = new();

    public string DataDirectory { get; }
    public Uri BaseAddress { get; }

    public static string PublishDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "portal");
    public static string DllPath { get; } = Path.Combine(PublishDirectory, "ConsortiumPortal.dll");

    private PortalProcess(string dataDirectory, int port, IReadOnlyList<string> extraArguments)
    {
        DataDirectory = dataDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = PublishDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in new[]
                 {
                     "--urls", BaseAddress.ToString().TrimEnd('/'),
                     "--contentRoot", PublishDirectory,
                     $"--Consortium:DataDirectory={dataDirectory}",
                     "--Consortium:Demo=true",
                     "--Logging:LogLevel:Default=Warning",
                     "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
                     "--Logging:LogLevel:ConsortiumPortal=Information",
                 }.Concat(extraArguments))
            info.ArgumentList.Add(arg);
        // The child must use our arguments, not whatever the runner has set.
        foreach (var key in info.Environment.Keys.ToArray())
            if (key.StartsWith("Consortium__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
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

    /// <summary>What the portal printed so far (for failure messages).</summary>
    public string Log { get { lock (_logLock) return _log.ToString(); } }

    public string LogTail(int chars = 6000)
    {
        var log = Log;
        return log.Length <= chars ? log : "…" + log[^chars..];
    }

    /// <summary>
    /// Starts the portal on an empty data directory (it creates the demo consortium) and waits until GET /api/status
    /// answers: 200, or 401 once the API asks for a key — either way the host is up and the node has started.
    /// </summary>
    /// <param name="extraArguments">a scenario's own settings, e.g. --Consortium:TrainingClock=true</param>
    public static async Task<PortalProcess> StartAsync(string dataDirectory, TimeSpan timeout, IReadOnlyList<string>? extraArguments = null)
    {
        if (!File.Exists(DllPath)) throw new FileNotFoundException($"{DllPath} is missing: building this project publishes ConsortiumPortal there (target PublishPortalForE2E)", DllPath);
        Directory.CreateDirectory(dataDirectory);
        var portal = new PortalProcess(dataDirectory, ConsortiumPortal.Cli.FreePorts.Free(), extraArguments ?? []);
        portal._process.Start();
        lock (Live) Live.Add(portal);
        portal._process.BeginOutputReadLine();
        portal._process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer yet";
        while (true)
        {
            if (portal._process.HasExited)
            {
                await portal._process.WaitForExitAsync();
                var (code, log) = (portal._process.ExitCode, portal.Log);
                await portal.DisposeAsync();
                throw new InvalidOperationException($"the portal exited with {code} during start-up:\n{log}");
            }
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                using var response = await http.GetAsync("api/status", cts.Token);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return portal;
                last = $"GET /api/status answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (OperationCanceledException) { last = "GET /api/status timed out"; }
            if (DateTime.UtcNow > deadline)
            {
                var log = portal.Log;
                await portal.DisposeAsync();
                throw new TimeoutException($"the portal did not answer /api/status within {timeout} ({last}):\n{log}");
            }
            await Task.Delay(250);
        }
    }

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(30_000);
    }

    // Portals still running when the test host exits (a crashed or aborted run) are killed with it, not orphaned.
    private static readonly HashSet<PortalProcess> Live = [];

    static PortalProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        PortalProcess[] left;
        lock (Live) left = Live.ToArray();
        foreach (var portal in left) portal.Kill();
    };

    public ValueTask DisposeAsync()
    {
        lock (Live) Live.Remove(this);
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A directory under /tmp that is deleted with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cp-e2e-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
