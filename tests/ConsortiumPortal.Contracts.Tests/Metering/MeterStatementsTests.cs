using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Contracts.Metering;
using static ConsortiumPortal.Contracts.Tests.Metering.MeteringTestChain;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>A meter's day is settled once, by its own grid company, only when all 96 readings are in and the day is over.</summary>
public sealed class MeterStatementsTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public MeterStatementsTests()
    {
        _chain.RegisterOk(EastReader, "M-WIND-1", capacityW: 4_000_000);
        _chain.RegisterOk(WestReader, "M-WEST-1", "consumer-one", MeterTypes.Consumption, null, 400_000, "F-9");
    }

    public void Dispose() => _chain.Dispose();

    private static long[] FullDay(long wh) => Enumerable.Repeat(wh, MeteringState.IntervalsPerDay).ToArray();

    private Chain.Model.SignedTransaction Settle(string signer, string meterId, long day) =>
        _chain.Tx(signer, MeterStatementsContract.ContractName, "settleDay", new MeterStatementsContract.SettleDayArgs(meterId, day));

    private MeterDayStatement? Statement(string meterId, long day) =>
        _chain.Ledger.Store.Get(MeterStatementsContract.StatementKey(meterId, day)) is { } json
            ? CanonicalJson.Deserialize<MeterDayStatement>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    [Fact]
    public void A_complete_day_is_settled_once_with_its_energy()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, FullDay(1_000)))));
        var result = _chain.CommitOne(Settle(EastReader, "M-WIND-1", Day));
        TestChain.AssertOk(result);
        Assert.Equal("MeterDaySettled", Assert.Single(result.Events).Name);
        var statement = Statement("M-WIND-1", Day)!;
        Assert.Equal(96_000, statement.EnergyWh);
        Assert.Equal("gen-one", statement.OrganisationId);
        Assert.Equal(0, statement.CorrectedIntervals);

        _chain.Refuse(Settle(EastReader, "M-WIND-1", Day), "already settled");
    }

    [Fact]
    public void An_incomplete_day_a_day_not_over_a_misaligned_day_and_an_unknown_meter_are_refused()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, FullDay(1_000)[..95]))));
        _chain.Refuse(Settle(EastReader, "M-WIND-1", Day), "95 of 96 readings");
        _chain.Refuse(Settle(EastReader, "M-WIND-1", TestChain.GenesisTime), "once it is over");
        _chain.Refuse(Settle(EastReader, "M-WIND-1", Day + Q), "00:00 UTC");
        _chain.Refuse(Settle(EastReader, "M-NONE", Day), "not registered");
    }

    [Fact]
    public void Only_the_serving_grid_company_settles_and_only_as_a_grid_company_person()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, FullDay(10)))));
        _chain.Refuse(Settle(WestReader, "M-WIND-1", Day), "grid company serving");
        _chain.Refuse(Settle(GeneratorOps, "M-WIND-1", Day), "only a GridCompany");
        _chain.Refuse(Settle(EastAdminOnly, "M-WIND-1", Day), "only a GridCompany");
        _chain.Refuse(Settle(RegulatorAuditor, "M-WIND-1", Day), "only a GridCompany");
        Assert.Null(Statement("M-WIND-1", Day));
    }

    [Fact]
    public void A_statement_counts_corrected_intervals_and_uses_the_corrected_values()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Readings(EastReader, Series("M-WIND-1", Day, FullDay(1_000)))));
        TestChain.AssertOk(_chain.CommitOne(_chain.Correct(EastReader, "M-WIND-1", Day + 5 * Q, 1_500)));
        TestChain.AssertOk(_chain.CommitOne(Settle(EastReader, "M-WIND-1", Day)));
        var statement = Statement("M-WIND-1", Day)!;
        Assert.Equal(96_500, statement.EnergyWh);
        Assert.Equal(1, statement.CorrectedIntervals);
    }
}
