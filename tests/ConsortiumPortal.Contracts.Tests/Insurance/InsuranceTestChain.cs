using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Tests.Metering;

namespace ConsortiumPortal.Contracts.Tests.Insurance;

/// <summary>
/// A consortium with a grid company, two insurers, two consumers and a bank; consumption meters with seven days of flat
/// history (1,000 Wh per quarter hour = 4 kW) before genesis; money in every account that needs it.
/// </summary>
internal static class InsuranceTestChain
{
    public const string Grid = "grid-east/reader";
    public const string Underwriter = "pic-insure/uw";
    public const string OtherUnderwriter = "other-insure/uw";
    public const string SteelBuyer = "steel-works/buyer";
    public const string DataBuyer = "data-park/buyer";
    public const string SteelAdmin = "steel-works/admin";
    public const string Teller = "bank-a/teller";
    public const string Auditor = "regulator/auditor";

    public const long G = TestChain.GenesisTime;
    public const long Hour = 3_600_000;
    public const long Minute = 60_000;
    public const long Day = MeteringState.DayMs;
    public const long FlatWh = 1_000;

    public static readonly OrgSpec[] Organisations =
    [
        new("grid-east", Roles.GridCompany),
        new("pic-insure", Roles.Insurer),
        new("other-insure", Roles.Insurer),
        new("steel-works", Roles.Consumer),
        new("data-park", Roles.Consumer),
        new("gen-one", Roles.Generator),
        new("bank-a", Roles.Bank),
        new("regulator", Roles.Regulator),
    ];

    public static TestChain Create(long insurerFunds = 100_000_000)
    {
        var chain = new TestChain(Organisations);
        chain.IssuePerson("grid-east", "reader", Roles.GridCompany);
        chain.IssuePerson("pic-insure", "uw", Roles.Insurer);
        chain.IssuePerson("other-insure", "uw", Roles.Insurer);
        chain.IssuePerson("steel-works", "buyer", Roles.Consumer);
        chain.IssuePerson("data-park", "buyer", Roles.Consumer);
        chain.IssuePerson("steel-works", "admin", Roles.OrgAdmin);
        chain.IssuePerson("bank-a", "teller", Roles.Bank);
        chain.IssuePerson("regulator", "auditor", Roles.Regulator);
        chain.RegisterOk(Grid, "M-STEEL", "steel-works", MeterTypes.Consumption, null, 4_000_000, "F-1");
        chain.RegisterOk(Grid, "M-DATA", "data-park", MeterTypes.Consumption, null, 4_000_000, "F-1");
        chain.RegisterOk(Grid, "M-GEN", "gen-one", MeterTypes.Generation, MeterTechnologies.Wind, 4_000_000, "F-2");
        var history = Enumerable.Repeat(FlatWh, 7 * MeteringState.IntervalsPerDay).ToArray();
        TestChain.AssertOk(chain.CommitOne(chain.Readings(Grid,
            MeteringTestChain.Series("M-STEEL", G - 7 * Day, history), MeteringTestChain.Series("M-DATA", G - 7 * Day, history))));
        foreach (var (org, amount) in new[] { ("steel-works", 10_000_000L), ("data-park", 10_000_000L), ("pic-insure", insurerFunds) })
            if (amount > 0) TestChain.AssertOk(chain.CommitOne(chain.Deposit(Teller, org, amount)));
        return chain;
    }

    public static ProductTerms Hourly(long threshold = 60, long deductible = 30, long ratePerHour = 10_000, long eventCap = 1_000_000, long periodCap = 5_000_000,
        string[]? industries = null) =>
        new("Outage cover", [CustomerClasses.Industrial, CustomerClasses.Commercial], industries ?? [], threshold, deductible, PayoutBases.Hourly,
            ratePerHour, 0, eventCap, periodCap, [new(CustomerClasses.Industrial, 200), new(CustomerClasses.Commercial, 300)]);

    public static ProductTerms LostLoad(long ratePerKwh = 500, long threshold = 60, long deductible = 30) =>
        new("Lost-load cover", [CustomerClasses.Industrial], [], threshold, deductible, PayoutBases.LostLoad, 0, ratePerKwh, 1_000_000, 5_000_000,
            [new(CustomerClasses.Industrial, 200)]);

    public static SignedTransaction Publish(this TestChain chain, string signer, string productId, ProductTerms terms) =>
        chain.Tx(signer, InsuranceContract.ContractName, "publishProduct", new InsuranceContract.PublishProductArgs(productId, terms));

    public static SignedTransaction Apply(this TestChain chain, string signer, string policyId, string productId = "cover", string meterId = "M-STEEL",
        long? start = null, long? end = null, string customerClass = CustomerClasses.Industrial, string industry = "steel") =>
        chain.Tx(signer, InsuranceContract.ContractName, "apply",
            new InsuranceContract.ApplyArgs(policyId, productId, meterId, customerClass, industry, start ?? G + Hour, end ?? G + 30 * Day));

    public static SignedTransaction Call(this TestChain chain, string signer, string method, object args) =>
        chain.Tx(signer, InsuranceContract.ContractName, method, args);

    public static SignedTransaction Policy(this TestChain chain, string signer, string method, string policyId) =>
        chain.Call(signer, method, new InsuranceContract.PolicyArgs(policyId));

    public static SignedTransaction Activate(this TestChain chain, string signer, string policyId, bool acceptBackdated = false) =>
        chain.Call(signer, "activate", new InsuranceContract.ActivateArgs(policyId, acceptBackdated));

    /// <summary>Applies, pays the premium and has the insurer activate: an active policy.</summary>
    public static void Buy(this TestChain chain, string policyId, string productId = "cover", string buyer = SteelBuyer, string meterId = "M-STEEL",
        long? start = null, long? end = null, string underwriter = Underwriter)
    {
        TestChain.AssertOk(chain.CommitOne(chain.Apply(buyer, policyId, productId, meterId, start, end)));
        TestChain.AssertOk(chain.CommitOne(chain.Policy(buyer, "payPremium", policyId)));
        TestChain.AssertOk(chain.CommitOne(chain.Activate(underwriter, policyId)));
    }

    /// <summary>Records an outage [start, end) on meters (or a feeder) and its restoration, moving the clock past the end.</summary>
    public static void Outage(this TestChain chain, string outageId, long start, long end, string[]? meters = null, string? feeder = null, bool planned = false)
    {
        chain.Now = Math.Max(chain.Now, end + 1_000);
        TestChain.AssertOk(chain.CommitOne(chain.StartOutage(Grid, outageId, feeder is null ? meters ?? ["M-STEEL"] : null, feeder, start, planned)));
        TestChain.AssertOk(chain.CommitOne(chain.Restore(Grid, outageId, end)));
    }

    public static SignedTransaction Evaluate(this TestChain chain, string outageId, string? cursor = null, int? limit = null, string signer = Grid) =>
        chain.Call(signer, "evaluateOutage", new InsuranceContract.EvaluateOutageArgs(outageId, cursor, limit));

    public static TxResult EvaluateOk(this TestChain chain, string outageId, string? cursor = null, int? limit = null)
    {
        var result = chain.CommitOne(chain.Evaluate(outageId, cursor, limit));
        TestChain.AssertOk(result);
        return result;
    }

    public static Claim? ClaimOf(this TestChain chain, string policyId, string outageId) => InsuranceState.GetClaim(chain.Ledger.Store, policyId, outageId);

    public static Policy PolicyOf(this TestChain chain, string policyId) => InsuranceState.GetPolicy(chain.Ledger.Store, policyId)!;
}
