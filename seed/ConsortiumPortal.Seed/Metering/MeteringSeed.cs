using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Seed.Metering;

/// <summary>
/// Demo metering: grid-east registers meters for the demo generators (wind, solar, hydro), the two large consumers and
/// a few residential feeders of the retailer, on four feeders in Jiangsu and Zhejiang; records the seven days of
/// 15-minute readings before the seeding day (simulated, one transaction per meter-week); and two unplanned outages
/// that were restored (the affected intervals read zero).
/// </summary>
public sealed class MeteringSeed : IDemoApplicationSeed
{
    public const string Signer = "grid-east/operator";
    public const int Days = 7;

    /// <summary>Fixed, so the demo curves are the same on every machine and do not shift other seeds' random draws.</summary>
    public const long SimulatorSeed = 20_261_130;

    public sealed record DemoMeter(string MeterId, string OrganisationId, string SiteId, MeterProfile Profile, long CapacityW, string Province, string Location, string FeederId)
    {
        public string Type => Profile is MeterProfile.Solar or MeterProfile.Wind or MeterProfile.Hydro ? MeterTypes.Generation : MeterTypes.Consumption;

        public string? Technology => Profile switch
        {
            MeterProfile.Solar => MeterTechnologies.Solar,
            MeterProfile.Wind => MeterTechnologies.Wind,
            MeterProfile.Hydro => MeterTechnologies.Hydro,
            _ => null,
        };

        public SimulatedMeter Simulated => new(MeterId, Profile, CapacityW, FeederId);

        public MeteringContract.RegisterMeterArgs RegisterArgs => new(MeterId, OrganisationId, SiteId, Type, Technology, CapacityW, Province, Location, FeederId);
    }

    public static readonly IReadOnlyList<DemoMeter> Meters =
    [
        new("M-WIND-01", "gen-wind", "rudong-offshore", MeterProfile.Wind, 50_000_000, "Jiangsu", "如东海上风电场 Rudong offshore wind farm", "JS-F01"),
        new("M-WIND-02", "gen-wind", "dafeng-onshore", MeterProfile.Wind, 30_000_000, "Jiangsu", "大丰陆上风电 Dafeng onshore", "JS-F01"),
        new("M-RES-01", "retail-one", "nantong-east", MeterProfile.Residential, 2_000_000, "Jiangsu", "南通东区住宅 Nantong east residential", "JS-F01"),
        new("M-STEEL-01", "steel-works", "baoshan-mill", MeterProfile.Industrial, 80_000_000, "Jiangsu", "宝钢特钢一号轧机 Mill No. 1", "JS-F04"),
        new("M-STEEL-02", "steel-works", "baoshan-mill", MeterProfile.Industrial, 30_000_000, "Jiangsu", "宝钢特钢电弧炉 Arc furnace", "JS-F04"),
        new("M-RES-02", "retail-one", "suzhou-park", MeterProfile.Residential, 2_500_000, "Jiangsu", "苏州园区住宅 Suzhou park residential", "JS-F04"),
        new("M-SOLAR-01", "gen-solar", "lishui-pv", MeterProfile.Solar, 20_000_000, "Zhejiang", "丽水光伏电站 Lishui PV plant", "ZJ-F02"),
        new("M-DATA-01", "data-park", "hangzhou-dc", MeterProfile.DataCentre, 25_000_000, "Zhejiang", "杭州云谷数据中心 Hangzhou data centre", "ZJ-F02"),
        new("M-RES-03", "retail-one", "hangzhou-west", MeterProfile.Residential, 1_800_000, "Zhejiang", "杭州西湖住宅 Hangzhou west residential", "ZJ-F02"),
        new("M-HYDRO-01", "gen-hydro", "qingshan-dam", MeterProfile.Hydro, 40_000_000, "Zhejiang", "青山水电站 Qingshan dam", "ZJ-F03"),
        new("M-RES-04", "retail-one", "qingshan-town", MeterProfile.Residential, 1_200_000, "Zhejiang", "青山镇住宅 Qingshan town residential", "ZJ-F03"),
    ];

    /// <summary>The first UTC day recorded: seven days before the seeding day (the demo's "now").</summary>
    public static long FirstDay(long now) => MeteringState.DayStartOf(now) - Days * MeteringState.DayMs;

    /// <summary>The demo's outages: a typhoon on the coastal feeder and a cable fault in Zhejiang, both restored.</summary>
    public static IReadOnlyList<(string OutageId, SimulatedOutage Outage)> Outages(long now)
    {
        var first = FirstDay(now);
        return
        [
            ("OUT-JS-F01-001", new SimulatedOutage("JS-F01", first + 2 * MeteringState.DayMs + 24 * MeteringState.IntervalMs,
                first + 2 * MeteringState.DayMs + 33 * MeteringState.IntervalMs, "台风损坏架空线路 typhoon damage to an overhead line")),
            ("OUT-ZJ-F03-001", new SimulatedOutage("ZJ-F03", first + 5 * MeteringState.DayMs + 60 * MeteringState.IntervalMs,
                first + 5 * MeteringState.DayMs + 66 * MeteringState.IntervalMs, "电缆故障 cable fault found by protection relay")),
        ];
    }

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var grid = context.As(Signer);
        var height = context.CurrentHeight;
        yield return Meters.Select(m => grid.Build(MeteringContract.ContractName, "registerMeter", m.RegisterArgs, height)).ToList();

        var simulator = new MeterSimulator(SimulatorSeed);
        var from = FirstDay(context.Now);
        var to = from + Days * MeteringState.DayMs;
        var outages = Outages(context.Now);
        var simulated = outages.Select(o => o.Outage).ToList();
        yield return Meters.Select(m => grid.Build(MeteringContract.ContractName, "recordReadings",
            new MeteringContract.RecordReadingsArgs([new MeteringContract.ReadingSeries(m.MeterId, from,
                simulator.Readings(m.Simulated, from, to, simulated).Select(r => r.Wh).ToArray())]),
            height)).ToList();

        yield return outages.Select(o => grid.Build(MeteringContract.ContractName, "startOutage",
            new MeteringContract.StartOutageArgs(o.OutageId, null, o.Outage.FeederId, o.Outage.Start, false, o.Outage.Cause), height)).ToList();
        yield return outages.Select(o => grid.Build(MeteringContract.ContractName, "restoreOutage",
            new MeteringContract.RestoreOutageArgs(o.OutageId, o.Outage.End), height)).ToList();
    }
}
