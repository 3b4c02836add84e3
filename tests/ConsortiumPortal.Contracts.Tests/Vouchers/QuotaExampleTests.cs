using System.Globalization;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Vouchers;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>The worked quota example of docs/vouchers.md, rebuilt on a ledger: the documented figures are the computed ones.</summary>
public sealed class QuotaExampleTests
{
    private static Dictionary<string, string> Example()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "vouchers.md"))) dir = dir.Parent;
        var text = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "vouchers.md"));
        var block = text[(text.IndexOf("```quota-example", StringComparison.Ordinal) + 16)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2, StringSplitOptions.TrimEntries)).ToDictionary(p => p[0], p => p[1]);
    }

    [Fact]
    public void The_documented_example_is_what_the_ledger_computes()
    {
        var x = Example();
        long N(string key) => long.Parse(x[key], CultureInfo.InvariantCulture);
        using var chain = Create();
        // Retired vouchers: issued (whole hours of at most 100 MWh), moved to the entity and retired toward 2025.
        foreach (var (meter, mwh) in new[] { (WindMeter, N("retired_wind")), (HydroMeter, N("retired_hydro")) })
        {
            for (var (hour, left) = (0, mwh); left > 0; hour++, left -= 100)
            {
                var range = chain.IssueHour(hour, Math.Min(100, left), meter);
                var moved = chain.CommitOne(chain.TransferRange(meter == WindMeter ? WindOps : HydroOps, range.Id, range.Start, range.End, "retail-one"));
                TestChain.AssertOk(chain.CommitOne(chain.RetireRange(RetailOne, moved.Text("rangeId"), range.Start, range.End)));
            }
        }
        TestChain.AssertOk(chain.CommitOne(chain.SetPolicy("jiangsu", 2025, N("total_weight_bp"), N("non_hydro_weight_bp"))));
        TestChain.AssertOk(chain.CommitOne(chain.Tx(Reader, VoucherContract.ContractName, "reportConsumption", new VoucherContract.ReportConsumptionArgs(
            "retail-one", 2025, "jiangsu", N("consumption"), N("exempt"), N("renewable"), N("non_hydro_renewable"),
            N("green_certificates"), N("excess_sold"), N("non_hydro_excess_sold")))));

        var store = chain.Ledger.Store;
        var consumption = VoucherState.Read<EntityConsumption>(store, VoucherState.ConsumptionKey("retail-one", 2025))!;
        var policy = VoucherState.Read<QuotaPolicy>(store, VoucherState.PolicyKey("jiangsu", 2025));
        var result = QuotaCompletion.Compute(consumption, VoucherState.RetiredTotal(store, "retail-one", 2025, "total"),
            VoucherState.RetiredTotal(store, "retail-one", 2025, VoucherClasses.NonHydro), policy);

        Assert.Equal(N("retired_wind") + N("retired_hydro"), VoucherState.RetiredTotal(store, "retail-one", 2025, "total"));
        Assert.Equal(N("expect_total_bp"), result.TotalCompletionBp);
        Assert.Equal(N("expect_non_hydro_bp"), result.NonHydroCompletionBp);
        Assert.Equal(bool.Parse(x["expect_meets"]), result.Meets);
    }

    [Fact]
    public void Completion_rounds_down_and_an_empty_denominator_completes_nothing()
    {
        var c = new EntityConsumption("e", 2025, "jiangsu", 3, 0, 1, 1, 0, 0, 0, "r", "t");
        Assert.Equal(3_333, QuotaCompletion.Compute(c, 0, 0, null).TotalCompletionBp);
        Assert.True(QuotaCompletion.Compute(c, 0, 0, null).Meets);
        Assert.False(QuotaCompletion.Compute(c, 0, 0, new QuotaPolicy("jiangsu", 2025, 3_334, 0, "r", "t")).Meets);
        Assert.True(QuotaCompletion.Compute(c, 0, 0, new QuotaPolicy("jiangsu", 2025, 3_333, 3_333, "r", "t")).Meets);
    }
}
