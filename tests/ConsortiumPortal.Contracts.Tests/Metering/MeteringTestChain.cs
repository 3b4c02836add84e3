using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>A test consortium with two grid companies, generators and consumers, and metering transactions on it.</summary>
internal static class MeteringTestChain
{
    public const string EastReader = "grid-east/reader";
    public const string WestReader = "grid-west/reader";
    public const string EastAdminOnly = "grid-east/admin";
    public const string GeneratorOps = "gen-one/ops";
    public const string RegulatorAuditor = "regulator/auditor";

    /// <summary>2025-12-31T00:00:00Z: a day before the test genesis, so its intervals have all ended.</summary>
    public const long Day = TestChain.GenesisTime - MeteringState.DayMs;
    public const long Q = MeteringState.IntervalMs;

    public static readonly OrgSpec[] Organisations =
    [
        new("grid-east", Roles.GridCompany),
        new("grid-west", Roles.GridCompany),
        new("gen-one", Roles.Generator),
        new("consumer-one", Roles.Consumer),
        new("regulator", Roles.Regulator),
    ];

    /// <summary>A chain with people: a meter reader at each grid company, a grid admin without the role, a generator operator, an auditor.</summary>
    public static TestChain Create()
    {
        var chain = new TestChain(Organisations);
        chain.IssuePerson("grid-east", "reader", Roles.GridCompany);
        chain.IssuePerson("grid-west", "reader", Roles.GridCompany);
        chain.IssuePerson("grid-east", "admin", Roles.OrgAdmin);
        chain.IssuePerson("gen-one", "ops", Roles.Generator);
        chain.IssuePerson("regulator", "auditor", Roles.Regulator);
        return chain;
    }

    public static SignedTransaction Register(this TestChain chain, string signer, string meterId, string organisation = "gen-one",
        string type = MeterTypes.Generation, string? technology = MeterTechnologies.Wind, long capacityW = 4_000_000,
        string feeder = "F-1", string province = "Jiangsu") =>
        chain.Tx(signer, MeteringContract.ContractName, "registerMeter", new MeteringContract.RegisterMeterArgs(
            meterId, organisation, "site-1", type, technology, capacityW, province, "Rudong offshore", feeder));

    public static void RegisterOk(this TestChain chain, string signer, string meterId, string organisation = "gen-one",
        string type = MeterTypes.Generation, string? technology = MeterTechnologies.Wind, long capacityW = 4_000_000, string feeder = "F-1") =>
        TestChain.AssertOk(chain.CommitOne(chain.Register(signer, meterId, organisation, type, technology, capacityW, feeder)));

    public static SignedTransaction Readings(this TestChain chain, string signer, params MeteringContract.ReadingSeries[] series) =>
        chain.Tx(signer, MeteringContract.ContractName, "recordReadings", new MeteringContract.RecordReadingsArgs(series));

    public static MeteringContract.ReadingSeries Series(string meterId, long start, params long[] wh) => new(meterId, start, wh);

    public static SignedTransaction Correct(this TestChain chain, string signer, string meterId, long start, long wh, string reason = "meter replaced, register re-read") =>
        chain.Tx(signer, MeteringContract.ContractName, "correctReading", new MeteringContract.CorrectReadingArgs(meterId, start, wh, reason));

    public static SignedTransaction StartOutage(this TestChain chain, string signer, string outageId, string[]? meterIds, string? feeder, long start, bool planned = false, string cause = "storm") =>
        chain.Tx(signer, MeteringContract.ContractName, "startOutage", new MeteringContract.StartOutageArgs(outageId, meterIds, feeder, start, planned, cause));

    public static SignedTransaction Restore(this TestChain chain, string signer, string outageId, long end) =>
        chain.Tx(signer, MeteringContract.ContractName, "restoreOutage", new MeteringContract.RestoreOutageArgs(outageId, end));

    public static IReadOnlyList<IntervalReading> ReadingsOf(this TestChain chain, string meterId, long from = Day, long to = TestChain.GenesisTime) =>
        MeteringState.Readings(chain.Ledger.Store, meterId, from, to);

    /// <summary>Every metering reading row in world state: what "recorded once" is checked against.</summary>
    public static int ReadingRows(this TestChain chain) => chain.Ledger.Store.Scan(MeteringState.ReadingPrefix).Count();

    public static long Long(this TxResult result, string property) => result.Output!.Value.GetProperty(property).GetInt64();
}
