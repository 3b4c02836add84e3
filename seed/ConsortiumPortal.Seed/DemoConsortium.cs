using Bogus;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Keys;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Seed;

/// <summary>A demo organisation: id, bilingual name, roles.</summary>
public sealed record DemoOrganisation(string Id, string Name, IReadOnlyList<string> Roles);

/// <summary>A demo person: certificate id (organisation/login), display name and roles.</summary>
public sealed record DemoPerson(string CertificateId, string OrganisationId, string Name, IReadOnlyList<string> Roles);

/// <summary>
/// The demo consortium used for training and demos: one organisation per consortium role (several generators,
/// consumers and banks), an admin and role-holding staff in each, opening balances and a few payments.
/// Everything after genesis is submitted as ordinary signed transactions, in waves: a certificate must be
/// committed before its holder signs.
/// </summary>
public sealed class DemoConsortium
{
    public const string DefaultChainId = "power-consortium-demo";

    /// <summary>The organisation that runs the pilot's single node.</summary>
    public const string NodeOperator = "grid-east";

    public static readonly IReadOnlyList<DemoOrganisation> Organisations =
    [
        new("grid-east", "国网华东电网公司 East China Grid Co.", [Roles.GridCompany]),
        new("px-center", "电力交易中心 Power Exchange Center", [Roles.TradingCenter]),
        new("gen-wind", "海风新能源发电 Sea Breeze Wind Power", [Roles.Generator]),
        new("gen-solar", "阳光光伏电站 Sunlight Solar Plant", [Roles.Generator]),
        new("gen-hydro", "青山水电 Green Mountain Hydro", [Roles.Generator]),
        new("retail-one", "华能售电 Huaneng Electricity Retail", [Roles.Retailer]),
        new("steel-works", "宝钢特钢 Baosteel Special Steel", [Roles.Consumer]),
        new("data-park", "云谷数据中心 Cloud Valley Data Park", [Roles.Consumer]),
        new("vpp-agg", "智慧虚拟电厂 Smart VPP Aggregator", [Roles.Aggregator]),
        new("pic-insure", "人保财险 PICC Property Insurance", [Roles.Insurer]),
        new("icbc-bank", "工商银行 ICBC", [Roles.Bank]),
        new("ccb-bank", "建设银行 China Construction Bank", [Roles.Bank]),
        new("cable-co", "远东电缆 Far East Cable", [Roles.Supplier]),
        new("meter-co", "威胜电表 Wasion Meters", [Roles.Supplier]),
        new("nea-reg", "国家能源局监管 NEA Regulator", [Roles.Regulator]),
    ];

    public GenesisDocument Genesis { get; }
    public IReadOnlyList<DemoPerson> People { get; }
    public string NodeId { get; }

    private readonly int _seed;

    /// <summary>How long before the seeding moment the demo consortium was founded: room for its dated history.</summary>
    public const long HistoryMs = 10 * 24 * 60 * 60 * 1000L;

    /// <summary>The seeding moment of a demo ledger whose genesis block has <paramref name="genesisTimestamp"/> (demo ledgers only).</summary>
    public static long SeedingTimeOf(long genesisTimestamp) => genesisTimestamp + HistoryMs;

    /// <summary>"Now" for the demo data (ms): undated waves commit at it or later; see <see cref="DemoSeedContext.Now"/>.</summary>
    public long SeedingTime { get; }

    /// <param name="keyFor">returns the key pair for an id (organisation id, certificate id or "node:ID"), creating it if needed</param>
    /// <param name="now">the seeding moment; genesis is <paramref name="historyMs"/> earlier</param>
    /// <param name="historyMs">how far genesis is backdated: <see cref="HistoryMs"/> for the demo, 0 for a ledger that is not seeded</param>
    public DemoConsortium(Func<string, Sm2KeyPair> keyFor, ConsortiumNode node, long now, int seed = 2021, string chainId = DefaultChainId, long historyMs = HistoryMs)
        : this(keyFor, [node], now, seed, chainId, historyMs)
    {
    }

    /// <summary>A demo consortium run by several nodes (the first is <see cref="NodeId"/>); each node's key comes from keyFor("node:ID").</summary>
    public DemoConsortium(Func<string, Sm2KeyPair> keyFor, IReadOnlyList<ConsortiumNode> nodes, long now, int seed = 2021, string chainId = DefaultChainId, long historyMs = HistoryMs)
    {
        if (nodes.Count == 0) throw new ArgumentException("a consortium needs at least one node", nameof(nodes));
        ArgumentOutOfRangeException.ThrowIfNegative(historyMs);
        _seed = seed;
        NodeId = nodes[0].Id;
        SeedingTime = now;
        Genesis = new GenesisDocument(chainId, "华东电力区块链联盟 East China Power Consortium", now - historyMs,
            Organisations.Select(o => new GenesisOrganisation(o.Id, o.Name, o.Roles, keyFor(o.Id).PublicKeyHex)).ToArray(),
            nodes.Select(n => n with { PublicKey = keyFor(Keystore.NodeKeyId(n.Id)).PublicKeyHex }).ToArray(),
            new GovernancePolicy(2, 3));
        People = CreatePeople(seed);
    }

