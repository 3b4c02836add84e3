using System.Globalization;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Contracts.Vouchers;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>
/// A test consortium for vouchers: a trading centre, a grid company metering two generators (wind in Jiangsu, hydro in
/// Sichuan), two retailers, a consumer, a bank and the regulator, each with a person acting in its role.
/// </summary>
internal static class VoucherTestChain
{
    public const string Issuer = "px-center/issuer";
    public const string Reader = "grid-east/reader";
    public const string WindOps = "gen-wind/ops";
    public const string HydroOps = "gen-hydro/ops";
    public const string RetailOne = "retail-one/trader";
    public const string RetailTwo = "retail-two/trader";
    public const string ConsumerOps = "consumer-one/ops";
    public const string Teller = "bank-a/teller";
    public const string Auditor = "regulator/auditor";
    public const string WindAdmin = "gen-wind/admin";

    public const string WindMeter = "M-WIND-1";
    public const string HydroMeter = "M-HYDRO-1";
    /// <summary>100 MW: at most 100 MWh an hour.</summary>
    public const long Capacity = 100_000_000;

    /// <summary>2025-06-01T00:00:00Z: long over when the test chain starts (2026-01-01), so any hour of it may be issued.</summary>
    public static readonly long Day = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    public const long Hour = VoucherContract.HourMs;
    public const string FileSm3 = "5f2b6d3e4c1a0987b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa9";

    public static readonly OrgSpec[] Organisations =
    [
        new("px-center", Roles.TradingCenter),
        new("grid-east", Roles.GridCompany),
        new("gen-wind", Roles.Generator),
        new("gen-hydro", Roles.Generator),
        new("retail-one", Roles.Retailer),
        new("retail-two", Roles.Retailer),
        new("consumer-one", Roles.Consumer),
        new("bank-a", Roles.Bank),
        new("regulator", Roles.Regulator),
    ];

    public static TestChain Create()
    {
        var chain = new TestChain(Organisations);
        AllOk(chain.Commit(
            chain.IssueCertificate("px-center", Issuer, [Roles.TradingCenter]),
            chain.IssueCertificate("grid-east", Reader, [Roles.GridCompany]),
            chain.IssueCertificate("gen-wind", WindOps, [Roles.Generator]),
            chain.IssueCertificate("gen-wind", WindAdmin, [Roles.OrgAdmin]),
            chain.IssueCertificate("gen-hydro", HydroOps, [Roles.Generator]),
            chain.IssueCertificate("retail-one", RetailOne, [Roles.Retailer]),
            chain.IssueCertificate("retail-two", RetailTwo, [Roles.Retailer]),
            chain.IssueCertificate("consumer-one", ConsumerOps, [Roles.Consumer]),
            chain.IssueCertificate("bank-a", Teller, [Roles.Bank]),
            chain.IssueCertificate("regulator", Auditor, [Roles.Regulator])));
        AllOk(chain.Commit(
            chain.Tx(Reader, MeteringContract.ContractName, "registerMeter", new MeteringContract.RegisterMeterArgs(
                WindMeter, "gen-wind", "site-1", MeterTypes.Generation, MeterTechnologies.Wind, Capacity, "jiangsu", "Rudong offshore", "F-1")),
            chain.Tx(Reader, MeteringContract.ContractName, "registerMeter", new MeteringContract.RegisterMeterArgs(
                HydroMeter, "gen-hydro", "site-2", MeterTypes.Generation, MeterTechnologies.Hydro, Capacity, "sichuan", "Yalong river", "F-2")),
            chain.Tx(Reader, MeteringContract.ContractName, "registerMeter", new MeteringContract.RegisterMeterArgs(
                "M-LOAD-1", "consumer-one", "site-3", MeterTypes.Consumption, null, Capacity, "jiangsu", "Suzhou plant", "F-3"))));
        return chain;
    }

    public static void AllOk(TxResult[] results) { foreach (var r in results) TestChain.AssertOk(r); }

    // ---- transactions ------------------------------------------------------------------------------------------

    public static SignedTransaction IssueFile(this TestChain chain, string meter, long start, long end, long energyWh, string signer = Issuer) =>
        chain.Tx(signer, VoucherContract.ContractName, "issueFromSettlement", new VoucherContract.IssueFromSettlementArgs(meter, start, end, energyWh, FileSm3));

    public static SignedTransaction IssueMeter(this TestChain chain, string meter, long start, long end, string signer = Issuer) =>
        chain.Tx(signer, VoucherContract.ContractName, "issueFromMeter", new VoucherContract.IssueFromMeterArgs(meter, start, end));

    public static SignedTransaction TransferRange(this TestChain chain, string signer, string rangeId, long start, long end, string to) =>
        chain.Tx(signer, VoucherContract.ContractName, "transfer", new VoucherContract.TransferArgs(rangeId, start, end, to));

    public static SignedTransaction SplitRange(this TestChain chain, string signer, string rangeId, long at) =>
        chain.Tx(signer, VoucherContract.ContractName, "split", new VoucherContract.SplitArgs(rangeId, at));

    public static SignedTransaction RetireRange(this TestChain chain, string signer, string rangeId, long start, long end,
        string purpose = RetirementPurposes.Quota, int year = 2025, string beneficiary = "", string reason = "2025 consumption responsibility") =>
        chain.Tx(signer, VoucherContract.ContractName, "retire", new VoucherContract.RetireArgs(rangeId, start, end, purpose, beneficiary, reason, year));

