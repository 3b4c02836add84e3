using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Evidence;

namespace ConsortiumPortal.Seed.Evidence;

/// <summary>
/// Demo evidence: supply contracts anchored by hash (most signed by both parties, one still pending, one with a second
/// version), grid-east's metrology and quality-inspection centre accredited by the Regulator with inspection reports
/// for cable-co and meter-co, and grid-east work tickets in every state signed by qualified people. The seeded
/// documents have no file on the node: they are "kept by owner" (only the hash is anchored).
/// </summary>
public sealed class EvidenceSeed : IDemoApplicationSeed
{
    public const string Lab = "grid-east";
    public const string LabName = "国网华东计量质检中心 East China Grid Metrology and Quality-Inspection Centre";
    /// <summary>
    /// grid-east's people who sign work tickets: its admin issues tickets and permits work (safety measures, closing),
    /// its operator leads the work. (The seed signs only as the demo's people, who can all sign in.)
    /// </summary>
    public const string Issuer = "grid-east/admin";
    public const string Permitter = "grid-east/admin";
    public const string Leader = "grid-east/operator";

    /// <summary>The pending contract: retail-one anchored it, data-park has not signed yet.</summary>
    public static string PendingContractHash => HashOf("demo retail supply contract retail-one / data-park 2026");

    /// <summary>Version 2 of the power purchase agreement, anchored by the buyer and signed by both.</summary>
    public static string AmendmentHash => HashOf("demo power purchase agreement gen-wind / retail-one 2026 amendment 1");

