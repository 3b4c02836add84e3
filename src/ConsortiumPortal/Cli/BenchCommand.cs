using System.Diagnostics;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Node;
using ConsortiumPortal.Seed;

namespace ConsortiumPortal.Cli;

/// <summary>
/// `bench --data DIR [--txs N] [--clients C] [--single S] [--warmup W] [--stages]`: settlement transfers through the same in-process path
/// the HTTP API uses (parse the wire JSON, admit with SM2 verification, mempool, block cutter, Raft, apply).
/// Transactions are signed before the clock starts, as clients sign on their own machines. Prints committed tx/s
/// with C concurrent clients, their commit latency percentiles, then the latency of S transactions sent one at a time.
/// </summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(CliArguments args)
    {
        var data = new DataDirectory(args.Required("data"));
        var total = (int)args.Long("txs", 20_000);
        var clients = (int)args.Long("clients", 1_000);
        var single = (int)args.Long("single", 200);
        var stages = args.Flag("stages") ? 5000 : 0;
        // Untimed warm-up through the same pipeline: the JIT's tiered compilation needs a few thousand calls
        // before SM2 verification runs optimized code (measured: ~1,400/s cold vs ~5,300/s warm on one core).
        var warmup = (int)args.Long("warmup", 10_000);
        using var loggers = CliLogging.Create();
        var keys = data.OpenKeystore(CliArguments.MasterKey, loggers.CreateLogger("bench"));
        if (!data.IsInitialized)
        {
            Console.WriteLine($"initialising the demo consortium in {data.Root}");
            await NodeRuntime.InitializeAsync(data, keys, demo: true, null, "http://localhost:5000", loggers, CancellationToken.None);
        }
        await using var runtime = await NodeRuntime.StartAsync(data, keys, new OrderingOptions(), loggers, CancellationToken.None);
        var ledger = runtime.Ledger;
        // Every demo organisation that may move money (the Regulator is read-only) sends transfers.
        var payers = DemoConsortium.Organisations.Where(o => !o.Roles.Contains(Chain.Execution.Roles.Regulator)).ToArray();
        var operators = payers.Select(o => $"{o.Id}/operator").Where(keys.Contains).ToArray();
        if (operators.Length < 2) throw new UsageException("the data directory has no demo operators to sign with; use an empty directory");
        var builders = operators.Select(id => new TxBuilder(ledger.ChainId, id, keys.Get(id))).ToArray();

        Console.WriteLine($"signing {warmup + stages + total + single} transfers with {builders.Length} signers...");
        var wire = new byte[warmup + stages + total + single][];
        var height = ledger.Height;
        Parallel.For(0, wire.Length, i =>
        {
            var from = i % builders.Length;
            var to = payers[(from + 1) % payers.Length].Id;
            wire[i] = System.Text.Encoding.UTF8.GetBytes(builders[from].Build(SettlementContract.ContractName, "transfer",
                new SettlementContract.TransferArgs(to, 1, "bench"), height).ToJson());
        });

        await Task.WhenAll(wire[..warmup].Select(w => runtime.Node.SubmitAsync(SignedTransaction.Parse(w))));
        wire = wire[warmup..];
        if (stages > 0) await MeasureStagesAsync(runtime, wire[..stages]);
        wire = wire[stages..];

        var startHeight = ledger.Height;
        var stats = runtime.Node.Statistics;
        stats.Reset();
        var latencies = new double[total];
        var failures = 0;
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (gen0, gen1, gen2, allocated) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await runtime.Node.SubmitAsync(SignedTransaction.Parse(wire[i]));
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (outcome.Result is not { Succeeded: true }) Interlocked.Increment(ref failures);
            }
        })));
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var blocks = ledger.Height - startHeight;
        Console.WriteLine($"throughput: {total} txs, {clients} clients: {total / clock.Elapsed.TotalSeconds:N0} committed tx/s in {clock.Elapsed.TotalSeconds:N2} s, " +
                          $"{blocks} blocks ({(blocks == 0 ? 0 : total / (double)blocks):N0} tx/block), {failures} failed");
        Console.WriteLine($"process CPU: {cpu.TotalMicroseconds / total:N0} us per tx, {cpu.TotalSeconds / clock.Elapsed.TotalSeconds:N2} of {Environment.ProcessorCount} cores busy; " +
                          $"allocated {(GC.GetTotalAllocatedBytes() - allocated) / total / 1024.0:N1} KiB per tx; GCs gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}");
        Console.WriteLine($"leader time: execute+sign {stats.Propose.TotalSeconds:N2} s, replicate+store {stats.ReplicateAndStore.TotalSeconds:N2} s of {clock.Elapsed.TotalSeconds:N2} s");
        Console.WriteLine($"commit latency under load: {LatencyStats.Summary(latencies, "N1")}");

        var singles = new double[single];
        for (var i = 0; i < single; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await runtime.Node.SubmitAsync(SignedTransaction.Parse(wire[total + i]));
            singles[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (outcome.Result is not { Succeeded: true }) failures++;
        }
        Console.WriteLine($"single tx latency ({single} sent one at a time): {LatencyStats.Summary(singles, "N2")}");
        return failures == 0 ? 0 : 1;
    }


    /// <summary>
    /// Single-threaded cost per transaction of each pipeline stage, to show what bounds throughput: parse,
    /// admission (SM2 verification included), execution while proposing, and replicate + store.
    /// Uses fresh copies of the given transactions; they are committed as a side effect.
    /// </summary>
    private static async Task MeasureStagesAsync(NodeRuntime runtime, byte[][] wire)
    {
        var sample = SignedTransaction.Parse(wire[0]);
        var key = Chain.Crypto.Sm2.PublicKeyFromHex(runtime.Keys.PublicKey(sample.Body.Signer)!);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 2000; i++) sample.VerifySignature(key);
        clock.Restart();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2000; i++) sample.VerifySignature(key);
        var verify = clock.Elapsed.TotalMicroseconds / 2000;
        var verifyBytes = (GC.GetAllocatedBytesForCurrentThread() - bytes) / 2000;
        clock.Restart();
        bytes = GC.GetAllocatedBytesForCurrentThread();
        var txs = wire.Select(w => SignedTransaction.Parse(w)).ToArray();
        var parse = clock.Elapsed.TotalMicroseconds / wire.Length;
        var parseBytes = (GC.GetAllocatedBytesForCurrentThread() - bytes) / wire.Length;
        clock.Restart();
        bytes = GC.GetAllocatedBytesForCurrentThread();
        foreach (var tx in txs)
            if (runtime.Ledger.Admit(tx) is { } refusal) throw new InvalidOperationException(refusal.Message);
        var admit = clock.Elapsed.TotalMicroseconds / wire.Length;
        var admitBytes = (GC.GetAllocatedBytesForCurrentThread() - bytes) / wire.Length;
        Console.WriteLine($"allocations per tx: SM2 verify {verifyBytes:N0} B, parse {parseBytes:N0} B, admit {admitBytes:N0} B");
        var stats = runtime.Node.Statistics;
        stats.Reset();
        await Task.WhenAll(txs.Select(runtime.Node.SubmitAsync));
        Console.WriteLine($"stages per tx, one thread: SM2 verify alone {verify:N0} us, parse {parse:N0} us, admit (incl. SM2 verify) {admit:N0} us; " +
                          $"leader per tx: execute+sign {stats.Propose.TotalMicroseconds / stats.Transactions:N0} us, " +
                          $"replicate+store {stats.ReplicateAndStore.TotalMicroseconds / stats.Transactions:N0} us ({stats.Blocks} blocks)");
    }
}
