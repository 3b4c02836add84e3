using System.Globalization;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Seed.Metering;

namespace ConsortiumPortal.Seed.DemandResponse;

/// <summary>
/// Demo demand response: grid-east's two programmes (a day-ahead peak programme on the 10-in-10 baseline and a short-notice
/// one on high-5-of-10), their settled past events, the data park's meter authorised to the Smart VPP aggregator, and
/// tomorrow's events (UTC day after the seeding moment): a Jiangsu peak event the steel works enrols in, a Zhejiang event
/// the aggregator bids for with the data park's meter, and one the grid company cancelled (participants no longer see it).
/// <para>
/// The past is dated history (<see cref="History"/>), committed with blocks stamped at the time it happened, because
/// an event can only be published before its notice deadline and settled after it has ended, against the block clock:
/// the programmes are defined a week before the seeding day; the data park's second data hall (<see cref="HistoryMeter"/>,
/// a meter of its own so that no other seed's readings collide) has readings for the 18 days from 19 days before the seeding
/// day (up to the day before it); it enrols in a peak event five days before the seeding day (delivering more than its commitment) and a
/// fast-response event two days before (delivering about 40 %, below the programme's 70 % minimum: a penalty), and grid-east
/// settles each the morning after. The upcoming events settle by themselves (EventSettlement) once their readings are
/// recorded after they end.
/// </para>
/// </summary>
public sealed class DemandResponseSeed : IDemoApplicationSeed
{
    public const string Signer = "grid-east/operator";
    public const string PeakProgram = "east-peak-2026";
    public const string FastProgram = "east-fast-2026";
    private const long H = 60 * 60 * 1000;

    /// <summary>The data park's second hall: enrolled in the past events, on a feeder without outages.</summary>
    public static readonly MeteringSeed.DemoMeter HistoryMeter = new("M-DATA-02", "data-park", "hangzhou-dc2", MeterProfile.DataCentre, 20_000_000,
        "Zhejiang", "杭州云谷数据中心二期 Hangzhou data centre phase 2", "ZJ-F05");

    /// <summary>What the data park commits in each past event.</summary>
    public const long HistoryCommittedW = 5_000_000;

    /// <summary>The load the data park shed per 15-minute interval in the peak event (6.4 MW) and the fast one (2 MW).</summary>
    public const long PeakCutWh = 1_600_000, FastCutWh = 500_000;

    /// <summary>Tomorrow (UTC) relative to the seeding moment: far enough ahead of every notice deadline.</summary>
    public static long EventDay(long now) => Baselines.DayStartOf(now) + Baselines.DayMs;

    public static string EventId(long now, string suffix) => EventIdOn(EventDay(now), suffix);

