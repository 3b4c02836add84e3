using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Seed.Registry;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Seed.Receivables;

/// <summary>
/// The demo's supply chain of receivables, three tiers below the core enterprise: grid-east owes cable-co (tier 1) for
/// cable; cable-co pays its meter supplier meter-co (tier 2) with parts of the voucher, and meter-co pays insul-co
/// (tier 3, terminal blocks and insulating parts, admitted to the consortium by the registry seed's governance vote)
/// with a part of its part. Vouchers end in every state: pending, rejected, cancelled, active, offered (transferring),
/// split, financed (ICBC); two small vouchers mature twenty minutes after the seeding moment and are settled by the
/// maturity job (paid in full) once the portal runs; and two vouchers of the dated history (<see cref="History"/>): one
/// paid in full at its maturity eight days ago (settled), one that matured a week ago while grid-east's account was short:
/// it was paid in part and the rest is overdue, a settlement default in grid-east's credit rating. Financing requests end in every state: financed (ICBC), quoted (CCB, waiting for meter-co),
/// applied (ICBC, waiting), declined (CCB turns down the tier-3 supplier) and withdrawn (cable-co).
/// Ids are assigned in commit order: RV000001 is the history's overdue voucher, RV000002 its settled one, RV000003.. the undated waves' vouchers;
/// RF000001.. for financing requests.
/// </summary>
public sealed class ReceivablesSeed : IDemoApplicationSeed
{
    public const string Core = "grid-east/operator";
    public const string Tier1 = "cable-co/operator";
    public const string Tier2 = "meter-co/operator";
    public const string Tier3 = DemoOnboarding.InsulCo + "/operator";
    public const string Icbc = "icbc-bank/operator";
    public const string Ccb = "ccb-bank/operator";
    public const long MaturesSoonMs = 20 * 60_000;
    private const long Yuan = 100;

    /// <summary>The history's voucher (the first id): issued nine days before the seeding moment, overdue since two days later.</summary>
    public const string OverdueVoucher = "RV000001";
    /// <summary>Its supplier, paid in part at maturity.</summary>
    public const string OverdueSupplier = "meter-co";
    /// <summary>
    /// Its face amount: more than grid-east's account can hold at maturity whatever the demo seed draws (an opening deposit
    /// of at most 5,000,000 yuan less the base wave's 2,400,000-yuan hold and the 300,000 yuan paid for RV000002), so
    /// settlement pays what there is and leaves the rest overdue: a settlement default of 2,700,000..4,700,000 yuan,
    /// -107..-127 points, grade BBB from A.
    /// </summary>
    public const long OverdueFaceFen = 5_000_000 * Yuan;
    /// <summary>
    /// The working-capital loan ICBC deposits for grid-east the day after the default. It equals the face amount, so once
    /// grid-east pays the overdue part in the portal it holds exactly what it held just before the default (300,000 ..
    /// 2,300,000 yuan), and until then more: while the overdue part is open (as seeded) it holds the loan, which covers
    /// every later payment from its account in the seed and in the demo's first runs (demand-response incentives, the
    /// maturity job paying the twenty-minute vouchers).
    /// </summary>
    public const long LoanFen = 5_000_000 * Yuan;

    /// <summary>The history's second voucher (issued right after the overdue one): paid in full at its maturity, a day earlier.</summary>
    public const string PaidVoucher = "RV000002";
    /// <summary>Its supplier and face amount: less than grid-east's account holds at any point of the history.</summary>
    public const string PaidSupplier = "cable-co";
    public const long PaidFaceFen = 300_000 * Yuan;

    public static long OverdueIssuedAt(long now) => now - 9 * DayMs;
    public static long PaidMaturityAt(long now) => now - 8 * DayMs;
    public static long PaidSettledAt(long now) => PaidMaturityAt(now) + 60_000;
    public static long OverdueMaturityAt(long now) => now - 7 * DayMs;
    /// <summary>When the maturity job settled it: a minute after maturity.</summary>
    public static long OverdueSettledAt(long now) => OverdueMaturityAt(now) + 60_000;
    public static long LoanAt(long now) => now - 6 * DayMs;

