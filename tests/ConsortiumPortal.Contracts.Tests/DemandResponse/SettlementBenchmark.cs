using System.Diagnostics;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Tests.Metering;
using Xunit.Abstractions;
using static ConsortiumPortal.Contracts.Tests.DemandResponse.DemandResponseTestChain;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

/// <summary>
/// docs/benchmarks.md "Demand-response settlement": an event of 10,000 consumers, each with one meter and 10 prior days
/// of 15-minute data, settled in pages through the real ledger. The full size runs with DR_BENCH=1 (minutes of set-up; the
/// figure is reported, not asserted beyond every participant being paid once); without it the same path runs for 30
/// participants in pages of 10, so CI checks paged settlement at a small scale.
/// </summary>
public sealed class SettlementBenchmark(ITestOutputHelper output)
{
    [Fact]
    public void Settle_an_event_of_ten_thousand_participants()
    {
        var full = Environment.GetEnvironmentVariable("DR_BENCH") == "1";
        var participants = int.TryParse(Environment.GetEnvironmentVariable("DR_BENCH_PARTICIPANTS"), out var n) ? n : full ? 10_000 : 30;
        var page = int.TryParse(Environment.GetEnvironmentVariable("DR_BENCH_PAGE"), out var p) ? p : full ? 1_000 : 10;
        var consumers = Enumerable.Range(1, participants).Select(i => $"c{i:D5}").ToArray();
        var setup = Stopwatch.StartNew();
        using var chain = new TestChain([.. Organisations, .. consumers.Select(c => new OrgSpec(c, Roles.Consumer))]);
        chain.IssuePerson("grid-east", "dispatch", Roles.GridCompany);
        chain.IssuePerson("bank-a", "teller", Roles.Bank);
        chain.Ok(chain.Deposit(Bank, "grid-east", 1_000_000_000_000));
        chain.Ok(chain.DefineProgram(Grid, Program));
        CommitAll(chain, consumers.Select((c, i) => chain.Register(Grid, Meter(i), c, MeterTypes.Consumption, null, 40_000, "F-1")));
        chain.Ok(chain.Publish(Grid, "E-BENCH", targetW: 2_000L * participants));
        CommitAll(chain, consumers.Select((c, i) => chain.Enrol(c, "E-BENCH", 2000, Meter(i))));
        chain.AfterEvent();

        // 10 prior days + the event day up to the event's end: 1,004 readings a meter, 9 meters a transaction.
        var from = EventDay - 10 * Baselines.DayMs;
        var count = (int)((EventEnd - from) / Q);
        var random = new Random(42);
        var readings = consumers.Select((_, i) =>
        {
            var level = 800 + random.Next(400);
            var wh = new long[count];
            for (var k = 0; k < count; k++) wh[k] = from + k * Q >= EventStart ? level / 2 : level + random.Next(-50, 51);
            return new MeteringContract.ReadingSeries(Meter(i), from, wh);
        }).ToList();
        CommitAll(chain, readings.Chunk(MeteringContract.MaxReadingsPerBatch / count).Select(batch => chain.Readings(Grid, batch)), perBlock: 4);
        output.WriteLine($"set-up: {participants} participants, {participants * (long)count} readings in {setup.Elapsed.TotalSeconds:F1} s");

        var settle = Stopwatch.StartNew();
        var pages = 0;
        while (chain.Event("E-BENCH").Status != DrEventStatus.Settled)
        {
            TestChain.AssertOk(chain.CommitOne(chain.Settle(Grid, "E-BENCH", limit: page)));
            pages++;
        }
        settle.Stop();
        var ev = chain.Event("E-BENCH");
        Assert.Equal(participants, ev.Settled);
        Assert.All(consumers.Take(10), c => Assert.True(chain.Balance(c) > 0));
        output.WriteLine($"settled {participants} participants in {pages} pages of {page}: {settle.Elapsed.TotalSeconds:F2} s " +
            $"({participants / settle.Elapsed.TotalSeconds:F0} participants/s); paid {ev.IncentiveFen} fen");
        Console.WriteLine($"DR_BENCH settle {participants} participants, pages of {page}: {settle.Elapsed.TotalSeconds:F2} s");
    }

    private static string Meter(int i) => $"B-{i + 1:D5}";

    /// <summary>Commits transactions in blocks of <paramref name="perBlock"/> (set-up only, untimed).</summary>
    private static void CommitAll(TestChain chain, IEnumerable<SignedTransaction> txs, int perBlock = 500)
    {
        foreach (var block in txs.Chunk(perBlock))
            Assert.All(chain.Commit(block), TestChain.AssertOk);
    }
}
