using System.Text;
using Bogus;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Vouchers;
using ConsortiumPortal.Seed.Metering;

namespace ConsortiumPortal.Seed.Vouchers;

/// <summary>
/// A year of demo vouchers: one settled day a week for each renewable meter of the metering demo, issued by the trading
/// centre from settlement files, in the 52 weeks before the metered week (which the issuance job issues from meter data);
/// then deals within each province, resting and crossing orders, quota policies and consumption for Jiangsu and Zhejiang,
/// and quota retirements. Serials are numbered in issuance order, and a wave's transactions commit in the order given, so
/// the seed knows every serial and range id it refers to; energies are whole MWh, so no remainder shifts a count.
/// </summary>
public sealed class VoucherSeed : IDemoApplicationSeed
{
    public const int Weeks = 52;
    private const string Center = "px-center/operator";

    /// <summary>The renewable meters of the metering demo, with a typical daily capacity factor (percent).</summary>
    public static readonly IReadOnlyList<(string MeterId, string Owner, long CapacityW, int FactorPercent, string Province)> Generators =
    [
        ("M-WIND-01", "gen-wind", 50_000_000, 30, "jiangsu"),
        ("M-WIND-02", "gen-wind", 30_000_000, 28, "jiangsu"),
        ("M-SOLAR-01", "gen-solar", 20_000_000, 15, "zhejiang"),
        ("M-HYDRO-01", "gen-hydro", 40_000_000, 45, "zhejiang"),
    ];

    public sealed record Issued(int Week, string MeterId, string Owner, string Province, long Day, long FirstSerial, long Quantity)
    {
        public string IssuanceId => VoucherState.IssuanceId(MeterId, Day);
        public string Range(int sequence) => VoucherState.RangeId(IssuanceId, sequence);
    }

    /// <summary>What the seed issues, in order: week 52 (oldest) first, the four meters each week.</summary>
    public static IReadOnlyList<Issued> Plan(long now, Randomizer random)
    {
        var plan = new List<Issued>();
        var next = 1L;
        for (var week = Weeks; week >= 1; week--)
        {
            var day = MeteringSeed.FirstDay(now) - week * 7L * MeteringState.DayMs;
            // Vouchers produced two years back would already have expired: the demo year starts with last year.
            if (day < VoucherState.StartOfYear(VoucherState.YearOf(now) - 1)) continue;
            foreach (var (meterId, owner, capacityW, factor, province) in Generators)
            {
                var maxMwh = capacityW * 24 / VoucherContract.WhPerMWh;
                var mwh = Math.Clamp(maxMwh * factor / 100 * random.Int(60, 140) / 100, 1, maxMwh);
                plan.Add(new Issued(week, meterId, owner, province, day, next, mwh));
                next += mwh;
            }
        }
        return plan;
    }

    public static string BuyerFor(Issued i) => i.Province == "zhejiang" ? "data-park" : i.Week % 8 == 0 ? "steel-works" : "retail-one";

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var height = context.CurrentHeight;
        var plan = Plan(context.Now, context.Random);
        var year = VoucherState.YearOf(context.Now);
        SignedTransaction Tx(string signer, string method, object args) => context.As(signer).Build(VoucherContract.ContractName, method, args, height);

        yield return plan.Select(i => Tx(Center, "issueFromSettlement", new VoucherContract.IssueFromSettlementArgs(
            i.MeterId, i.Day, i.Day + MeteringState.DayMs, i.Quantity * VoucherContract.WhPerMWh,
            Convert.ToHexStringLower(Sm3.Hash(Encoding.UTF8.GetBytes($"settlement {i.MeterId} {i.Day}")))))).ToList();

        // Quota: both provinces' minimums, three obligated entities' consumption for this year.
        yield return
        [
            context.As("nea-reg/operator").Build(VoucherContract.ContractName, "setQuotaPolicy", new VoucherContract.SetQuotaPolicyArgs("jiangsu", year, 3_200, 1_600), height),
            context.As("nea-reg/operator").Build(VoucherContract.ContractName, "setQuotaPolicy", new VoucherContract.SetQuotaPolicyArgs("zhejiang", year, 2_900, 1_400), height),
            Consumption(context, "retail-one", year, "jiangsu", 60_000, 3_000, 15_000, 9_000, 500, height),
            Consumption(context, "steel-works", year, "jiangsu", 120_000, 10_000, 30_000, 12_000, 0, height),
            Consumption(context, "data-park", year, "zhejiang", 40_000, 0, 9_000, 6_000, 1_000, height),
        ];

        // Even weeks: the generator offers half the day's vouchers to a buyer of its province; odd weeks: a sell order.
        var weekly = plan.Where(i => i.MeterId == Generators[i.Week % Generators.Count].MeterId).ToList();
        var deals = weekly.Where(i => i.Week % 2 == 0).ToList();
        var offers = weekly.Where(i => i.Week % 2 == 1).ToList();
        yield return
        [
            .. deals.Select(i => Tx($"{i.Owner}/operator", "proposeDeal", new VoucherContract.ProposeDealArgs(
                i.Range(1), i.FirstSerial, i.FirstSerial + Half(i), BuyerFor(i), 4_000 + i.Week * 20))),
            .. offers.Select(i => Tx($"{i.Owner}/operator", "placeSell", new VoucherContract.PlaceSellArgs(
                i.Range(1), i.FirstSerial, i.FirstSerial + i.Quantity, 4_500 + i.Week % 10 * 100))),
        ];

        // Deal ids follow proposal order. Buyers accept; the market gets crossing buys and a resting bid.
        yield return
        [
            .. deals.Select((i, n) => Tx($"{BuyerFor(i)}/operator", "acceptDeal", new VoucherContract.DealArgs(VoucherState.DealId(n + 1)))),
            Tx("retail-one/operator", "placeBuy", new VoucherContract.PlaceBuyArgs(300, 5_200, VoucherClasses.NonHydro)),
            Tx("data-park/operator", "placeBuy", new VoucherContract.PlaceBuyArgs(150, 5_000, null)),
            Tx("steel-works/operator", "placeBuy", new VoucherContract.PlaceBuyArgs(80, 3_000, null)),
        ];

        // Each buyer retires half of what each deal delivered toward this year's quota ("-000004" is the delivered range).
        yield return deals.Select(i => Tx($"{BuyerFor(i)}/operator", "retire", new VoucherContract.RetireArgs(
            i.Range(4), i.FirstSerial, i.FirstSerial + Math.Max(1, Half(i) / 2), RetirementPurposes.Quota, "", $"{year} consumption responsibility", year))).ToList();
    }

    private static long Half(Issued i) => Math.Max(1, i.Quantity / 2);

    private static SignedTransaction Consumption(DemoSeedContext context, string organisation, int year, string province,
        long consumption, long exempt, long renewable, long nonHydro, long greenCertificates, long height) =>
        context.As("grid-east/operator").Build(VoucherContract.ContractName, "reportConsumption", new VoucherContract.ReportConsumptionArgs(
            organisation, year, province, consumption, exempt, renewable, nonHydro, greenCertificates, 0, 0), height);
}
