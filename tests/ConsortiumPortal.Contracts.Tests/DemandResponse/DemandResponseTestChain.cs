using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Tests.Metering;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

/// <summary>
/// A consortium for demand response: two grid companies, three consumers, an aggregator and a bank, with one person per
/// role. The event day is Monday 2026-01-05 (UTC), 10:00-11:00 (4 intervals); the chain starts at the test genesis
/// (Thursday 2026-01-01) so events can be published and enrolled before their notice deadline, then
/// <see cref="AfterEvent"/> moves the block clock past the event so its readings and 21 days of history can be recorded.
/// </summary>
internal static class DemandResponseTestChain
{
    public const string Grid = "grid-east/dispatch";
    public const string OtherGrid = "grid-west/dispatch";
    public const string Consumer1 = "consumer-one/energy";
    public const string Consumer2 = "consumer-two/energy";
    public const string Consumer3 = "consumer-three/energy";
    public const string Aggregator = "vpp/trader";
    public const string Bank = "bank-a/teller";
    public const string Auditor = "regulator/auditor";

    public const long H = Baselines.HourMs;
    public const long Q = Baselines.IntervalMs;
    public static readonly long EventDay = TestChain.GenesisTime + 4 * Baselines.DayMs;   // Monday 2026-01-05
    public static readonly long EventStart = EventDay + 10 * H;
    public static readonly long EventEnd = EventDay + 11 * H;

    public const string Program = "peak-2026";
    public const long GridFunds = 100_000_000;

    public static readonly OrgSpec[] Organisations =
    [
        new("grid-east", Roles.GridCompany),
        new("grid-west", Roles.GridCompany),
        new("consumer-one", Roles.Consumer),
        new("consumer-two", Roles.Consumer),
        new("consumer-three", Roles.Consumer),
        new("vpp", Roles.Aggregator),
        new("bank-a", Roles.Bank),
        new("regulator", Roles.Regulator),
    ];

    /// <summary>The chain with people, one 4 kW meter per consumer (M-1, M-2, M-3 on feeder F-1), a funded grid company and a programme.</summary>
    public static TestChain Create(string method = Baselines.TenInTen, long minPerformancePermille = 500, long penaltyFenPerKwh = 100)
    {
        var chain = new TestChain(Organisations);
        chain.IssuePerson("grid-east", "dispatch", Roles.GridCompany);
        chain.IssuePerson("grid-west", "dispatch", Roles.GridCompany);
        chain.IssuePerson("consumer-one", "energy", Roles.Consumer);
        chain.IssuePerson("consumer-two", "energy", Roles.Consumer);
        chain.IssuePerson("consumer-three", "energy", Roles.Consumer);
        chain.IssuePerson("vpp", "trader", Roles.Aggregator);
        chain.IssuePerson("bank-a", "teller", Roles.Bank);
        chain.IssuePerson("regulator", "auditor", Roles.Regulator);
        chain.RegisterOk(Grid, "M-1", "consumer-one", MeterTypes.Consumption, null, 40_000, "F-1");
        chain.RegisterOk(Grid, "M-2", "consumer-two", MeterTypes.Consumption, null, 40_000, "F-1");
        chain.RegisterOk(Grid, "M-3", "consumer-three", MeterTypes.Consumption, null, 40_000, "F-1");
        TestChain.AssertOk(chain.CommitOne(chain.Deposit(Bank, "grid-east", GridFunds)));
        // 3 yuan/kWh incentive, penalty and minimum performance as asked; 1 h notice.
        TestChain.AssertOk(chain.CommitOne(chain.DefineProgram(Grid, Program, method, 300, penaltyFenPerKwh, minPerformancePermille, H)));
        return chain;
    }

    public static SignedTransaction Dr(this TestChain chain, string signer, string method, object args) =>
        chain.Tx(signer, DemandResponseContract.ContractName, method, args);

    public static SignedTransaction DefineProgram(this TestChain chain, string signer, string id, string method = Baselines.TenInTen,
        long price = 300, long penalty = 100, long minPermille = 500, long noticeMs = H, long minCommittedW = 0, string[]? provinces = null) =>
        chain.Dr(signer, "defineProgram", new DemandResponseContract.DefineProgramArgs(id, "Summer peak " + id, method, price, penalty, minPermille, noticeMs, minCommittedW, provinces));

    public static SignedTransaction Publish(this TestChain chain, string signer, string eventId, long? start = null, long? end = null,
        long targetW = 10_000, string? feeder = "F-1", string program = Program) =>
        chain.Dr(signer, "publishEvent", new DemandResponseContract.PublishEventArgs(eventId, program, feeder, null, start ?? EventStart, end ?? EventEnd, targetW));

    public static SignedTransaction Enrol(this TestChain chain, string signer, string eventId, long committedW, params string[] meters) =>
        chain.Dr(signer, "enrol", new DemandResponseContract.EnrolArgs(eventId, meters, committedW));

    public static SignedTransaction OptOut(this TestChain chain, string signer, string eventId) =>
        chain.Dr(signer, "optOut", new DemandResponseContract.EventArgs(eventId));

    public static SignedTransaction Settle(this TestChain chain, string signer, string eventId, string[]? participants = null, int? limit = null) =>
        chain.Dr(signer, "settleEvent", new DemandResponseContract.SettleEventArgs(eventId, participants, limit));

    public static SignedTransaction Cancel(this TestChain chain, string signer, string eventId, string reason = "forecast peak did not materialise") =>
        chain.Dr(signer, "cancelEvent", new DemandResponseContract.CancelEventArgs(eventId, reason));

    public static SignedTransaction Authorise(this TestChain chain, string signer, string meterId, string aggregatorId = "vpp") =>
        chain.Dr(signer, "authoriseAggregator", new DemandResponseContract.AggregatorArgs(meterId, aggregatorId));

    public static void Ok(this TestChain chain, SignedTransaction tx) => TestChain.AssertOk(chain.CommitOne(tx));

    /// <summary>Moves the block clock to the day after the event: every interval up to then can be recorded.</summary>
    public static void AfterEvent(this TestChain chain) => chain.Now = Math.Max(chain.Now, EventDay + Baselines.DayMs + H);

    /// <summary>
    /// Records 21 days of flat history at <paramref name="historyWh"/> per interval, the event day's morning at the same
    /// level (no adjustment) and the event window at <paramref name="eventWh"/> per interval.
    /// </summary>
    public static void RecordDay(this TestChain chain, string meterId, long historyWh, params long[] eventWh)
    {
        var series = new List<MeteringContract.ReadingSeries>();
        var start = EventDay - Baselines.LookbackDays * Baselines.DayMs;
        series.Add(new(meterId, start, Enumerable.Repeat(historyWh, (int)((EventStart - start) / Q)).ToArray()));
        series.Add(new(meterId, EventStart, eventWh));
        TestChain.AssertOk(chain.CommitOne(chain.Readings(Grid, [.. series])));
    }

    public static DrEvent Event(this TestChain chain, string eventId) => Read<DrEvent>(chain, DemandResponseState.EventKey(eventId))!;

    public static DrResult? Result(this TestChain chain, string eventId, string participant) => Read<DrResult>(chain, DemandResponseState.ResultKey(eventId, participant));

    private static T? Read<T>(TestChain chain, string key) where T : class =>
        chain.Ledger.Store.Get(key) is { } json ? Chain.Encoding.CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;
}
