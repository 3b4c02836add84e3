using System.Globalization;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.DemandResponse;

namespace ConsortiumPortal.Seed.DemandResponse;

/// <summary>
/// Demo demand response: grid-east's two programmes (a day-ahead peak programme on the 10-in-10 baseline and a short-notice
/// one on high-5-of-10), the data park's meter authorised to the Smart VPP aggregator, and tomorrow's events (UTC day after
/// genesis): a Jiangsu peak event the steel works enrols in, a Zhejiang event the aggregator bids for with the data park's
/// meter, and one the grid company cancelled (participants no longer see it).
/// <para>
/// No event is seeded as already settled: an event can only be published before its notice deadline and settled after it
/// has ended and its readings are recorded, all against the block clock, and seeding runs at the moment of genesis. The
/// seeded events settle by themselves (EventSettlement) once their readings are recorded after they end.
/// </para>
/// </summary>
public sealed class DemandResponseSeed : IDemoApplicationSeed
{
    public const string Signer = "grid-east/operator";
    public const string PeakProgram = "east-peak-2026";
    public const string FastProgram = "east-fast-2026";
    private const long H = 60 * 60 * 1000;

    /// <summary>Tomorrow (UTC) relative to genesis: far enough ahead of every notice deadline.</summary>
    public static long EventDay(long genesisTime) => Baselines.DayStartOf(genesisTime) + Baselines.DayMs;

    public static string EventId(long genesisTime, string suffix) =>
        "DR-" + DateTimeOffset.FromUnixTimeMilliseconds(EventDay(genesisTime)).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + suffix;

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var grid = context.As(Signer);
        var height = context.CurrentHeight;
        var day = EventDay(context.GenesisTime);
        SignedTransaction Dr(TxBuilder who, string method, object args) => who.Build(DemandResponseContract.ContractName, method, args, height);

        yield return
        [
            Dr(grid, "defineProgram", new DemandResponseContract.DefineProgramArgs(PeakProgram, "华东迎峰度夏削峰 East China summer peak shaving",
                Baselines.TenInTen, 300, 100, 500, 2 * H, 1_000_000, ["Jiangsu", "Zhejiang"])),
            Dr(grid, "defineProgram", new DemandResponseContract.DefineProgramArgs(FastProgram, "快速响应 Fast response (30 min notice)",
                Baselines.HighFiveOfTen, 500, 200, 700, H / 2, 500_000, [])),
            Dr(context.As("data-park/operator"), "authoriseAggregator", new DemandResponseContract.AggregatorArgs("M-DATA-01", "vpp-agg")),
        ];
        // 10:00-12:00 and 14:00-15:00 Beijing time (UTC+8).
        yield return
        [
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(EventId(context.GenesisTime, "JS"), PeakProgram, "JS-F04", "Jiangsu",
                day + 2 * H, day + 4 * H, 20_000_000)),
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(EventId(context.GenesisTime, "ZJ"), FastProgram, "ZJ-F02", null,
                day + 6 * H, day + 7 * H, 5_000_000)),
            Dr(grid, "publishEvent", new DemandResponseContract.PublishEventArgs(EventId(context.GenesisTime, "X"), PeakProgram, null, "Zhejiang",
                day + 8 * H, day + 9 * H, 3_000_000)),
        ];
        yield return
        [
            Dr(context.As("steel-works/operator"), "enrol", new DemandResponseContract.EnrolArgs(EventId(context.GenesisTime, "JS"), ["M-STEEL-01", "M-STEEL-02"], 12_000_000)),
            Dr(context.As("vpp-agg/operator"), "enrol", new DemandResponseContract.EnrolArgs(EventId(context.GenesisTime, "ZJ"), ["M-DATA-01"], 4_000_000)),
            Dr(grid, "cancelEvent", new DemandResponseContract.CancelEventArgs(EventId(context.GenesisTime, "X"), "负荷预测下调 load forecast revised down")),
        ];
    }
}
