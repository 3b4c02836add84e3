using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using ConsortiumPortal.Seed;

namespace ConsortiumPortal.Cli;

/// <summary>
/// `bench-cluster --data EMPTY_DIR [--nodes 3] [--txs N] [--clients C] [--batch B] [--single S] [--warmup W]`: a demo consortium of
/// N node processes of this executable on 127.0.0.1, then settlement transfers signed before the clock starts and
/// submitted over the HTTP API (wait=true) to every node in turn (followers forward to the leader). Prints committed
/// tx/s and commit latency percentiles, the latency of S transactions sent one at a time, then the failover time:
/// the leader is killed with SIGKILL and a write is retried on the survivors until one commits.
/// </summary>
public static class ClusterBenchCommand
{
    public static async Task<int> RunAsync(CliArguments args)
    {
        var root = Path.GetFullPath(args.Required("data"));
        var count = (int)args.Long("nodes", 3);
        var total = (int)args.Long("txs", 20_000);
        var clients = (int)args.Long("clients", 256);
        var single = (int)args.Long("single", 200);
        var warmup = (int)args.Long("warmup", 5_000);
        var batch = (int)args.Long("batch", 1);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any()) throw new UsageException($"{root} is not empty");
        using var loggers = CliLogging.Create();

        var (raftBase, httpBase) = FreePorts.Range(count);
        Console.WriteLine($"initialising a demo consortium of {count} nodes in {root} (raft {raftBase}.., http {httpBase}..)");
        var dirs = await NodeRuntime.InitializeConsortiumAsync(root, count, ["127.0.0.1"], raftBase, httpBase, demo: true,
            CliArguments.MasterKey, loggers, CancellationToken.None);
        var nodes = dirs.Select(d => new BenchNode(d)).ToList();
        try
        {
            foreach (var node in nodes) node.Start();
            await WaitAsync(async () => (await Task.WhenAll(nodes.Select(n => n.StatusAsync()))) is var s && s.All(x => x is not null)
                && s.Count(x => x!.IsLeader) == 1 && s.Single(x => x!.IsLeader)!.RaftMembers == count
                && s.Select(x => x!.Height).Distinct().Count() == 1 && nodes.All(n => n.ApiKeys is not null), TimeSpan.FromSeconds(120), "the cluster to form");
            Console.WriteLine("cluster formed: " + string.Join(", ", (await Task.WhenAll(nodes.Select(n => n.StatusAsync()))).Select(s => $"{s!.NodeId}{(s.IsLeader ? " (leader)" : "")} height {s.Height}")));

            var keys = dirs[0].OpenKeystore(CliArguments.MasterKey, loggers.CreateLogger("bench"));
            using var ledger = new Chain.Ledger(dirs[0].Root, Contracts.ConsortiumContracts.All());
            var chainId = ledger.ChainId;
            var payers = DemoConsortium.Organisations.Where(o => !o.Roles.Contains(Chain.Execution.Roles.Regulator)).Select(o => o.Id).ToArray();
            var height = (await nodes[0].StatusAsync())!.Height;
            Console.WriteLine($"signing {warmup + total + single} transfers with {payers.Length} signers...");
            var builders = payers.Select(p => new TxBuilder(chainId, $"{p}/operator", keys.Get($"{p}/operator"))).ToArray();
            var wire = new (string Organisation, byte[] Body)[warmup + total + single];
            Parallel.For(0, wire.Length, i =>
            {
                var from = i % builders.Length;
                wire[i] = (payers[from], Encoding.UTF8.GetBytes(builders[from].Build(SettlementContract.ContractName, "transfer",
                    new SettlementContract.TransferArgs(payers[(from + 1) % payers.Length], 1, "bench-cluster"), height + 10).ToJson()));
            });

            await SubmitAllAsync(nodes, wire[..warmup], clients, batch, null);
            var latencies = new double[total];
            var startHeight = (await nodes[0].StatusAsync())!.Height;
            var cpuBefore = nodes.Select(n => n.CpuTime).ToArray();
            var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var failed = await SubmitAllAsync(nodes, wire[warmup..(warmup + total)], clients, batch, latencies);
            clock.Stop();
            var nodeCpu = nodes.Select((n, i) => (n.CpuTime - cpuBefore[i]).TotalMilliseconds / total).ToArray();
            var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalMilliseconds / total;
            var blocks = (await nodes[0].StatusAsync())!.Height - startHeight;
            Console.WriteLine($"throughput: {total} txs, {clients} clients{(batch > 1 ? $" sending batches of {batch}" : "")} over {count} nodes: {total / clock.Elapsed.TotalSeconds:N0} committed tx/s in {clock.Elapsed.TotalSeconds:N2} s, " +
                              $"~{blocks} blocks, {failed} failed");
            // CPU time per committed transaction does not depend on what else runs on the machine, unlike tx/s: it shows
            // where the cost is and bounds the throughput (cores / CPU per tx).
            Console.WriteLine($"CPU per committed tx: nodes {nodeCpu.Sum():N3} ms ({string.Join(", ", nodes.Select((n, i) => $"{n.NodeId} {nodeCpu[i]:N3}"))}), " +
                              $"client {clientCpu:N3} ms; bound on {Environment.ProcessorCount} cores: {Environment.ProcessorCount * 1000 / (nodeCpu.Sum() + clientCpu):N0} tx/s");
            Console.WriteLine($"commit latency under load: {LatencyStats.Summary(latencies, "N1")}");

            var singles = new double[single];
            for (var i = 0; i < single; i++)
            {
                var (organisation, body) = wire[warmup + total + i];
                var started = Stopwatch.GetTimestamp();
                if (!await nodes[i % nodes.Count].SubmitAsync(organisation, body)) failed++;
                singles[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Console.WriteLine($"single tx latency ({single} one at a time, every node in turn): {LatencyStats.Summary(singles, "N2")}");

            // Failover: SIGKILL the leader, then retry fresh writes on the survivors until one commits.
            var statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()));
            var leader = nodes[Array.FindIndex(statuses, s => s!.IsLeader)];
            var survivors = nodes.Where(n => n != leader).ToArray();
            var afterHeight = statuses.Max(s => s!.Height);
            var fresh = builders.Select((b, i) => (payers[i], b)).ToArray();
            var failover = Stopwatch.StartNew();
            leader.Kill();
            double? elected = null;
            for (var attempt = 0; failover.Elapsed < TimeSpan.FromSeconds(30); attempt++)
            {
                if (elected is null && (await Task.WhenAll(survivors.Select(n => n.StatusAsync()))).Any(s => s is { IsLeader: true }))
                    elected = failover.Elapsed.TotalSeconds;
                var (organisation, builder) = fresh[attempt % fresh.Length];
                var body = Encoding.UTF8.GetBytes(builder.Build(SettlementContract.ContractName, "transfer",
                    new SettlementContract.TransferArgs(payers[(attempt % fresh.Length + 1) % payers.Length], 1, $"failover #{attempt}"), afterHeight).ToJson());
                if (await survivors[attempt % survivors.Length].SubmitAsync(organisation, body, TimeSpan.FromSeconds(2))) break;
                await Task.Delay(20);
            }
            failover.Stop();
            Console.WriteLine($"failover: leader {leader.NodeId} killed; new leader seen after {(elected is { } e ? $"{e:N2} s" : "(not before the write)")}; first write committed after {failover.Elapsed.TotalSeconds:N2} s");
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
        }
    }

    /// <summary>
    /// Posts every transaction, <paramref name="clients"/> requests at a time, to the nodes in turn: one per request, or
    /// with <paramref name="batch"/> &gt; 1 batches of one organisation's transactions (a batch acts for one organisation).
    /// A transaction's latency is its request's.
    /// </summary>
    private static async Task<int> SubmitAllAsync(IReadOnlyList<BenchNode> nodes, (string Organisation, byte[] Body)[] wire, int clients, int batch, double[]? latencies)
    {
        var groups = Enumerable.Range(0, wire.Length).GroupBy(i => wire[i].Organisation)
            .SelectMany(g => g.Chunk(Math.Max(1, batch)).Select((chunk, n) => (Order: n, Chunk: chunk)))
            .OrderBy(g => g.Order).Select(g => g.Chunk).ToArray();
        var next = -1;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int g;
            while ((g = Interlocked.Increment(ref next)) < groups.Length)
            {
                var group = groups[g];
                var started = Stopwatch.GetTimestamp();
                var node = nodes[g % nodes.Count];
                var committed = group.Length == 1
                    ? (await node.SubmitAsync(wire[group[0]].Organisation, wire[group[0]].Body) ? 1 : 0)
                    : await node.SubmitBatchAsync(wire[group[0]].Organisation, group.Select(i => wire[i].Body).ToArray());
                Interlocked.Add(ref failed, group.Length - committed);
                if (latencies is null) continue;
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                foreach (var i in group) latencies[i] = elapsed;
            }
        })));
        return failed;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    private sealed record Status(string NodeId, long Height, bool IsLeader, int RaftMembers);

    /// <summary>One node process of this executable and an HTTP client for its API.</summary>
    private sealed class BenchNode : IDisposable
    {
        private readonly DataDirectory _data;
        private readonly HttpClient _http;
        private Process? _process;
        private IReadOnlyDictionary<string, string>? _apiKeys;

        public BenchNode(DataDirectory data)
        {
            _data = data;
            var identity = data.ReadNode();
            NodeId = identity.NodeId;
            HttpUrl = identity.HttpUrl.TrimEnd('/');
            _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = new Uri(HttpUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        }

        public string NodeId { get; }
        public string HttpUrl { get; }

        public IReadOnlyDictionary<string, string>? ApiKeys => _apiKeys ??= File.Exists(DemoApiKeys.PathIn(_data))
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(DemoApiKeys.PathIn(_data)))
            : null;

        public void Start()
        {
            var self = Environment.ProcessPath!;
            var info = new ProcessStartInfo(self) { WorkingDirectory = _data.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(ClusterBenchCommand).Assembly.Location);
            foreach (var a in new[] { "--urls", HttpUrl, $"--Consortium:DataDirectory={_data.Root}", "--Consortium:Demo=true", "--Logging:LogLevel:Default=Warning" })
                info.ArgumentList.Add(a);
            if (CliArguments.MasterKey is { } key) info.Environment["Consortium__MasterKey"] = key;
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task<Status?> StatusAsync()
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/status");
                if (ApiKeys is { } keys) request.Headers.Add("X-Api-Key", keys.Values.First());
                using var response = await _http.SendAsync(request);
                if (!response.IsSuccessStatusCode) return null;
                return JsonSerializer.Deserialize<Status>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
        }

        public async Task<bool> SubmitAsync(string organisation, byte[] body, TimeSpan? timeout = null)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/transactions?wait=true") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("X-Api-Key", ApiKeys![organisation]);
                using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
                using var response = await _http.SendAsync(request, cts.Token);
                if (response.StatusCode != HttpStatusCode.OK) return false;
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token));
                return json.RootElement.GetProperty("state").GetString() == "committed" && json.RootElement.GetProperty("status").GetString() == "ok";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
        }

        /// <summary>CPU time the node process has used so far (user + system).</summary>
        public TimeSpan CpuTime
        {
            get
            {
                _process!.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        /// <summary>Posts one organisation's transactions as one batch, waiting for their blocks; returns how many committed.</summary>
        public async Task<int> SubmitBatchAsync(string organisation, byte[][] bodies)
        {
            try
            {
                var content = new byte[bodies.Sum(b => b.Length + 1) + 1];
                content[0] = (byte)'[';
                var at = 1;
                foreach (var body in bodies)
                {
                    body.CopyTo(content, at);
                    at += body.Length;
                    content[at++] = (byte)',';
                }
                content[at - 1] = (byte)']';
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/transactions/batch?wait=true") { Content = new ByteArrayContent(content) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("X-Api-Key", ApiKeys![organisation]);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                using var response = await _http.SendAsync(request, cts.Token);
                if (response.StatusCode != HttpStatusCode.OK) return 0;
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token));
                return json.RootElement.GetProperty("results").EnumerateArray()
                    .Count(r => r.GetProperty("state").GetString() == "committed" && r.GetProperty("status").GetString() == "ok");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return 0; }
        }

        public void Kill() => _process?.Kill(entireProcessTree: true);

        public void Dispose()
        {
            try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process?.Dispose();
            _http.Dispose();
        }
    }
}