    /// <summary>
    /// The dated history: a voucher that matured unpaid. Issued and accepted nine days before the seeding moment, it
    /// matures seven days before; the maturity job (signing as grid-east's operator, as the portal's job does) settles it
    /// a minute later, paying meter-co everything in grid-east's account and recording the rest as overdue and as a
    /// settlement default. The next day ICBC books a working-capital loan to grid-east, before the demand-response history
    /// pays incentives from that account (four days and one day before the seeding day); the overdue part stays for the
    /// demo to pay.
    /// </summary>
    public IEnumerable<DemoWave> History(DemoSeedContext context)
    {
        var height = context.CurrentHeight;
        var now = context.Now;
        SignedTransaction R(string signer, string method, object args) => context.As(signer).Build(ContractName, method, args, height);
        var issuedAt = OverdueIssuedAt(now);

        yield return new DemoWave(
        [
            R(Core, "issue", new IssueArgs(OverdueSupplier, OverdueFaceFen, OverdueMaturityAt(now), Anchor("采购合同 SGCC-EC-2026-0096 集中器 data concentrators"),
                Anchor("发票 INV 3100-2026-0000964"), 500_000 * Yuan, "集中器及采集终端 data concentrators and collection terminals")),
        ], issuedAt);
        yield return new DemoWave(
        [
            R(Core, "issue", new IssueArgs(PaidSupplier, PaidFaceFen, PaidMaturityAt(now), Anchor("采购合同 SGCC-EC-2026-0097 电缆附件 cable accessories"),
                Anchor("发票 INV 3100-2026-0000971"), 0, "电缆终端头 cable terminations")),
        ], issuedAt + 60_000);
        yield return new DemoWave([R(Tier2, "acceptIssue", new VoucherArgs(OverdueVoucher)), R(Tier1, "acceptIssue", new VoucherArgs(PaidVoucher))],
            issuedAt + 60 * 60_000);
        yield return new DemoWave([R(Core, "settle", new SettleArgs([PaidVoucher]))], PaidSettledAt(now));
        yield return new DemoWave([R(Core, "settle", new SettleArgs([OverdueVoucher]))], OverdueSettledAt(now));
        yield return new DemoWave(
        [
            context.As(Icbc).Build(SettlementContract.ContractName, "deposit",
                new SettlementContract.BankEntryArgs("grid-east", LoanFen, "LOAN-WC-GRID-EAST-2026-11 流动资金贷款 working-capital loan"), height),
        ], LoanAt(now));
    }

