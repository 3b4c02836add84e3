using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using ConsortiumPortal.Seed.Metering;
using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Cli;

/// <summary>
/// `bench-metering --data DIR [--meters 10000] [--per-request 100] [--clients 4] [--url URL]`: one day of 15-minute
/// readings for N simulated meters (N x 96 readings) posted as JSON batches to POST /api/metering/readings of a running
/// portal, the way a metering head-end would, with grid-east's demo API key. Without --url it starts this executable
/// as the portal on a free loopback port over DIR (a demo data directory is created if DIR is empty) and stops it
/// afterwards. Meters are registered first through POST /api/metering/meters (not timed). Prints readings/s and how
/// much ledger.db grew per reading (WAL checkpointed before and after).
/// </summary>
public static class MeteringBenchCommand
{
    public static async Task<int> RunAsync(CliArguments args)
    {
        var data = new DataDirectory(args.Required("data"));
        var meters = (int)args.Long("meters", 10_000);
        var perRequest = (int)args.Long("per-request", 100);
        var clients = (int)args.Long("clients", 4);
        Process? portal = null;
        var url = args.Optional("url");
        try
        {
            if (url is null) (portal, url) = await StartPortalAsync(data.Root);
            var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(DemoApiKeys.PathIn(data)))!;
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Add("X-Api-Key", keys["grid-east"]);

            var fleet = Fleet(meters);
            Console.WriteLine($"registering {meters} meters through POST /api/metering/meters ...");
            var clock = Stopwatch.StartNew();
            await ForEachAsync(fleet, 32, async m =>
            {
                using var response = await http.PostAsJsonAsync("/api/metering/meters", new MeteringApi.RegisterMeterRequest(
                    m.Meter.MeterId, m.Owner, "bench-site", m.Type, m.Technology, m.Meter.CapacityW, m.Province, "bench", m.Meter.FeederId));
                if (!response.IsSuccessStatusCode && !(await response.Content.ReadAsStringAsync()).Contains("already registered"))
                    throw new InvalidOperationException($"registering {m.Meter.MeterId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            });
            Console.WriteLine($"registered in {clock.Elapsed.TotalSeconds:N1} s ({meters / clock.Elapsed.TotalSeconds:N0} meters/s)");

            // Yesterday (UTC): every interval has ended.
            var day = MeteringState.DayStartOf(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - MeteringState.DayMs;
            var simulator = new MeterSimulator(42);
            var requests = fleet.Chunk(perRequest).Select(chunk => new MeteringApi.ReadingsBatchRequest(chunk.SelectMany(m =>
                simulator.Day(m.Meter, day).Select((wh, i) => new MeteringApi.ReadingInput(m.Meter.MeterId,
                    DateTimeOffset.FromUnixTimeMilliseconds(day + i * MeteringState.IntervalMs), wh))).ToList())).ToList();
            var total = requests.Sum(r => r.Readings!.Count);

            var before = LedgerBytes(data.Root);
            var (heightBefore, txBytesBefore) = LedgerCounts(data.Root);
            Console.WriteLine($"posting {total:N0} readings in {requests.Count} requests of {perRequest} meter-days, {clients} at a time ...");
            long accepted = 0, already = 0, rejected = 0, transactions = 0;
            clock.Restart();
            await ForEachAsync(requests, clients, async request =>
            {
                using var response = await http.PostAsJsonAsync("/api/metering/readings", request);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/metering/readings: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var report = (await response.Content.ReadFromJsonAsync<IngestReport>(JsonSerializerOptions.Web))!;
                Interlocked.Add(ref accepted, report.Accepted);
                Interlocked.Add(ref already, report.AlreadyRecorded);
                Interlocked.Add(ref rejected, report.Rejected.Count);
                Interlocked.Add(ref transactions, report.Transactions.Count);
            });
            clock.Stop();
            var after = LedgerBytes(data.Root);
            var (heightAfter, txBytesAfter) = LedgerCounts(data.Root);
            Console.WriteLine($"ingest: {total:N0} readings in {clock.Elapsed.TotalSeconds:N1} s = {total / clock.Elapsed.TotalSeconds:N0} readings/s " +
                              $"({accepted:N0} recorded, {already:N0} already recorded, {rejected:N0} rejected; {transactions} transactions in {heightAfter - heightBefore} blocks)");
            Console.WriteLine($"chain growth: ledger.db {before / 1048576.0:N1} MiB -> {after / 1048576.0:N1} MiB = {(after - before) / (double)Math.Max(1, accepted):N0} bytes per reading " +
                              $"(transaction bodies {(txBytesAfter - txBytesBefore) / (double)Math.Max(1, accepted):N1} bytes per reading)");
            return rejected == 0 ? 0 : 1;
        }
        finally
        {
            if (portal is not null)
            {
                portal.Kill(entireProcessTree: true);
                await portal.WaitForExitAsync();
                portal.Dispose();
            }
        }
    }

    private sealed record BenchMeter(SimulatedMeter Meter, string Owner, string Type, string? Technology, string Province);

    /// <summary>A deterministic mix: one meter in five generates (wind, solar, hydro), the rest are loads; 500 meters per feeder.</summary>
    private static IReadOnlyList<BenchMeter> Fleet(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var (profile, owner, capacity) = (i % 10) switch
        {
            0 => (MeterProfile.Wind, "gen-wind", 5_000_000L),
            1 => (MeterProfile.Solar, "gen-solar", 2_000_000L),
            2 => (MeterProfile.Hydro, "gen-hydro", 8_000_000L),
            3 or 4 => (MeterProfile.Industrial, "steel-works", 1_500_000L),
            5 => (MeterProfile.DataCentre, "data-park", 3_000_000L),
            _ => (MeterProfile.Residential, "retail-one", 60_000L),
        };
        var type = profile is MeterProfile.Wind or MeterProfile.Solar or MeterProfile.Hydro ? MeterTypes.Generation : MeterTypes.Consumption;
        var technology = profile switch { MeterProfile.Wind => "wind", MeterProfile.Solar => "solar", MeterProfile.Hydro => "hydro", _ => null };
        return new BenchMeter(new SimulatedMeter($"B-{i:D6}", profile, capacity, $"BENCH-F{i / 500:D3}"), owner, type, technology, i % 2 == 0 ? "Jiangsu" : "Zhejiang");
    }).ToList();

    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, int parallelism, Func<T, Task> action)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count) await action(items[i]);
        })));
    }

    /// <summary>ledger.db after folding the WAL into it, so the figure is the database and not the log's page copies.</summary>
    private static long LedgerBytes(string root)
    {
        var path = Path.Combine(root, Chain.Ledger.DatabaseFile);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        var wal = new FileInfo(path + "-wal");
        return new FileInfo(path).Length + (wal.Exists ? wal.Length : 0);
    }

    private static (long Height, long TxBytes) LedgerCounts(string root)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(root, Chain.Ledger.DatabaseFile), Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COALESCE(MAX(height), 0) FROM blocks), (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM transactions)";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>This executable as the portal on a free loopback port, in demo mode over the data directory; ready when /health/ready answers 200.</summary>
    private static async Task<(Process, string)> StartPortalAsync(string root)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; }
        var url = $"http://127.0.0.1:{port}";
        var host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(MeteringBenchCommand).Assembly.Location);
        foreach (var a in new[] { "--urls", url, $"--Consortium:DataDirectory={Path.GetFullPath(root)}", "--Consortium:Demo=true", "--Logging:LogLevel:Default=Warning" })
            info.ArgumentList.Add(a);
        info.WorkingDirectory = AppContext.BaseDirectory;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"portal: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Console.WriteLine($"starting the portal on {url} over {root} ...");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the portal exited with code {process.ExitCode}");
            try
            {
                using var ready = await http.GetAsync(url + "/health/ready");
                if (ready.IsSuccessStatusCode && File.Exists(DemoApiKeys.PathIn(new DataDirectory(root)))) return (process, url);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(500);
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("the portal did not become ready in 5 minutes");
    }
}