    public static SignedTransaction Sell(this TestChain chain, string signer, string rangeId, long start, long end, long priceFen) =>
        chain.Tx(signer, VoucherContract.ContractName, "placeSell", new VoucherContract.PlaceSellArgs(rangeId, start, end, priceFen));

    public static SignedTransaction Buy(this TestChain chain, string signer, long quantity, long priceFen, string? voucherClass = null) =>
        chain.Tx(signer, VoucherContract.ContractName, "placeBuy", new VoucherContract.PlaceBuyArgs(quantity, priceFen, voucherClass));

    public static SignedTransaction CancelOrder(this TestChain chain, string signer, string orderId) =>
        chain.Tx(signer, VoucherContract.ContractName, "cancelOrder", new VoucherContract.OrderArgs(orderId));

    public static SignedTransaction ProposeDeal(this TestChain chain, string signer, string rangeId, long start, long end, string buyer, long priceFen) =>
        chain.Tx(signer, VoucherContract.ContractName, "proposeDeal", new VoucherContract.ProposeDealArgs(rangeId, start, end, buyer, priceFen));

    public static SignedTransaction AcceptDeal(this TestChain chain, string signer, string dealId) =>
        chain.Tx(signer, VoucherContract.ContractName, "acceptDeal", new VoucherContract.DealArgs(dealId));

    public static SignedTransaction CloseDeal(this TestChain chain, string signer, string dealId) =>
        chain.Tx(signer, VoucherContract.ContractName, "closeDeal", new VoucherContract.DealArgs(dealId));

    public static SignedTransaction Expire(this TestChain chain, string signer, params string[] rangeIds) =>
        chain.Tx(signer, VoucherContract.ContractName, "expire", new VoucherContract.ExpireArgs(rangeIds));

    public static SignedTransaction SetPolicy(this TestChain chain, string province, int year, long totalBp, long nonHydroBp, string signer = Auditor) =>
        chain.Tx(signer, VoucherContract.ContractName, "setQuotaPolicy", new VoucherContract.SetQuotaPolicyArgs(province, year, totalBp, nonHydroBp));

    public static SignedTransaction ReportConsumption(this TestChain chain, string organisation, int year, string province, long consumption,
        long renewable = 0, long exempt = 0, string signer = Reader) =>
        chain.Tx(signer, VoucherContract.ContractName, "reportConsumption", new VoucherContract.ReportConsumptionArgs(
            organisation, year, province, consumption, exempt, renewable, 0, 0, 0, 0));

    /// <summary>Issues <paramref name="mwh"/> MWh for one hour of the wind meter (from a settlement file) and returns the new range.</summary>
    public static VoucherRange IssueHour(this TestChain chain, int hour, long mwh, string meter = WindMeter)
    {
        var result = chain.CommitOne(chain.IssueFile(meter, Day + hour * Hour, Day + (hour + 1) * Hour, mwh * VoucherContract.WhPerMWh));
        TestChain.AssertOk(result);
        return chain.HoldingsOf(meter == WindMeter ? "gen-wind" : "gen-hydro").OrderBy(r => r.Id, StringComparer.Ordinal).Last();
    }

    public static void Fund(this TestChain chain, string organisation, long fen) => TestChain.AssertOk(chain.CommitOne(chain.Deposit(Teller, organisation, fen)));

    // ---- state -------------------------------------------------------------------------------------------------

    public static VoucherRange Range(this TestChain chain, string rangeId) => VoucherState.Range(chain.Ledger.Store, rangeId)!;

    public static IReadOnlyList<VoucherRange> AllRanges(this TestChain chain) => VoucherState.ReadAll<VoucherRange>(chain.Ledger.Store, VoucherState.RangePrefix).ToList();

    public static IReadOnlyList<VoucherIssuance> Issuances(this TestChain chain) => VoucherState.ReadAll<VoucherIssuance>(chain.Ledger.Store, VoucherState.IssuancePrefix).ToList();

    /// <summary>The ranges an organisation holds (not closed), read through the holdings index.</summary>
    public static IReadOnlyList<VoucherRange> HoldingsOf(this TestChain chain, string organisation) =>
        chain.Ledger.Store.Scan(VoucherState.HoldingPrefixOf(organisation)).Select(p => chain.Range(p.Key[(p.Key.LastIndexOf('/') + 1)..])).ToList();

    public static long Held(this TestChain chain, string organisation, string status = RangeStatuses.Active) =>
        chain.HoldingsOf(organisation).Where(r => r.Status == status).Sum(r => r.Quantity);

    public static VoucherOrder Order(this TestChain chain, string orderId) => VoucherState.Read<VoucherOrder>(chain.Ledger.Store, VoucherState.OrderKey(orderId))!;

    public static IReadOnlyList<VoucherTrade> Trades(this TestChain chain) => VoucherState.ReadAll<VoucherTrade>(chain.Ledger.Store, VoucherState.TradePrefix).ToList();

    public static string Text(this TxResult result, string property) => result.Output!.Value.GetProperty(property).GetString()!;

    public static long Number(this TxResult result, string property) => result.Output!.Value.GetProperty(property).GetInt64();
}
