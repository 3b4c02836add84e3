using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Vouchers;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>Issuance: from settled meter data or a settlement file, by the trading centre only, once per meter-hour, within capacity.</summary>
public sealed class VoucherIssuanceTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public void Dispose() => _chain.Dispose();

    private void RecordAndSettle(string meter, long day, long whPerInterval)
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Tx(Reader, MeteringContract.ContractName, "recordReadings", new MeteringContract.RecordReadingsArgs(
            [new MeteringContract.ReadingSeries(meter, day, Enumerable.Repeat(whPerInterval, MeteringState.IntervalsPerDay).ToArray())]))));
        TestChain.AssertOk(_chain.CommitOne(_chain.Tx(Reader, MeterStatementsContract.ContractName, "settleDay", new MeterStatementsContract.SettleDayArgs(meter, day))));
    }

    [Fact]
    public void A_settled_day_is_issued_from_its_statement_and_the_remainder_below_one_MWh_carries_over()
    {
        // 96 x 2,604,200 Wh = 250,003,200 Wh: 250 MWh and 3,200 Wh carried to the next day.
        RecordAndSettle(WindMeter, Day, 2_604_200);
        var result = _chain.CommitOne(_chain.IssueMeter(WindMeter, Day, Day + MeteringState.DayMs));
        TestChain.AssertOk(result);
        Assert.Equal(250, result.Number("quantity"));
        Assert.Equal(3_200, result.Number("carriedOutWh"));
        var issuance = Assert.Single(_chain.Issuances());
        Assert.Equal(("gen-wind", VoucherClasses.NonHydro, "jiangsu", 1L, 250L), (issuance.ProducerId, issuance.VoucherClass, issuance.Province, issuance.FirstSerial, issuance.Quantity));
        Assert.Equal(Issuer, issuance.IssuedBy);
        Assert.Equal(VoucherState.StartOfYear(2027), issuance.ExpiresAt); // end of the year after 2025
        var range = Assert.Single(_chain.HoldingsOf("gen-wind"));
        Assert.Equal((1L, 251L, RangeStatuses.Active), (range.Start, range.End, range.Status));

        // Next day: 96 x 1,041,633 = 99,996,768 Wh + 3,200 carried = 99,999,968 Wh -> 99 MWh, 999,968 Wh carried.
        RecordAndSettle(WindMeter, Day + MeteringState.DayMs, 1_041_633);
        var next = _chain.CommitOne(_chain.IssueMeter(WindMeter, Day + MeteringState.DayMs, Day + 2 * MeteringState.DayMs));
        TestChain.AssertOk(next);
        Assert.Equal(99, next.Number("quantity"));
        Assert.Equal(999_968, next.Number("carriedOutWh"));
        Assert.Equal(251, _chain.Issuances()[1].FirstSerial);
    }

    [Fact]
    public void Issuing_the_same_meter_interval_twice_is_refused_by_either_path()
    {
        RecordAndSettle(WindMeter, Day, 1_000_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueMeter(WindMeter, Day, Day + MeteringState.DayMs)));
        _chain.Refuse(_chain.IssueMeter(WindMeter, Day, Day + MeteringState.DayMs), "already issued for 2025-06-01 00:00");
        _chain.Refuse(_chain.IssueMeter(WindMeter, Day + 5 * Hour, Day + 6 * Hour), "already issued for 2025-06-01 05:00");
        _chain.Refuse(_chain.IssueFile(WindMeter, Day + 23 * Hour, Day + 24 * Hour, 1_000_000), "already issued for 2025-06-01 23:00");

        // Hour by hour: issuing hour 3 of another day, then the day that contains it, is refused.
        var day2 = Day + MeteringState.DayMs;
        RecordAndSettle(WindMeter, day2, 1_000_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueMeter(WindMeter, day2 + 3 * Hour, day2 + 4 * Hour)));
        _chain.Refuse(_chain.IssueMeter(WindMeter, day2, day2 + MeteringState.DayMs), "already issued for 2025-06-02 03:00");
        Assert.Equal(2, _chain.Issuances().Count);
    }

    [Fact]
    public void Issuing_above_the_meter_capacity_is_refused()
    {
        // 100 MW for 2 hours: at most 200 MWh.
        _chain.Refuse(_chain.IssueFile(WindMeter, Day, Day + 2 * Hour, 200_000_001), "capacity of 100000000 W allows at most 200000000 Wh");
        TestChain.AssertOk(_chain.CommitOne(_chain.IssueFile(WindMeter, Day, Day + 2 * Hour, 200_000_000)));
        Assert.Equal(200, _chain.Held("gen-wind"));
    }

    [Fact]
    public void Only_the_trading_centre_issues_only_generation_meters_only_settled_whole_hours()
    {
        _chain.Refuse(_chain.IssueFile(WindMeter, Day, Day + Hour, 5_000_000, WindOps), "only a TradingCenter");
        _chain.Refuse(_chain.IssueFile(WindMeter, Day, Day + Hour, 5_000_000, Reader), "only a TradingCenter");
        _chain.Refuse(_chain.IssueFile("M-LOAD-1", Day, Day + Hour, 5_000_000), "does not measure generation");
        _chain.Refuse(_chain.IssueFile("M-NONE", Day, Day + Hour, 5_000_000), "not registered");
        _chain.Refuse(_chain.IssueFile(WindMeter, Day + 1, Day + Hour, 5_000_000), "whole hours");
        _chain.Refuse(_chain.IssueFile(WindMeter, Day + 20 * Hour, Day + 26 * Hour, 5_000_000), "within one day");
        _chain.Refuse(_chain.IssueFile(WindMeter, Day, Day + Hour, -1), "negative");
        _chain.Refuse(_chain.IssueFile(WindMeter, TestChain.GenesisTime, TestChain.GenesisTime + Hour, 1), "once it is over");
        // The meter path needs the day's statement: readings alone are not enough.
        _chain.Refuse(_chain.IssueMeter(WindMeter, Day, Day + MeteringState.DayMs), "no settled statement for 2025-06-01");
    }

    [Fact]
    public void Hydro_is_its_own_class_and_the_validity_is_configurable_by_the_regulator()
    {
        _chain.Refuse(_chain.Tx(Issuer, VoucherContract.ContractName, "configure", new VoucherContract.ConfigureArgs(2)), "only a Regulator");
        TestChain.AssertOk(_chain.CommitOne(_chain.Tx(Auditor, VoucherContract.ContractName, "configure", new VoucherContract.ConfigureArgs(2))));
        var hydro = _chain.IssueHour(0, 10, HydroMeter);
        Assert.Equal((VoucherClasses.Hydro, "sichuan", "hydro"), (hydro.VoucherClass, hydro.Province, hydro.Technology));
        Assert.Equal(VoucherState.StartOfYear(2028), hydro.ExpiresAt);
    }
}
