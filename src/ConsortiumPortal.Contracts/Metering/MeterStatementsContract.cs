using System.Globalization;
using ConsortiumPortal.Chain.Execution;

namespace ConsortiumPortal.Contracts.Metering;

/// <summary>A meter's settled day: the energy its 96 readings hold, fixed by the serving grid company.</summary>
public sealed record MeterDayStatement(
    string MeterId, string OrganisationId, string Type, string? Technology, string Province, long Day, long EnergyWh,
    int CorrectedIntervals, string SettledBy, string TxId, long SettledAt);

/// <summary>
/// Daily meter statements: once all 96 readings of a meter's day (UTC) are on chain and the day is over, the meter's
/// serving grid company settles it: one statement per meter and day, never two. Applications that pay on energy (voucher
/// issuance from settled renewable generation) read statements, not raw readings, so a late correction cannot change
/// what was already paid; a correction after settlement is visible next to the statement through the readings.
/// </summary>
public sealed class MeterStatementsContract : Contract
{
    public const string ContractName = "meter-statements";
    public const string StatementPrefix = "meter-statements/day/";
    public override string Name => ContractName;

    public sealed record SettleDayArgs(string MeterId, long Day);

    public static string StatementKey(string meterId, long day) =>
        $"{StatementPrefix}{meterId}/{DateTimeOffset.FromUnixTimeMilliseconds(day).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    [ContractMethod("settleDay")]
    public MeterDayStatement SettleDay(ContractContext ctx, SettleDayArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        var meter = MeteringState.GetMeter(ctx.State, args.MeterId) ?? throw new ContractException($"meter \"{args.MeterId}\" is not registered");
        ContractContext.Require(meter.GridCompanyId == ctx.Caller.OrganisationId, $"only {meter.GridCompanyId}, the grid company serving meter \"{meter.MeterId}\", settles its days");
        ContractContext.Require(args.Day == MeteringState.DayStartOf(args.Day), "a day starts at 00:00 UTC");
        ContractContext.Require(args.Day + MeteringState.DayMs <= ctx.BlockTime, "a day is settled only once it is over");
        var key = StatementKey(meter.MeterId, args.Day);
        ContractContext.Require(!ctx.State.Exists(key), $"meter \"{meter.MeterId}\" is already settled for {Date(args.Day)}");
        var readings = MeteringState.Readings(ctx.State, meter.MeterId, args.Day, args.Day + MeteringState.DayMs);
        ContractContext.Require(readings.Count == MeteringState.IntervalsPerDay,
            $"meter \"{meter.MeterId}\" has {readings.Count} of {MeteringState.IntervalsPerDay} readings for {Date(args.Day)}");
        var statement = new MeterDayStatement(meter.MeterId, meter.OrganisationId, meter.Type, meter.Technology, meter.Province, args.Day,
            MeteringState.EnergyWh(readings), readings.Count(r => r.Corrected), ctx.Caller.CertificateId, ctx.TxId, ctx.BlockTime);
        ctx.State.Put(key, statement);
        ctx.Emit("MeterDaySettled", new { meterId = meter.MeterId, organisationId = meter.OrganisationId, day = args.Day, energyWh = statement.EnergyWh });
        return statement;
    }

    private static string Date(long day) => DateTimeOffset.FromUnixTimeMilliseconds(day).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