    private static string EventIdOn(long day, string suffix) =>
        "DR-" + DateTimeOffset.FromUnixTimeMilliseconds(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + suffix;

    /// <summary>The past peak event: 10:00-12:00 Beijing time five days before the seeding day, Zhejiang.</summary>
    public static (string EventId, long Start, long End) PastPeakEvent(long now)
    {
        var day = Baselines.DayStartOf(now) - 5 * Baselines.DayMs;
        return (EventIdOn(day, "ZJ-PEAK"), day + 2 * H, day + 4 * H);
    }

    /// <summary>The past fast-response event: 14:00-15:00 Beijing time two days before the seeding day, feeder ZJ-F05.</summary>
    public static (string EventId, long Start, long End) PastFastEvent(long now)
    {
        var day = Baselines.DayStartOf(now) - 2 * Baselines.DayMs;
        return (EventIdOn(day, "ZJ-FAST"), day + 6 * H, day + 7 * H);
    }

    /// <summary>The history meter's readings: from 14 days before the peak event's day to the day before the seeding day.</summary>
    public static (long From, long To) HistoryReadings(long now) =>
        (Baselines.DayStartOf(PastPeakEvent(now).Start) - 14 * Baselines.DayMs, Baselines.DayStartOf(now) - Baselines.DayMs);

    public IEnumerable<DemoWave> History(DemoSeedContext context)
    {
        var grid = context.As(Signer);
        var data = context.As("data-park/operator");
        var height = context.CurrentHeight;
        SignedTransaction Dr(TxBuilder who, string method, object args) => who.Build(DemandResponseContract.ContractName, method, args, height);
        var (peakId, peakStart, peakEnd) = PastPeakEvent(context.Now);
        var (fastId, fastStart, fastEnd) = PastFastEvent(context.Now);
        var peakDay = Baselines.DayStartOf(peakStart);
        var fastDay = Baselines.DayStartOf(fastStart);
        var (from, to) = HistoryReadings(context.Now);
        var simulator = new MeterSimulator(MeteringSeed.SimulatorSeed);
        SignedTransaction Readings(long start, long end)
        {
            // The simulated load, less what the data park shed during each event.
            var wh = simulator.Readings(HistoryMeter.Simulated, start, end).Select(r => r.Wh - (
                r.Start >= peakStart && r.Start < peakEnd ? Math.Min(r.Wh, PeakCutWh) :
                r.Start >= fastStart && r.Start < fastEnd ? Math.Min(r.Wh, FastCutWh) : 0)).ToArray();
            return grid.Build(MeteringContract.ContractName, "recordReadings",
                new MeteringContract.RecordReadingsArgs([new MeteringContract.ReadingSeries(HistoryMeter.MeterId, start, wh)]), height);
        }

        yield return new DemoWave(
        [
            Dr(grid, "defineProgram", new DemandResponseContract.DefineProgramArgs(PeakProgram, "华东迎峰度夏削峰 East China summer peak shaving",
                Baselines.TenInTen, 300, 100, 500, 2 * H, 1_000_000, ["Jiangsu", "Zhejiang"])),
            Dr(grid, "defineProgram", new DemandResponseContract.DefineProgramArgs(FastProgram, "快速响应 Fast response (30 min notice)",
                Baselines.HighFiveOfTen, 500, 200, 700, H / 2, 500_000, [])),
            grid.Build(MeteringContract.ContractName, "registerMeter", HistoryMeter.RegisterArgs, height),
        ], peakDay - 2 * Baselines.DayMs + H);
        // The day before the peak event: the meter's past two weeks arrive, the event is published, the data park enrols.
        yield return new DemoWave(
        [
            Readings(from, peakDay - Baselines.DayMs),
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(peakId, PeakProgram, null, "Zhejiang", peakStart, peakEnd, 8_000_000)),
        ], peakDay - Baselines.DayMs + H);
        yield return new DemoWave([Dr(data, "enrol", new DemandResponseContract.EnrolArgs(peakId, [HistoryMeter.MeterId], HistoryCommittedW))],
            peakDay - Baselines.DayMs + 2 * H);
        // The morning after: the readings of the event day (and the day before it) arrive, then grid-east settles.
        yield return new DemoWave([Readings(peakDay - Baselines.DayMs, peakDay + Baselines.DayMs)], peakDay + Baselines.DayMs + H);
        yield return new DemoWave([Dr(grid, "settleEvent", new DemandResponseContract.SettleEventArgs(peakId))], peakDay + Baselines.DayMs + 2 * H);

        yield return new DemoWave(
            [Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(fastId, FastProgram, HistoryMeter.FeederId, null, fastStart, fastEnd, 5_000_000))],
            fastDay - Baselines.DayMs + H);
        yield return new DemoWave([Dr(data, "enrol", new DemandResponseContract.EnrolArgs(fastId, [HistoryMeter.MeterId], HistoryCommittedW))],
            fastDay - Baselines.DayMs + 2 * H);
        yield return new DemoWave([Readings(peakDay + Baselines.DayMs, to)], to + H);
        yield return new DemoWave([Dr(grid, "settleEvent", new DemandResponseContract.SettleEventArgs(fastId))], to + 2 * H);
    }

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var grid = context.As(Signer);
        var height = context.CurrentHeight;
        var day = EventDay(context.Now);
        SignedTransaction Dr(TxBuilder who, string method, object args) => who.Build(DemandResponseContract.ContractName, method, args, height);

        // The programmes are defined in the history.
        yield return
        [
            Dr(context.As("data-park/operator"), "authoriseAggregator", new DemandResponseContract.AggregatorArgs("M-DATA-01", "vpp-agg")),
        ];
        // 10:00-12:00 and 14:00-15:00 Beijing time (UTC+8).
        yield return
        [
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(EventId(context.Now, "JS"), PeakProgram, "JS-F04", "Jiangsu",
                day + 2 * H, day + 4 * H, 20_000_000)),
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(EventId(context.Now, "ZJ"), FastProgram, "ZJ-F02", null,
                day + 6 * H, day + 7 * H, 5_000_000)),
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(EventId(context.Now, "X"), PeakProgram, null, "Zhejiang",
                day + 8 * H, day + 9 * H, 3_000_000)),
        ];
        yield return
        [
            Dr(context.As("steel-works/operator"), "enrol", new DemandResponseContract.EnrolArgs(EventId(context.Now, "JS"), ["M-STEEL-01", "M-STEEL-02"], 12_000_000)),
            Dr(context.As("vpp-agg/operator"), "enrol", new DemandResponseContract.EnrolArgs(EventId(context.Now, "ZJ"), ["M-DATA-01"], 4_000_000)),
            Dr(grid, "cancelEvent", new DemandResponseContract.CancelEventArgs(EventId(context.Now, "X"), "负荷预测下调 load forecast revised down")),
        ];
    }
}
