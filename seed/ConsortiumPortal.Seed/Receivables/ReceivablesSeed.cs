using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Seed.Registry;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Seed.Receivables;

/// <summary>
/// The demo's supply chain of receivables, three tiers below the core enterprise: grid-east owes cable-co (tier 1) for
/// cable; cable-co pays its meter supplier meter-co (tier 2) with parts of the voucher, and meter-co pays insul-co
/// (tier 3, terminal blocks and insulating parts, admitted to the consortium by the registry seed's governance vote)
/// with a part of its part. Vouchers end in every state the demo can reach without waiting: pending, rejected,
/// cancelled, active, offered (transferring), split, financed (ICBC); two small vouchers mature twenty minutes after
/// genesis and are settled by the maturity job (paid in full) once the portal runs. Financing requests end in every
/// state: financed (ICBC), quoted (CCB, waiting for meter-co), applied (ICBC, waiting), declined (CCB turns down the
/// tier-3 supplier) and withdrawn (cable-co). Overdue settlement is shown by the tests, not the demo: it needs a voucher
/// that matured unpaid, and paying one in the demo would drain the grid company's account other demos pay from.
/// Ids are assigned in commit order: RV000001.. for vouchers, RF000001.. for financing requests.
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
                "2026 年第四季度电缆采购 Q4 2026 power cable order"),                                                        // RV000001
            Issue("meter-co", 1_200_000, genesis + 90 * DayMs, "采购合同 SGCC-EC-2026-0131 智能电表 smart meters", "发票 INV 3100-2026-0001311", 100_000,
                "智能电表第二批 smart meters, batch 2"),                                                                    // RV000002 pending
            Issue("cable-co", 600_000, genesis + 120 * DayMs, "采购合同 SGCC-EC-2026-0140", "发票 INV 3100-2026-0001402", 0,
                "金额有误 amount in dispute"),                                                                              // RV000003 rejected
            Issue("meter-co", 300_000, genesis + 60 * DayMs, "采购合同 SGCC-EC-2026-0152", "发票 INV 3100-2026-0001520", 0,
                "重复开具 issued twice by mistake"),                                                                         // RV000004 cancelled
            Issue("meter-co", 200_000, soon, "采购合同 SGCC-EC-2026-0077 表箱 meter boxes", "发票 INV 3100-2026-0000771", 0,
                "表箱尾款 meter boxes, final payment"),                                                                      // RV000005 matures soon
            Issue("cable-co", 150_000, soon, "采购合同 SGCC-EC-2026-0081 接头 cable joints", "发票 INV 3100-2026-0000815", 50_000,
                "电缆接头 cable joints"),                                                                                    // RV000006 matures soon
        ];
        yield return
        [
            R(Tier1, "acceptIssue", new VoucherArgs("RV000001")),
            R(Tier1, "acceptIssue", new VoucherArgs("RV000006")),
            R(Tier2, "acceptIssue", new VoucherArgs("RV000005")),
            R(Tier1, "rejectIssue", new VoucherArgs("RV000003")),
            R(Core, "cancelIssue", new VoucherArgs("RV000004")),
        ];
        // cable-co splits the big voucher (RV000007..09) and the small one (RV000010, RV000011).
        yield return
        [
            R(Tier1, "split", new SplitArgs("RV000001", [2_000_000 * Yuan, 3_000_000 * Yuan, 3_000_000 * Yuan])),
            R(Tier1, "split", new SplitArgs("RV000006", [100_000 * Yuan, 50_000 * Yuan])),
        ];
        yield return
        [
            R(Tier1, "transfer", new TransferArgs("RV000008", "meter-co")),
            R(Tier1, "transfer", new TransferArgs("RV000009", "meter-co")),   // stays offered
            R(Tier1, "transfer", new TransferArgs("RV000011", "meter-co")),
            R(Tier1, "applyFinancing", new ApplyArgs("RV000007", "icbc-bank")),   // RF000001
        ];
        yield return
        [
            R(Tier2, "acceptTransfer", new VoucherArgs("RV000008")),
            R(Tier2, "acceptTransfer", new VoucherArgs("RV000011")),
            R(Icbc, "quote", new QuoteArgs("RF000001", 380, genesis + 7 * DayMs)),
        ];
        // meter-co splits what it received (RV000012, RV000013) and pays its own supplier, insul-co, with one part.
        yield return
        [
            R(Tier1, "acceptQuote", new RequestArgs("RF000001")),
            R(Tier2, "split", new SplitArgs("RV000008", [1_500_000 * Yuan, 1_500_000 * Yuan])),
        ];
        yield return
        [
            R(Tier2, "transfer", new TransferArgs("RV000013", DemoOnboarding.InsulCo)),
            R(Tier2, "applyFinancing", new ApplyArgs("RV000012", "ccb-bank")),   // RF000002
        ];
        yield return
        [
            R(Tier3, "acceptTransfer", new VoucherArgs("RV000013")),
            R(Ccb, "quote", new QuoteArgs("RF000002", 420, genesis + 30 * DayMs)),   // waits for meter-co
            R(Tier1, "applyFinancing", new ApplyArgs("RV000010", "ccb-bank")),     // RF000003
        ];
        yield return
        [
            R(Tier1, "withdrawFinancing", new RequestArgs("RF000003", "临近到期，不再贴现 matures soon; not worth discounting")),
            R(Tier3, "applyFinancing", new ApplyArgs("RV000013", "ccb-bank")),     // RF000004
        ];
        yield return [R(Ccb, "declineFinancing", new RequestArgs("RF000004", "暂无授信额度 no credit line for this supplier yet"))];
        yield return [R(Tier3, "applyFinancing", new ApplyArgs("RV000013", "icbc-bank"))];   // RF000005, waits for ICBC
    }
}