    public static string HashOf(string text) => Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(text)));

    private sealed record Contract(string Text, string Type, string Title, string Owner, string Counterparty, bool CounterpartySigns, string Number, string? Meter, string? Account)
    {
        public string Hash => HashOf(Text);
    }

    private static readonly Contract[] Contracts =
    [
        new("demo hv supply contract grid-east / steel-works 2026", DocumentTypes.HighVoltageSupplyContract, "110 kV 高压供用电合同 HV supply contract",
            "grid-east", "steel-works", true, "GDHT-2026-0031", "MTR-110-000731", "ACC-3100-2291"),
        new("demo hv supply contract grid-east / data-park 2026", DocumentTypes.HighVoltageSupplyContract, "10 kV 高压供用电合同 HV supply contract",
            "grid-east", "data-park", true, "GDHT-2026-0047", "MTR-10-004712", "ACC-3100-4471"),
        new("demo grid connection agreement grid-east / gen-solar 2026", DocumentTypes.GridConnectionAgreement, "并网调度协议 Grid connection agreement",
            "grid-east", "gen-solar", true, "BW-2026-0009", null, null),
        new("demo power purchase agreement gen-wind / retail-one 2026", DocumentTypes.PowerPurchaseAgreement, "购售电合同 Power purchase agreement",
            "gen-wind", "retail-one", true, "PPA-2026-0102", null, null),
        new("demo lv supply contract grid-east / vpp-agg 2026", DocumentTypes.LowVoltageSupplyContract, "低压供用电合同 LV supply contract",
            "grid-east", "vpp-agg", true, "DYHT-2026-1180", "MTR-04-118021", "ACC-3100-9012"),
        new("demo retail supply contract retail-one / data-park 2026", DocumentTypes.RetailSupplyContract, "零售购售电合同 Retail supply contract",
            "retail-one", "data-park", false, "LS-2026-0558", null, "ACC-RT-0558"),
    ];

    private static readonly (string Supplier, string Category, bool Passed)[] Inspections =
    [
        ("cable-co", "cable", true), ("cable-co", "cable", true), ("cable-co", "cable", false), ("cable-co", "cable", true), ("cable-co", "cable", true),
        ("cable-co", "cable", true), ("meter-co", "meter", true), ("meter-co", "meter", false), ("meter-co", "meter", false), ("meter-co", "meter", true),
        ("meter-co", "transformer", true),
    ];

    public IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context)
    {
        var h = context.CurrentHeight;
        TxBuilder As(string signer) => context.As(signer);
        SignedTransaction Evidence(string signer, string method, object args) => As(signer).Build(EvidenceContract.ContractName, method, args, h);
        var from = DateTimeOffset.FromUnixTimeMilliseconds(context.Now).UtcDateTime;
        string Date(int days) => from.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // Wave 1: the laboratory's accreditation, the contracts anchored by their owners.
        var contracts = Contracts.Select(c => Evidence($"{c.Owner}/operator", "anchor", new EvidenceContract.AnchorArgs(c.Hash, c.Type,
            new DocumentLabels(c.Title, [c.Owner, c.Counterparty], c.Number, c.Meter, c.Account, Date(0), Date(365)),
            [c.Owner, c.Counterparty], DocumentCustody.Owner)));
        yield return
        [
            .. contracts,
            Evidence("nea-reg/operator", "accreditLab", new EvidenceContract.AccreditArgs(Lab, LabName, ["cable", "meter", "transformer"])),
        ];

        // Wave 2: qualifications, the counterparties' signatures, inspection reports.
        var grants = new[] { (Issuer, Qualifications.TicketIssuer), (Permitter, Qualifications.WorkPermitter), (Leader, Qualifications.WorkLeader) }.Select(g => Evidence("grid-east/admin", "grantQualification", new EvidenceContract.QualificationArgs(g.Item1, g.Item2)));
        var signatures = Contracts.Where(c => c.CounterpartySigns).Select(c => Evidence($"{c.Counterparty}/operator", "sign", new EvidenceContract.SignArgs(c.Hash)));
        var inspections = Inspections.Select((i, n) => Evidence("grid-east/operator", "anchorInspection", new EvidenceContract.InspectionArgs(
            HashOf($"demo inspection report {n} {i.Supplier} {i.Category}"), i.Supplier, i.Category, $"{i.Supplier.ToUpperInvariant()}-{i.Category.ToUpperInvariant()}-2026-{n + 1:D3}",
            i.Passed, $"质检报告 Inspection report {i.Category} #{n + 1}", DocumentCustody.Owner)));
        yield return [.. grants, .. signatures, .. inspections];

        // Wave 3: an amendment (version 2) of the PPA by the buyer, and four work tickets issued.
        var ppa = Contracts.Single(c => c.Type == DocumentTypes.PowerPurchaseAgreement);
        var tickets = new[] { "WT-2026-0101", "WT-2026-0102", "WT-2026-0103", "WT-2026-0104" };
        var locations = new[] { "220 kV 东郊变电站 East Suburb substation, bay 3", "10 kV 钢城线 #12 pole", "110 kV 滨江变 Binjiang substation, transformer 2", "0.4 kV 数据园配电室 Data park switch room" };
        var titles = new[] { "更换电缆中间接头 Replace cable joint", "更换避雷器 Replace surge arrester", "主变例行试验 Transformer routine test", "低压柜检修 LV switchgear maintenance" };
        yield return
        [
            Evidence("retail-one/operator", "anchor", new EvidenceContract.AnchorArgs(AmendmentHash,
                ppa.Type, new DocumentLabels(ppa.Title + " (补充协议 amendment 1)", [ppa.Owner, ppa.Counterparty], ppa.Number + "-A1", null, null, Date(30), Date(365)),
                [ppa.Owner, ppa.Counterparty], DocumentCustody.Owner, ppa.Hash)),
            .. tickets.Select((t, i) => Evidence(Issuer, "issueWorkTicket",
                new EvidenceContract.IssueTicketArgs(t, titles[i], locations[i], Leader, HashOf("demo work ticket form " + t)))),
        ];

        // Waves 4..7: the tickets move on, each step by the qualified person, so they end in different states.
        string Id(string number) => $"{Lab}:{number}";
        SignedTransaction Step(string signer, string number, string step) =>
            Evidence(signer, "signWorkTicketStep", new EvidenceContract.TicketStepArgs(Id(number), step, null));
        yield return [Evidence($"{ppa.Owner}/operator", "sign", new EvidenceContract.SignArgs(AmendmentHash)),
            Step(Permitter, "WT-2026-0101", WorkTicketSteps.SafetyMeasuresDone), Step(Permitter, "WT-2026-0102", WorkTicketSteps.SafetyMeasuresDone),
            Step(Permitter, "WT-2026-0103", WorkTicketSteps.SafetyMeasuresDone)];
        yield return [Step(Leader, "WT-2026-0101", WorkTicketSteps.WorkStarted), Step(Leader, "WT-2026-0102", WorkTicketSteps.WorkStarted)];
        yield return [Step(Leader, "WT-2026-0101", WorkTicketSteps.WorkFinished)];
        yield return [Step(Permitter, "WT-2026-0101", WorkTicketSteps.Closed)];
    }
}
