using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Seed.Registry;

/// <summary>
/// The demo's market registry, governance and credit: participants in every state of the lifecycle (submitted, under
/// review, changes requested, resubmitted, in disclosure with a comment and an objection, active with a minor change
/// and a major change under review, suspended, reinstated, exited), proposals passed, open and rejected, and ratings
/// from recorded behaviour. Governance first sets the demo's disclosure bounds (shortest 1 ms, default 7 days), so
/// registrations approved with a 1 ms period become active in the next wave and a demo or E2E test can use seconds.
/// retail-one keeps applying in the E2E test as a new retailer subsidiary. Last, a new member is voted in
/// (<see cref="DemoOnboarding"/>: the tier-3 supplier the receivables demo pays).
/// </summary>
public sealed class RegistrySeed : IDemoApplicationSeed
{
    public const long DemoMinDisclosureMs = 1;
    public static readonly RegistrySettings DemoSettings = new(DemoMinDisclosureMs, 7 * RegistrySettings.Day, 30 * RegistrySettings.Day);

    private const string Center = "px-center/operator";
    private const long Week = 7 * RegistrySettings.Day;

    /// <summary>A demo participant: who applies, what, and the state the seed takes it to.</summary>
    private sealed record Demo(string Org, ParticipantDetails Details, ParticipantStatus Target)
    {
        public string Signer => $"{Org}/operator";
    }

    // Participant ids are assigned in application order: P000001 is the first of this list, and so on.
    private static readonly Demo[] Participants =
    [
        new("gen-wind", Details("海风新能源发电有限公司 Sea Breeze Wind Power Co., Ltd.", "913100006", ParticipantType.Generator, ["shanghai", "jiangsu"], 400_000_000), ParticipantStatus.Active),
        new("gen-solar", Details("阳光光伏(江苏)有限公司 Sunlight Solar (Jiangsu) Co., Ltd.", "913200007", ParticipantType.Generator, ["jiangsu"], 150_000_000), ParticipantStatus.Disclosure),
        new("gen-hydro", Details("青山水电开发有限公司 Green Mountain Hydro Co., Ltd.", "913300008", ParticipantType.Generator, ["zhejiang", "anhui"], 600_000_000), ParticipantStatus.Suspended),
        new("gen-hydro", Details("青山抽水蓄能(安徽)有限公司 Green Mountain Pumped Storage (Anhui) Co., Ltd.", "913400009", ParticipantType.EnergyStorage, ["anhui"], 300_000_000), ParticipantStatus.Exited),
        new("steel-works", Details("宝钢特钢有限公司 Baosteel Special Steel Co., Ltd.", "913100001", ParticipantType.LargeConsumer, ["shanghai"], 250_000_000), ParticipantStatus.Active),
        new("data-park", Details("云谷数据中心有限公司 Cloud Valley Data Park Co., Ltd.", "913300002", ParticipantType.LargeConsumer, ["zhejiang"], 80_000_000), ParticipantStatus.UnderReview),
        new("vpp-agg", Details("智慧虚拟电厂科技有限公司 Smart VPP Technology Co., Ltd.", "913200003", ParticipantType.Aggregator, ["jiangsu", "zhejiang", "shanghai"], 120_000_000), ParticipantStatus.ChangesRequested),
        new("retail-one", Details("华能售电有限公司 Huaneng Electricity Retail Co., Ltd.", "913100004", ParticipantType.Retailer, ["shanghai", "jiangsu", "zhejiang", "anhui"], 0), ParticipantStatus.Active),
        new("retail-one", Details("华能售电(安徽)有限公司 Huaneng Electricity Retail (Anhui) Co., Ltd.", "913400005", ParticipantType.Retailer, ["anhui"], 0), ParticipantStatus.Resubmitted),
        new("grid-east", Details("国网华东电网公司 East China Grid Co.", "913100000", ParticipantType.GridCompany, ["shanghai", "jiangsu", "zhejiang", "anhui", "fujian"], 0), ParticipantStatus.Submitted),
    ];

    private static string Id(int index) => $"P{index + 1:D6}";

    /// <summary>An enterprise code (authority 9, type 1) of the province's division, completed with its check character.</summary>
    private static string Code(string first9) => UnifiedSocialCreditCode.Complete($"{first9[..2]}{first9[2..4]}0000MA1{first9[8]}{first9[4..8]}K");

    private static ParticipantDetails Details(string name, string first9, ParticipantType type, string[] provinces, long capacityKw1000) =>
        new(name, Code(first9), type, provinces.Order(StringComparer.Ordinal).ToArray(), capacityKw1000,
            [new Contact("交易部 Trading desk", "Market operations", "+86 21 6000 " + first9[^4..], $"trading@{first9}.example.cn")],
            [new AnchoredDocument("营业执照 Business licence", Anchor($"licence {name}")), new AnchoredDocument("准入承诺书 Market entry undertaking", Anchor($"undertaking {name}"))]);

