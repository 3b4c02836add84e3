using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Seed.DemandResponse;
using ConsortiumPortal.Seed.Metering;
using ConsortiumPortal.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests.Jobs;

/// <summary>
/// The meter-triggered settlement job, killed with SIGKILL in the middle of a backlog, resumes when the node restarts
/// and settles every complete meter-day exactly once.
/// </summary>
public sealed class JobRestartTests(ITestOutputHelper output) : IDisposable
{
    private const int ExtraDays = 40;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_job_killed_mid_run_resumes_after_a_restart_and_settles_every_meter_day_exactly_once()
    {
        var ledger = await DemoLedger.InitAsync(_temp.Sub("data"));
        var meters = MeteringSeed.Meters.Select(m => m.MeterId).ToArray();
        long firstDay;

        // 1. A node that queues but does not run jobs takes a backlog: 40 more days of readings for every demo meter.
        await using (var quiet = await NodeProcess.StartAsync(ledger.DataDirectory))
        {
            var status = await quiet.StatusAsync();
            var genesisDay = MeteringState.DayStartOf(GenesisTime(ledger));
            firstDay = MeteringSeed.FirstDay(GenesisTime(ledger)) - ExtraDays * MeteringState.DayMs;
            var signer = ledger.Signer(MeteringSeed.Signer);
            var txs = new List<SignedTransaction>();
            foreach (var meter in meters)
                for (var week = firstDay; week < MeteringSeed.FirstDay(GenesisTime(ledger)); week += 7 * MeteringState.DayMs)
                {
                    var end = Math.Min(week + 7 * MeteringState.DayMs, MeteringSeed.FirstDay(GenesisTime(ledger)));
                    var count = (int)((end - week) / MeteringState.IntervalMs);
                    txs.Add(signer.Build(MeteringContract.ContractName, "recordReadings", new MeteringContract.RecordReadingsArgs(
                        [new MeteringContract.ReadingSeries(meter, week, Enumerable.Repeat(1_000L, count).ToArray())]), status.Height));
                }
            foreach (var answer in await Task.WhenAll(txs.Select(tx => quiet.Http.SubmitAsync(tx))))
                Assert.True(answer.IsCommitted && answer.Json.GetProperty("status").GetString() == "ok", answer.ToString());
            Assert.True(genesisDay > firstDay);
            Assert.Equal(0, Statements(ledger));
            Assert.Equal(0, await quiet.StopAsync());
        }
        // The demand-response history's own meter has whole days of readings too.
        var (historyFrom, historyTo) = DemandResponseSeed.HistoryReadings(GenesisTime(ledger));
        var expected = meters.Length * (ExtraDays + MeteringSeed.Days) + (int)((historyTo - historyFrom) / MeteringState.DayMs);

        // 2. Jobs run: kill -9 once some days are settled and others are not.
        await using (var worker = await NodeProcess.StartAsync(ledger.DataDirectory, runJobs: true))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Statements(ledger) < 20)
            {
                Assert.True(DateTime.UtcNow < deadline, "the settlement job did not start:\n" + worker.Log);
                await Task.Delay(10);
            }
            worker.Kill();
        }
        var atKill = Statements(ledger);
        output.WriteLine($"killed with {atKill} of {expected} meter-days settled");
        Assert.InRange(atKill, 20, expected - 1);

        // 3. Restarted, it resumes from its cursor and finishes.
        await using (var restarted = await NodeProcess.StartAsync(ledger.DataDirectory, runJobs: true))
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (Statements(ledger) < expected)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Statements(ledger)} of {expected} settled after the restart:\n" + restarted.Log);
                await Task.Delay(100);
            }
            await Task.Delay(1_000); // a duplicate, if any, would commit now
            Assert.Equal(0, await restarted.StopAsync());
        }

        // Exactly once: one successful settlement per meter-day, and one statement per meter-day.
        var settled = SuccessfulSettlements(ledger);
        Assert.Equal(expected, settled.Count);
        Assert.Equal(expected, settled.Distinct().Count());
        Assert.Equal(expected, Statements(ledger));
        var verify = await Executable.RunAsync("verify", "--data", ledger.DataDirectory);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    /// <summary>The demo's seeding moment, which the metering seed's week is dated from (genesis is its history earlier).</summary>
    private static long GenesisTime(DemoLedger ledger) => Seed.DemoConsortium.SeedingTimeOf(QueryLong(ledger, "SELECT timestamp FROM blocks WHERE height = 0"));

    private static long Statements(DemoLedger ledger) =>
        QueryLong(ledger, $"SELECT COUNT(*) FROM state WHERE key LIKE '{MeterStatementsContract.StatementPrefix}%'");

    /// <summary>The (meter, day) argument of every successful settleDay transaction.</summary>
    private static List<string> SuccessfulSettlements(DemoLedger ledger)
    {
        using var connection = Open(ledger);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT t.body FROM transactions t JOIN receipts r ON r.seq = t.seq
            WHERE t.contract = 'meter-statements' AND t.method = 'settleDay' AND r.status = 'ok'
            """;
        using var reader = cmd.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
        {
            using var body = System.Text.Json.JsonDocument.Parse(reader.GetString(0));
            var args = body.RootElement.GetProperty("args");
            list.Add($"{args.GetProperty("meterId").GetString()}@{args.GetProperty("day").GetInt64()}");
        }
        return list;
    }

    private static long QueryLong(DemoLedger ledger, string sql)
    {
        using var connection = Open(ledger);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    private static SqliteConnection Open(DemoLedger ledger)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = ledger.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
