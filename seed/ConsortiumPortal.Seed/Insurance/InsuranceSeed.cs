using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Seed.Metering;

namespace ConsortiumPortal.Seed.Insurance;

/// <summary>
/// Demo outage insurance: PICC (pic-insure) sells an hourly product and a lost-load product; the steel works and the data
/// park hold policies on their meters that started with the metering history (backdated migrated cover, accepted by the
/// insurer); grid-east records three more outages in that history (an unplanned feeder trip on JS-F04 that pays both
/// steel policies, a 45-minute dip on ZJ-F02 below the trigger, a planned maintenance outage on JS-F04); the claims are
/// evaluated on chain (paid and declined); the data park contests its declined claim; and one new application waits
/// for the insurer (premium in escrow). The extra outages are not reflected in the simulated readings (the metering seed
/// recorded those first), so the lost-load estimate, which uses the days before each outage, is unaffected.
/// </summary>
public sealed class InsuranceSeed : IDemoApplicationSeed
{
    public const string Insurer = "pic-insure/operator";
    public const string Steel = "steel-works/operator";
    public const string Data = "data-park/operator";
    public const string Grid = "grid-east/operator";

    public const string HourlyProduct = "picc-outage-hourly";
    public const string LostLoadProduct = "picc-lost-load";
    public const string PaidOutage = "OUT-JS-F04-INS01";
    public const string ShortOutage = "OUT-ZJ-F02-INS01";
    public const string PlannedOutage = "OUT-JS-F04-PLN01";
    public const string PendingPolicy = "data-park-2027-ll";

    public static ProductTerms Hourly => new("停电险（按小时）Outage cover, hourly", [CustomerClasses.Industrial, CustomerClasses.Commercial], [],
        ThresholdMinutes: 60, DeductibleMinutes: 30, PayoutBases.Hourly, RatePerHourFen: 200_000, RatePerKwhFen: 0,
        PerEventCapFen: 2_000_000, PerPeriodCapFen: 10_000_000, [new(CustomerClasses.Industrial, 300), new(CustomerClasses.Commercial, 400)]);

    public static ProductTerms LostLoad => new("停电险（按损失电量）Outage cover, lost load", [CustomerClasses.Industrial], ["steel", "data-centre", "chemicals"],
        ThresholdMinutes: 30, DeductibleMinutes: 15, PayoutBases.LostLoad, RatePerHourFen: 0, RatePerKwhFen: 50,
        PerEventCapFen: 5_000_000, PerPeriodCapFen: 20_000_000, [new(CustomerClasses.Industrial, 250)]);

    public static IReadOnlyList<(string PolicyId, string Buyer, string Product, string MeterId, string Industry)> Policies =>
    [
        ("steel-mill1-2026", Steel, HourlyProduct, "M-STEEL-01", "steel"),
        ("steel-furnace-2026", Steel, LostLoadProduct, "M-STEEL-02", "steel"),
        ("data-park-2026", Data, HourlyProduct, "M-DATA-01", "data-centre"),
    ];

    public static IReadOnlyList<(string Id, string Feeder, long Start, long End, bool Planned, string Cause)> Outages(long now)
    {
        var first = MeteringSeed.FirstDay(now);
        const long q = MeteringState.IntervalMs, day = MeteringState.DayMs;
        return
        [
            (PaidOutage, "JS-F04", first + 3 * day + 10 * q, first + 3 * day + 22 * q, false, "变电站断路器跳闸 substation breaker trip"),
            (ShortOutage, "ZJ-F02", first + 4 * day + 20 * q, first + 4 * day + 23 * q, false, "雷击瞬时故障 lightning strike"),
            (PlannedOutage, "JS-F04", first + 5 * day + 4 * q, first + 5 * day + 20 * q, true, "计划检修 scheduled maintenance"),
        ];
    }

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var h = context.CurrentHeight;
        var insurer = context.As(Insurer);
        var grid = context.As(Grid);
        var start = MeteringSeed.FirstDay(context.Now);
        var end = start + 365 * MeteringState.DayMs;
        const string Name = InsuranceContract.ContractName;

        yield return
        [
            insurer.Build(Name, "publishProduct", new InsuranceContract.PublishProductArgs(HourlyProduct, Hourly), h),
            insurer.Build(Name, "publishProduct", new InsuranceContract.PublishProductArgs(LostLoadProduct, LostLoad), h),
        ];
        var pendingStart = MeteringState.DayStartOf(context.Now) + 2 * MeteringState.DayMs;
        yield return
        [
            .. Policies.Select(p => context.As(p.Buyer).Build(Name, "apply",
                new InsuranceContract.ApplyArgs(p.PolicyId, p.Product, p.MeterId, CustomerClasses.Industrial, p.Industry, start, end), h)),
            context.As(Data).Build(Name, "apply", new InsuranceContract.ApplyArgs(PendingPolicy, LostLoadProduct, "M-DATA-01", CustomerClasses.Industrial,
                "data-centre", pendingStart, pendingStart + 180 * MeteringState.DayMs), h),
        ];
        yield return [.. Policies.Select(p => p.PolicyId).Append(PendingPolicy).Select(id => context.As(id.StartsWith("steel") ? Steel : Data)
            .Build(Name, "payPremium", new InsuranceContract.PolicyArgs(id), h))];
        yield return [.. Policies.Select(p => insurer.Build(Name, "activate", new InsuranceContract.ActivateArgs(p.PolicyId, AcceptBackdated: true), h))];

        var outages = Outages(context.Now);
        yield return [.. outages.Select(o => grid.Build(MeteringContract.ContractName, "startOutage",
            new MeteringContract.StartOutageArgs(o.Id, null, o.Feeder, o.Start, o.Planned, o.Cause), h))];
        yield return [.. outages.Select(o => grid.Build(MeteringContract.ContractName, "restoreOutage", new MeteringContract.RestoreOutageArgs(o.Id, o.End), h))];
        yield return [.. outages.Select(o => insurer.Build(Name, "evaluateOutage", new InsuranceContract.EvaluateOutageArgs(o.Id), h))];
        yield return
        [
            context.As(Data).Build(Name, "contest", new InsuranceContract.ContestArgs("data-park-2026", ShortOutage,
                "UPS 日志显示供电中断 52 分钟，冷却系统重启 UPS log shows 52 minutes without mains and a chiller restart", null), h),
        ];
    }
}