    public static string Anchor(string text) => Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(text)));

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var height = context.CurrentHeight;
        var genesis = context.GenesisTime;
        SignedTransaction R(string signer, string method, object args) => context.As(signer).Build(ContractName, method, args, height);
        SignedTransaction Issue(string supplier, long yuan, long maturityAt, string contract, string invoice, long minSplitYuan, string memo) =>
            R(Core, "issue", new IssueArgs(supplier, yuan * Yuan, maturityAt, Anchor(contract), Anchor(invoice), minSplitYuan * Yuan, memo));
        var soon = genesis + MaturesSoonMs;

        yield return
        [
            Issue("cable-co", 8_000_000, genesis + 180 * DayMs, "采购合同 SGCC-EC-2026-0118 电缆 cable", "发票 INV 3100-2026-0001187", 500_000,
                "2026 年第四季度电缆采购 Q4 2026 power cable order"),                                                        // RV000003
            Issue("meter-co", 1_200_000, genesis + 90 * DayMs, "采购合同 SGCC-EC-2026-0131 智能电表 smart meters", "发票 INV 3100-2026-0001311", 100_000,
                "智能电表第二批 smart meters, batch 2"),                                                                    // RV000004 pending
            Issue("cable-co", 600_000, genesis + 120 * DayMs, "采购合同 SGCC-EC-2026-0140", "发票 INV 3100-2026-0001402", 0,
                "金额有误 amount in dispute"),                                                                              // RV000005 rejected
            Issue("meter-co", 300_000, genesis + 60 * DayMs, "采购合同 SGCC-EC-2026-0152", "发票 INV 3100-2026-0001520", 0,
                "重复开具 issued twice by mistake"),                                                                         // RV000006 cancelled
            Issue("meter-co", 200_000, soon, "采购合同 SGCC-EC-2026-0077 表箱 meter boxes", "发票 INV 3100-2026-0000771", 0,
                "表箱尾款 meter boxes, final payment"),                                                                      // RV000007 matures soon
            Issue("cable-co", 150_000, soon, "采购合同 SGCC-EC-2026-0081 接头 cable joints", "发票 INV 3100-2026-0000815", 50_000,
                "电缆接头 cable joints"),                                                                                    // RV000008 matures soon
        ];
        yield return
        [
            R(Tier1, "acceptIssue", new VoucherArgs("RV000003")),
            R(Tier1, "acceptIssue", new VoucherArgs("RV000008")),
            R(Tier2, "acceptIssue", new VoucherArgs("RV000007")),
            R(Tier1, "rejectIssue", new VoucherArgs("RV000005")),
            R(Core, "cancelIssue", new VoucherArgs("RV000006")),
        ];
        // cable-co splits the big voucher (RV000009..10) and the small one (RV000012, RV000013).
        yield return
        [
            R(Tier1, "split", new SplitArgs("RV000003", [2_000_000 * Yuan, 3_000_000 * Yuan, 3_000_000 * Yuan])),
            R(Tier1, "split", new SplitArgs("RV000008", [100_000 * Yuan, 50_000 * Yuan])),
        ];
        yield return
        [
            R(Tier1, "transfer", new TransferArgs("RV000010", "meter-co")),
            R(Tier1, "transfer", new TransferArgs("RV000011", "meter-co")),   // stays offered
            R(Tier1, "transfer", new TransferArgs("RV000013", "meter-co")),
            R(Tier1, "applyFinancing", new ApplyArgs("RV000009", "icbc-bank")),   // RF000001
        ];
        yield return
        [
            R(Tier2, "acceptTransfer", new VoucherArgs("RV000010")),
            R(Tier2, "acceptTransfer", new VoucherArgs("RV000013")),
            R(Icbc, "quote", new QuoteArgs("RF000001", 380, genesis + 7 * DayMs)),
        ];
        // meter-co splits what it received (RV000014, RV000015) and pays its own supplier, insul-co, with one part.
        yield return
        [
            R(Tier1, "acceptQuote", new RequestArgs("RF000001")),
            R(Tier2, "split", new SplitArgs("RV000010", [1_500_000 * Yuan, 1_500_000 * Yuan])),
        ];
        yield return
        [
            R(Tier2, "transfer", new TransferArgs("RV000015", DemoOnboarding.InsulCo)),
            R(Tier2, "applyFinancing", new ApplyArgs("RV000014", "ccb-bank")),   // RF000002
        ];
        yield return
        [
            R(Tier3, "acceptTransfer", new VoucherArgs("RV000015")),
            R(Ccb, "quote", new QuoteArgs("RF000002", 420, genesis + 30 * DayMs)),   // waits for meter-co
            R(Tier1, "applyFinancing", new ApplyArgs("RV000012", "ccb-bank")),     // RF000003
        ];
        yield return
        [
            R(Tier1, "withdrawFinancing", new RequestArgs("RF000003", "临近到期，不再贴现 matures soon; not worth discounting")),
            R(Tier3, "applyFinancing", new ApplyArgs("RV000015", "ccb-bank")),     // RF000004
        ];
        yield return [R(Ccb, "declineFinancing", new RequestArgs("RF000004", "暂无授信额度 no credit line for this supplier yet"))];
        yield return [R(Tier3, "applyFinancing", new ApplyArgs("RV000015", "icbc-bank"))];   // RF000005, waits for ICBC
    }
}