    private static List<DemoPerson> CreatePeople(int seed)
    {
        var faker = new Faker("zh_CN") { Random = new Randomizer(seed) };
        var people = new List<DemoPerson>();
        foreach (var org in Organisations)
        {
            people.Add(new DemoPerson($"{org.Id}/admin", org.Id, faker.Name.FullName(), [Roles.OrgAdmin, .. org.Roles]));
            people.Add(new DemoPerson($"{org.Id}/operator", org.Id, faker.Name.FullName(), org.Roles.ToArray()));
        }
        return people;
    }

    /// <summary>
    /// The transactions that bring the consortium to life, in waves that must commit in order, each at its time
    /// (<see cref="DemoWave.At"/>). Wave 1: each organisation's root key issues its people's certificates. Wave 2: banks
    /// record opening deposits. Wave 3: payments and escrows between members, signed by their operators. These three are
    /// dated one, two and three seconds after genesis. Then the applications' dated history in time order, then their
    /// undated waves (at the seeding moment or later) in <see cref="ApplicationSeeds"/> order.
    /// </summary>
    public IReadOnlyList<DemoWave> Waves(Func<string, Sm2KeyPair> keyFor, long currentHeight)
    {
        var chainId = Genesis.ChainId;
        TxBuilder As(string certificateId) => new(chainId, certificateId, keyFor(certificateId));
        var random = new Randomizer(_seed);

        var certificates = People.Select(p => As(p.OrganisationId).Build(MembershipContract.ContractName, "issueCertificate",
            new MembershipContract.IssueCertificateArgs(p.CertificateId, p.Name, p.Roles, keyFor(p.CertificateId).PublicKeyHex), currentHeight)).ToList();

        var banks = Organisations.Where(o => o.Roles.Contains(Roles.Bank)).ToArray();
        var deposits = Organisations.Select((o, i) =>
        {
            var bank = banks[i % banks.Length];
            var amount = random.Long(3_000_000, 5_000_000) * 100; // 3,000,000 to 5,000,000 yuan, in fen: covers every wave-3 payment
            return As($"{bank.Id}/operator").Build(SettlementContract.ContractName, "deposit",
                new SettlementContract.BankEntryArgs(o.Id, amount, $"OPEN-{o.Id.ToUpperInvariant()}"), currentHeight);
        }).ToList();

        var payments = new List<SignedTransaction>
        {
            As("steel-works/operator").Build(SettlementContract.ContractName, "transfer",
                new SettlementContract.TransferArgs("retail-one", 1_250_000_00, "2026-10 电费 electricity bill"), currentHeight),
            As("data-park/operator").Build(SettlementContract.ContractName, "transfer",
                new SettlementContract.TransferArgs("retail-one", 830_000_00, "2026-10 电费 electricity bill"), currentHeight),
            As("grid-east/operator").Build(SettlementContract.ContractName, "hold",
                new SettlementContract.HoldArgs("grid-east:cable-order-2026-118", "cable-co", 2_400_000_00, null, "cable order 2026-118, pay on delivery"), currentHeight),
            As("retail-one/operator").Build(SettlementContract.ContractName, "transfer",
                new SettlementContract.TransferArgs("gen-wind", 420_000_00, "PPA 2026-10 wind energy"), currentHeight),
        };
        var context = new DemoSeedContext(this, As, currentHeight, new Randomizer(_seed + 1), keyFor);
        var genesis = Genesis.Timestamp;
        List<DemoWave> waves = [new(certificates, genesis + 1_000), new(deposits, genesis + 2_000), new(payments, genesis + 3_000)];
        // History first (no seed's history draws from context.Random, so the undated waves' draws stay as they were).
        var history = ApplicationSeeds.SelectMany(seed => seed.History(context)).ToList();
        foreach (var wave in history)
            if (wave.At is not { } at || at < genesis + 3_000 || at > SeedingTime)
                throw new InvalidOperationException($"a dated demo wave must lie between the base waves ({genesis + 3_000}) and the seeding moment ({SeedingTime}): {wave.At}");
        waves.AddRange(history.OrderBy(w => w.At)); // stable: equal times keep seed and wave order
        waves.AddRange(ApplicationSeeds.SelectMany(seed => seed.Waves(context)).Select(w => new DemoWave(w)));
        return waves;
    }

    /// <summary>Every application's demo data, in the order they are seeded (one line per application).</summary>
    public static readonly IReadOnlyList<IDemoApplicationSeed> ApplicationSeeds =
    [
        new Registry.RegistrySeed(),
        new Metering.MeteringSeed(),
        new Evidence.EvidenceSeed(),
        new Insurance.InsuranceSeed(),
        new DemandResponse.DemandResponseSeed(),
        new Receivables.ReceivablesSeed(),
        new Vouchers.VoucherSeed(),
    ];
}
