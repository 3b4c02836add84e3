using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests;

/// <summary>
/// A node process killed with SIGKILL while clients submit: every transaction it acknowledged as committed is
/// still committed after a restart, and the chain verifies. A node restarted cleanly resumes where it stopped.
/// </summary>
public sealed class CrashAndRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    // Operators of organisations the demo gave opening balances; each client pays 1 fen to the next organisation.
    private static readonly string[] Payers = ["steel-works", "data-park", "retail-one", "gen-wind", "px-center", "grid-east"];

    [Fact]
    public async Task Every_acknowledged_transaction_survives_kill_9_and_the_chain_verifies()
    {
        var ledger = await DemoLedger.InitAsync(_temp.Sub("data"));
        var acknowledged = new ConcurrentDictionary<string, (long Height, int Index)>();
        const int rounds = 2;

        await using (var first = await NodeProcess.StartAsync(ledger.DataDirectory))
            await SubmitThenKillAsync(first, ledger, acknowledged, round: 1);

        for (var round = 1; round <= rounds; round++)
        {
            await using var node = await NodeProcess.StartAsync(ledger.DataDirectory);
            var status = await node.StatusAsync();
            Assert.Null(status.Halted);
            Assert.True(status.Height >= acknowledged.Values.Max(a => a.Height),
                $"restarted at height {status.Height}, below acknowledged height {acknowledged.Values.Max(a => a.Height)}");

            var lost = new List<string>();
            foreach (var (txId, (height, index)) in acknowledged)
            {
                var found = await node.Http.TransactionAsync(txId);
                if (found != ("committed", height, index)) lost.Add($"{txId}: acknowledged at {height}/{index}, now {found}");
            }
            Assert.True(lost.Count == 0, $"after restart {round}, {lost.Count} of {acknowledged.Count} acknowledged transactions are lost or moved:\n" +
                                         string.Join("\n", lost.Take(10)));
            output.WriteLine($"restart {round}: all {acknowledged.Count} acknowledged transactions are committed; height {status.Height}");

            if (round < rounds) await SubmitThenKillAsync(node, ledger, acknowledged, round + 1);
            else Assert.Equal(0, await node.StopAsync());
        }

        var verify = await Executable.RunAsync("verify", "--data", ledger.DataDirectory);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        foreach (var txId in acknowledged.Keys) Assert.Equal(1, ledger.TransactionRows(txId));
    }

    /// <summary>Several clients submit transfers with ?wait=true; after a while the node is SIGKILLed while they are still sending.</summary>
    private async Task SubmitThenKillAsync(NodeProcess node, DemoLedger ledger, ConcurrentDictionary<string, (long, int)> acknowledged, int round)
    {
        var height = (await node.StatusAsync()).Height;
        var killed = 0;
        var ackedThisRound = 0;
        var unexpected = new ConcurrentQueue<string>();
        var clients = Payers.Select((payer, i) => Task.Run(async () =>
        {
            var signer = ledger.Signer($"{payer}/operator");
            var payee = Payers[(i + 1) % Payers.Length];
            var sent = 0;
            while (Volatile.Read(ref killed) == 0)
            {
                var tx = signer.Build(Contracts.Settlement.SettlementContract.ContractName, "transfer",
                    new Contracts.Settlement.SettlementContract.TransferArgs(payee, 1, $"crash round {round} #{sent++}"), height);
                try
                {
                    var answer = await node.Http.SubmitAsync(tx);
                    if (answer.IsCommitted)
                    {
                        acknowledged[tx.IdHex] = (answer.Json.GetProperty("height").GetInt64(), answer.Json.GetProperty("index").GetInt32());
                        Interlocked.Increment(ref ackedThisRound);
                    }
                    else if (Volatile.Read(ref killed) == 0) unexpected.Enqueue(answer.ToString());
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    if (Volatile.Read(ref killed) == 0) unexpected.Enqueue(e.Message);
                    break; // the node is gone
                }
            }
        })).ToArray();

        // Let them run ~1.5 s (and until something was acknowledged), then pull the plug mid-flight.
        var clock = Stopwatch.StartNew();
        await Task.Delay(1500);
        while (Volatile.Read(ref ackedThisRound) == 0 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        Volatile.Write(ref killed, 1);
        node.Kill();
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(90));

        output.WriteLine($"round {round}: {ackedThisRound} acknowledged in {clock.Elapsed.TotalSeconds:N1} s before SIGKILL");
        Assert.True(ackedThisRound > 0, "nothing was acknowledged before the kill:\n" + node.Log);
        Assert.True(unexpected.IsEmpty, "unexpected answers before the kill: " + string.Join("\n", unexpected.Take(5)));
    }

    [Fact]
    public async Task A_restarted_node_has_the_same_height_and_head_and_keeps_committing()
    {
        var ledger = await DemoLedger.InitAsync(_temp.Sub("data"));
        NodeStatus stopped;
        SignedTransaction early;
        await using (var node = await NodeProcess.StartAsync(ledger.DataDirectory))
        {
            for (var i = 0; i < 3; i++)
            {
                var s = await node.StatusAsync();
                var answer = await node.Http.SubmitAsync(ledger.Transfer("steel-works/operator", "retail-one", 100 + i, s.Height, $"before restart {i}"));
                Assert.True(answer.IsCommitted, answer.ToString());
            }
            early = ledger.Transfer("data-park/operator", "retail-one", 5, (await node.StatusAsync()).Height, "early");
            Assert.True((await node.Http.SubmitAsync(early)).IsCommitted);
            stopped = await node.StatusAsync();
            Assert.Equal(0, await node.StopAsync());
        }

        // Clean stop (SIGTERM) and start: same head, and it goes on committing from there.
        NodeStatus afterClean;
        await using (var node = await NodeProcess.StartAsync(ledger.DataDirectory))
        {
            var resumed = await node.StatusAsync();
            Assert.Equal(stopped, resumed);
            Assert.Equal("committed", (await node.Http.TransactionAsync(early.IdHex)).State);

            var next = await node.Http.SubmitAsync(ledger.Transfer("steel-works/operator", "retail-one", 1, resumed.Height, "after restart"));
            Assert.True(next.IsCommitted, next.ToString());
            Assert.Equal(resumed.Height + 1, next.Json.GetProperty("height").GetInt64());
            afterClean = await node.StatusAsync();
            Assert.Equal(resumed.Height + 1, afterClean.Height);
            Assert.NotEqual(resumed.HeadHash, afterClean.HeadHash);

            // The duplicate check survives the restart too.
            var replay = await node.Http.SubmitAsync(early);
            Assert.Equal(HttpStatusCode.Conflict, replay.Status);
            afterClean = await node.StatusAsync();
            node.Kill(); // and this time a crash, idle
        }

        await using (var node = await NodeProcess.StartAsync(ledger.DataDirectory))
        {
            var resumed = await node.StatusAsync();
            Assert.Equal(afterClean, resumed);
            var next = await node.Http.SubmitAsync(ledger.Transfer("gen-wind/operator", "retail-one", 1, resumed.Height, "after kill"));
            Assert.True(next.IsCommitted, next.ToString());
            Assert.Equal(resumed.Height + 1, next.Json.GetProperty("height").GetInt64());
            Assert.Equal(0, await node.StopAsync());
        }

        var verify = await Executable.RunAsync("verify", "--data", ledger.DataDirectory);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    public void Dispose() => _temp.Dispose();
}