    private static string Anchor(string text) => Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(text)));

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var height = context.CurrentHeight;
        SignedTransaction Registry(string signer, string method, object args) => context.As(signer).Build(RegistryContract.ContractName, method, args, height);
        SignedTransaction Governance(string signer, string method, object args) => context.As(signer).Build(GovernanceContract.ContractName, method, args, height);
        SignedTransaction Credit(string signer, CreditEventKind kind, string org, long amount, string reference) =>
            context.As(signer).Build(CreditContract.ContractName, "recordEvent", new CreditContract.RecordArgs(org, kind, amount, reference), height);
        var admins = DemoConsortium.Organisations.Select(o => $"{o.Id}/admin").ToArray();
        // Block time during seeding is close to genesis: thirty days from genesis is within every proposal's allowed life.
        var expires = context.GenesisTime + 30 * RegistrySettings.Day;
        var idx = Participants.Select((p, i) => (p, i)).ToDictionary(t => t.p, t => Id(t.i));
        IEnumerable<Demo> Reaching(params ParticipantStatus[] targets) => Participants.Where(p => targets.Contains(p.Target));

        // Wave 1: proposals (G00001 registry settings, G00002 a resolution, G00003 admitting a member, G00004 a policy
        // change the members reject) and behaviour the trading centre and the grid company report.
        yield return
        [
            Governance("px-center/admin", "propose", new GovernanceContract.ProposeArgs(ProposalKind.RegistrySettings,
                "演示用公示期：最短 1 毫秒，默认 7 天 Demo disclosure periods: shortest 1 ms, default 7 days",
                new ProposalChange(Registry: DemoSettings), expires)),
            Governance("grid-east/admin", "propose", new GovernanceContract.ProposeArgs(ProposalKind.Resolution,
                "采用 2027 年中长期交易规则 Adopt the 2027 mid- and long-term trading rules",
                new ProposalChange(Resolution: "The consortium adopts the 2027 mid- and long-term trading rules of the East China market from 1 January 2027; trading centres publish the implementing notices."), expires)),
            Governance("px-center/admin", "propose", new GovernanceContract.ProposeArgs(ProposalKind.AdmitOrganisation,
                "接纳新成员：江苏储能合作社 Admit Jiangsu Storage Cooperative",
                new ProposalChange(Organisation: new GenesisOrganisation("js-storage", "江苏储能合作社 Jiangsu Storage Cooperative", [Roles.Generator, Roles.Aggregator], Sm2.Generate().PublicKeyHex)), expires)),
            Governance("vpp-agg/admin", "propose", new GovernanceContract.ProposeArgs(ProposalKind.ChangePolicy,
                "治理门槛降为过半数 Lower the governance threshold to a simple majority",
                new ProposalChange(Policy: new GovernancePolicy(1, 2)), expires)),
            Credit(Center, CreditEventKind.LatePayment, "data-park", 5, "2026-09 结算单 settlement statement S-0917"),
            Credit(Center, CreditEventKind.SettlementDefault, "vpp-agg", 1_200_000_00, "2026-08 结算违约 settlement default S-0822"),
            Credit(Center, CreditEventKind.LatePayment, "vpp-agg", 12, "2026-09 结算单 settlement statement S-0931"),
            Credit("grid-east/operator", CreditEventKind.DemandResponse, "vpp-agg", 112, "需求响应 DR event 2026-07-28"),
            Credit("grid-east/operator", CreditEventKind.DemandResponse, "steel-works", 95, "需求响应 DR event 2026-07-28"),
            Credit("grid-east/operator", CreditEventKind.DemandResponse, "data-park", 60, "需求响应 DR event 2026-08-05"),
        ];

        // Wave 2: votes (the settings pass with 10 of 15; the policy change is rejected by 6 no votes; the others stay open).
        var wave2 = new List<SignedTransaction>();
        wave2.AddRange(admins.Take(10).Select(a => Governance(a, "vote", new GovernanceContract.VoteArgs("G00001", true))));
        wave2.AddRange(admins.Take(4).Select(a => Governance(a, "vote", new GovernanceContract.VoteArgs("G00002", true))));
        wave2.Add(Governance(admins[14], "vote", new GovernanceContract.VoteArgs("G00002", false)));
        wave2.AddRange(admins.Skip(4).Take(3).Select(a => Governance(a, "vote", new GovernanceContract.VoteArgs("G00003", true))));
        wave2.AddRange(admins.Skip(8).Take(6).Select(a => Governance(a, "vote", new GovernanceContract.VoteArgs("G00004", false))));
        yield return wave2;
        // The applications, one wave each: participant ids are assigned in commit order, and later waves name them.
        foreach (var p in Participants) yield return [Registry(p.Signer, "apply", new RegistryContract.ApplyArgs(p.Details))];

        // Wave 3: the trading centre starts reviewing everything past Submitted.
        yield return Participants.Where(p => p.Target != ParticipantStatus.Submitted)
            .Select(p => Registry(Center, "startReview", new RegistryContract.ParticipantArgs(idx[p]))).ToList();

        // Wave 4: requests for changes; approvals (1 ms for those that go on to be active, a week for the one on the board).
        var wave4 = new List<SignedTransaction>();
        wave4.AddRange(Reaching(ParticipantStatus.ChangesRequested, ParticipantStatus.Resubmitted).Select(p =>
            Registry(Center, "requestChanges", new RegistryContract.DecisionArgs(idx[p], "请补充电力业务许可证扫描件 Please add a scan of the power business licence"))));
        wave4.AddRange(Reaching(ParticipantStatus.Active, ParticipantStatus.Suspended, ParticipantStatus.Exited).Select(p =>
            Registry(Center, "approve", new RegistryContract.ApproveArgs(idx[p], DemoMinDisclosureMs))));
        wave4.AddRange(Reaching(ParticipantStatus.Disclosure).Select(p => Registry(Center, "approve", new RegistryContract.ApproveArgs(idx[p], Week))));
        yield return wave4;

        // Wave 5: activation after the 1 ms period, comments and an objection on the board, a resubmission.
        var onBoard = idx[Reaching(ParticipantStatus.Disclosure).Single()];
        var wave5 = new List<SignedTransaction>();
        wave5.AddRange(Reaching(ParticipantStatus.Active, ParticipantStatus.Suspended, ParticipantStatus.Exited).Select(p =>
            Registry(Center, "activate", new RegistryContract.ParticipantArgs(idx[p]))));
        wave5.Add(Registry("grid-east/operator", "comment", new RegistryContract.CommentArgs(onBoard, "并网协议已签署，无异议。Grid connection agreement signed; no objection.", false)));
        wave5.Add(Registry("gen-wind/operator", "comment", new RegistryContract.CommentArgs(onBoard,
            "申报装机容量与备案不一致（备案 120 MW）。Declared capacity differs from the filing (120 MW filed).", true)));
        var resubmitted = Reaching(ParticipantStatus.Resubmitted).Single();
        wave5.Add(Registry(resubmitted.Signer, "resubmit", new RegistryContract.DetailsArgs(idx[resubmitted], resubmitted.Details with
        {
            Documents = [.. resubmitted.Details.Documents, new AnchoredDocument("电力业务许可证 Power business licence", Anchor("power licence anhui retail"))],
        })));
        yield return wave5;

        // Wave 6: suspension, exit, a minor change in force at once, a major change, a suspension to be lifted.
        var windFarm = Participants[0];
        var steel = Reaching(ParticipantStatus.Active).Single(p => p.Org == "steel-works");
        yield return
        [
            Registry(Center, "suspend", new RegistryContract.DecisionArgs(idx[Reaching(ParticipantStatus.Suspended).Single()], "未按期缴纳履约保函 Performance guarantee not renewed")),
            Registry("gen-hydro/operator", "exit", new RegistryContract.DecisionArgs(idx[Reaching(ParticipantStatus.Exited).Single()], "项目转让，退出市场 Project sold; leaving the market")),
            Registry(windFarm.Signer, "changeMinor", new RegistryContract.MinorChangeArgs(idx[windFarm], 450_000_000,
                [.. windFarm.Details.Contacts, new Contact("王芳 Wang Fang", "Trading manager", "+86 21 6000 1188", "wang.fang@seabreeze.example.cn")], windFarm.Details.Documents)),
            Registry(steel.Signer, "proposeChange", new RegistryContract.DetailsArgs(idx[steel], steel.Details with { Provinces = ["jiangsu", "shanghai"] })),
            Registry(Center, "suspend", new RegistryContract.DecisionArgs(idx[Participants.Single(p => p.Org == "retail-one" && p.Target == ParticipantStatus.Active)], "结算数据核对中 Settlement data under reconciliation")),
        ];

        // Wave 7: reinstatement (the record keeps its history) and the review of the major change.
        yield return
        [
            Registry(Center, "reinstate", new RegistryContract.DecisionArgs(idx[Participants.Single(p => p.Org == "retail-one" && p.Target == ParticipantStatus.Active)], "核对完成 Reconciliation complete")),
            Registry(Center, "startReview", new RegistryContract.ParticipantArgs(idx[steel])),
        ];

        // Then a supplier joins the consortium through governance (G00005, after the four proposals of wave 1).
        foreach (var wave in DemoOnboarding.Waves(context, firstProposal: 5)) yield return wave;
    }
}
