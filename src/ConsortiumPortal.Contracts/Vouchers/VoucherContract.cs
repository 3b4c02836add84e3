using System.Globalization;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Contracts.Vouchers;

/// <summary>
/// Renewable consumption vouchers (one serial per MWh) from issuance to retirement.
/// <list type="bullet">
/// <item>Only a person acting as TradingCenter issues. From meter data the contract reads the quantity itself: the
/// meter's settled day statement (a whole day) or its on-chain readings (whole hours of a settled day); arguments never
/// carry it. From a settlement file the quantity is the file's (anchored by its SM3), bounded by the meter's capacity.
/// Every hour of a meter is issued at most once, whichever path issued it; energy below 1 MWh carries over.</item>
/// <item>Holders split, transfer, sell and retire sub-ranges. A range never changes its serials: the affected range is
/// closed and children are created, so quantity is conserved and every child traces to its issuance.</item>
/// <item>Retired and expired ranges never move again; a range past its expiry is refused by block time even before the
/// expiry job has marked it.</item>
/// </list>
/// </summary>
public sealed partial class VoucherContract : Contract
{
    public const string ContractName = "vouchers";
    public override string Name => ContractName;

    public const long WhPerMWh = 1_000_000;
    public const long HourMs = 3_600_000;
    public const int MaxExpireBatch = 500;

    public sealed record IssueFromMeterArgs(string MeterId, long PeriodStart, long PeriodEnd);
    public sealed record IssueFromSettlementArgs(string MeterId, long PeriodStart, long PeriodEnd, long EnergyWh, string SettlementFileSm3);
    public sealed record TransferArgs(string RangeId, long Start, long End, string To);
    public sealed record SplitArgs(string RangeId, long At);
    public sealed record RetireArgs(string RangeId, long Start, long End, string Purpose, string Beneficiary, string Reason, int Year);
    public sealed record ExpireArgs(IReadOnlyList<string> RangeIds);
    public sealed record ConfigureArgs(int ValidityYears);

    [ContractMethod("issueFromMeter")]
    public object IssueFromMeter(ContractContext ctx, IssueFromMeterArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        var meter = RequireGenerationMeter(ctx, args.MeterId);
        RequirePeriod(args.PeriodStart, args.PeriodEnd);
        var day = MeteringState.DayStartOf(args.PeriodStart);
        var statement = ctx.State.Get<MeterDayStatement>(MeterStatementsContract.StatementKey(meter.MeterId, day))
            ?? throw new ContractException($"meter \"{meter.MeterId}\" has no settled statement for {Date(day)}");
        long energy;
        if (args.PeriodStart == day && args.PeriodEnd == day + MeteringState.DayMs) energy = statement.EnergyWh;
        else
        {
            var readings = MeteringState.Readings(ctx.State, meter.MeterId, args.PeriodStart, args.PeriodEnd);
            var expected = (args.PeriodEnd - args.PeriodStart) / MeteringState.IntervalMs;
            ContractContext.Require(readings.Count == expected, $"meter \"{meter.MeterId}\" has {readings.Count} of {expected} readings for the period");
            energy = MeteringState.EnergyWh(readings);
        }
        return Issue(ctx, meter, args.PeriodStart, args.PeriodEnd, Math.Max(0, energy), "meter", null);
    }

    [ContractMethod("issueFromSettlement")]
    public object IssueFromSettlement(ContractContext ctx, IssueFromSettlementArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        var meter = RequireGenerationMeter(ctx, args.MeterId);
        RequirePeriod(args.PeriodStart, args.PeriodEnd);
        ContractContext.Require(args.PeriodEnd <= ctx.BlockTime, "a period is issued only once it is over");
        ContractContext.Require(args.EnergyWh >= 0, "energy must not be negative");
        ContractContext.Require(args.SettlementFileSm3 is { Length: 64 } && args.SettlementFileSm3.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)),
            "the settlement file is named by its SM3 (64 lower-case hex characters)");
        return Issue(ctx, meter, args.PeriodStart, args.PeriodEnd, args.EnergyWh, "settlement-file", args.SettlementFileSm3);
    }

    private static object Issue(ContractContext ctx, Meter meter, long start, long end, long energyWh, string source, string? fileSm3)
    {
        var hours = (end - start) / HourMs;
        var capacityWh = checked(meter.CapacityW * hours);
        ContractContext.Require(energyWh <= capacityWh,
            $"meter \"{meter.MeterId}\" cannot have produced {energyWh} Wh in {hours} h: its capacity of {meter.CapacityW} W allows at most {capacityWh} Wh");
        for (var hour = start; hour < end; hour += HourMs)
        {
            var key = VoucherState.IssuedKey(meter.MeterId, hour);
            ContractContext.Require(!ctx.State.Exists(key),
                $"meter \"{meter.MeterId}\" is already issued for {DateTimeOffset.FromUnixTimeMilliseconds(hour).UtcDateTime:yyyy-MM-dd HH}:00");
        }

        var carriedIn = ctx.State.GetInteger(VoucherState.RemainderKey(meter.MeterId));
        var available = carriedIn + energyWh;
        var quantity = available / WhPerMWh;
        var carriedOut = available % WhPerMWh;
        ctx.State.PutInteger(VoucherState.RemainderKey(meter.MeterId), carriedOut);

        string? issuanceId = null;
        if (quantity > 0)
        {
            var config = ctx.State.Get<VoucherConfig>(VoucherState.ConfigKey) ?? new VoucherConfig(1);
            issuanceId = VoucherState.IssuanceId(meter.MeterId, start);
            var first = ctx.State.GetInteger(VoucherState.NextSerialKey) + 1;
            ctx.State.PutInteger(VoucherState.NextSerialKey, first + quantity - 1);
            var voucherClass = meter.Technology == MeterTechnologies.Hydro ? VoucherClasses.Hydro : VoucherClasses.NonHydro;
            // Meters name provinces as registered ("Jiangsu"); quota policies use the registry's ids ("jiangsu").
            var province = Registry.Provinces.IsKnown(meter.Province.ToLowerInvariant()) ? meter.Province.ToLowerInvariant() : meter.Province;
            var issuance = new VoucherIssuance(issuanceId, meter.MeterId, meter.OrganisationId, meter.Technology!, voucherClass, province,
                start, end, first, quantity, energyWh, carriedIn, carriedOut, source, fileSm3, ctx.BlockTime,
                VoucherState.ExpiryFor(start, config.ValidityYears), ctx.Caller.CertificateId, ctx.Caller.OrganisationId, ctx.TxId);
            ctx.State.Put(VoucherState.IssuanceKey(issuanceId), issuance);
            ctx.State.Put(VoucherState.SerialIndexKey(first), issuanceId);
            var range = new VoucherRange(NewRangeId(ctx, issuanceId), issuanceId, null, first, first + quantity, meter.OrganisationId,
                RangeStatuses.Active, "issued", voucherClass, province, meter.Technology!, start, issuance.ExpiresAt, null,
                ctx.BlockTime, ctx.TxId, null, null);
            VoucherState.Save(ctx.State, range);
            ctx.Emit("VouchersIssued", new { issuanceId, rangeId = range.Id, meterId = meter.MeterId, producer = meter.OrganisationId, firstSerial = first, quantity });
        }
        for (var hour = start; hour < end; hour += HourMs)
            ctx.State.Put(VoucherState.IssuedKey(meter.MeterId, hour), issuanceId ?? "carried-over");
        if (quantity == 0) ctx.Emit("EnergyCarriedOver", new { meterId = meter.MeterId, periodStart = start, periodEnd = end, carriedOutWh = carriedOut });
        return new { issuanceId, quantity, carriedOutWh = carriedOut };
    }

    [ContractMethod("transfer")]
    public object Transfer(ContractContext ctx, TransferArgs args)
    {
        var range = RequireMovable(ctx, args.RangeId);
        ContractContext.Require(args.To != range.Owner, "a range is transferred to another organisation");
        Settlement.SettlementAccounts.RequireMember(ctx.State, args.To);
        var moved = Carve(ctx, range, args.Start, args.End, args.To, RangeStatuses.Active, "transfer", null);
        ctx.Emit("VouchersTransferred", new { rangeId = moved.Id, parentId = range.Id, from = range.Owner, to = args.To, start = moved.Start, end = moved.End });
        return new { rangeId = moved.Id, quantity = moved.Quantity };
    }

    [ContractMethod("split")]
    public object Split(ContractContext ctx, SplitArgs args)
    {
        var range = RequireMovable(ctx, args.RangeId);
        ContractContext.Require(args.At > range.Start && args.At < range.End, $"a split point lies strictly inside [{range.Start}, {range.End})");
        var children = CloseInto(ctx, range, [(range.Start, args.At, range.Owner, range.Status, "split", null), (args.At, range.End, range.Owner, range.Status, "split", null)]);
        ctx.Emit("VouchersSplit", new { parentId = range.Id, children = children.Select(c => c.Id).ToArray() });
        return new { children = children.Select(c => c.Id).ToArray() };
    }

    [ContractMethod("retire")]
    public object Retire(ContractContext ctx, RetireArgs args)
    {
        var range = RequireMovable(ctx, args.RangeId);
        ContractContext.Require(args.Purpose is RetirementPurposes.Quota or RetirementPurposes.Voluntary, "purpose is quota or voluntary");
        ContractContext.Require(args.Reason is { Length: > 0 and <= 256 }, "a retirement needs a reason (at most 256 characters)");
        ContractContext.Require(args.Year is >= 2000 and <= 2099, "year must be 2000..2099");
        string beneficiary;
        if (args.Purpose == RetirementPurposes.Quota)
        {
            // Quota retirement counts for the retiring organisation itself: it is the obligated entity.
            ContractContext.Require(ctx.Caller.Acts(Roles.Retailer) || ctx.Caller.Acts(Roles.Consumer),
                "only an obligated entity (a Retailer or Consumer) retires toward its consumption quota");
            ContractContext.Require(VoucherState.YearOf(range.PeriodStart) <= args.Year, "a voucher counts toward its production year or a later one");
            beneficiary = range.Owner;
        }
        else
        {
            ContractContext.Require(args.Beneficiary is { Length: > 0 and <= 128 }, "a voluntary retirement names its beneficiary (at most 128 characters)");
            beneficiary = args.Beneficiary;
        }
        var retired = Carve(ctx, range, args.Start, args.End, range.Owner, RangeStatuses.Retired, "retired", null);
        ctx.State.Put(VoucherState.RetirementKey(retired.Id), new VoucherRetirement(retired.Id, range.Owner, retired.Start, retired.End,
            args.Purpose, beneficiary, args.Reason, args.Year, range.VoucherClass, ctx.BlockTime, ctx.Caller.CertificateId, ctx.TxId));
        if (args.Purpose == RetirementPurposes.Quota)
        {
            Add(ctx, VoucherState.RetiredTotalKey(range.Owner, args.Year, "total"), retired.Quantity);
            if (range.VoucherClass == VoucherClasses.NonHydro) Add(ctx, VoucherState.RetiredTotalKey(range.Owner, args.Year, VoucherClasses.NonHydro), retired.Quantity);
        }
        ctx.Emit("VouchersRetired", new { rangeId = retired.Id, owner = range.Owner, quantity = retired.Quantity, purpose = args.Purpose, year = args.Year });
        return new { rangeId = retired.Id, quantity = retired.Quantity };
    }

    /// <summary>Marks ranges past their expiry as expired (the expiry job's transaction); an open order or deal on one is cancelled.</summary>
    [ContractMethod("expire")]
    public object Expire(ContractContext ctx, ExpireArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        ContractContext.Require(args.RangeIds is { Count: > 0 and <= MaxExpireBatch }, $"expire 1..{MaxExpireBatch} ranges at a time");
        ContractContext.Require(args.RangeIds.Distinct().Count() == args.RangeIds.Count, "a range is named twice");
        long quantity = 0;
        foreach (var id in args.RangeIds)
        {
            var range = GetRange(ctx, id);
            ContractContext.Require(RangeStatuses.IsLive(range.Status), $"range \"{id}\" is {range.Status}");
            ContractContext.Require(range.ExpiresAt <= ctx.BlockTime, $"range \"{id}\" has not expired");
            if (range.Status == RangeStatuses.Listed) ReleaseLock(ctx, range, "expired");
            VoucherState.Save(ctx.State, range with { Status = RangeStatuses.Expired, LockedBy = null, ChangedTxId = ctx.TxId });
            quantity += range.Quantity;
        }
        ctx.Emit("VouchersExpired", new { count = args.RangeIds.Count, quantity });
        return new { count = args.RangeIds.Count, quantity };
    }

    [ContractMethod("configure")]
    public object Configure(ContractContext ctx, ConfigureArgs args)
    {
        ctx.RequireRole(Roles.Regulator);
        ContractContext.Require(args.ValidityYears is >= 0 and <= 10, "validity is 0..10 years after the production year");
        ctx.State.Put(VoucherState.ConfigKey, new VoucherConfig(args.ValidityYears));
        ctx.Emit("VoucherValiditySet", new { validityYears = args.ValidityYears });
        return new { validityYears = args.ValidityYears };
    }

    // ---- ranges ---------------------------------------------------------------------------------------------

    private static Meter RequireGenerationMeter(ContractContext ctx, string meterId)
    {
        var meter = MeteringState.GetMeter(ctx.State, meterId) ?? throw new ContractException($"meter \"{meterId}\" is not registered");
        ContractContext.Require(meter.Type != MeterTypes.Consumption && meter.Technology is not null, $"meter \"{meterId}\" does not measure generation");
        return meter;
    }

    private static void RequirePeriod(long start, long end)
    {
        ContractContext.Require(start % HourMs == 0 && end % HourMs == 0, "a production period starts and ends on whole hours (UTC)");
        ContractContext.Require(start < end, "a production period ends after it starts");
        ContractContext.Require(MeteringState.DayStartOf(start) == MeteringState.DayStartOf(end - 1), "a production period lies within one day (UTC)");
        ContractContext.Require(start >= MeteringState.EarliestInterval && end <= MeteringState.LatestInterval, "a production period lies in 2000..2099");
    }

    internal static VoucherRange GetRange(ContractContext ctx, string rangeId)
    {
        ContractContext.Require(rangeId is { Length: > 0 and <= 96 } && rangeId.Contains('@') && rangeId.Contains('-'), "a range id looks like M-WIND-01@2025060100-000001");
        return ctx.State.Get<VoucherRange>(VoucherState.RangeKey(rangeId)) ?? throw new ContractException($"range \"{rangeId}\" does not exist");
    }

    /// <summary>A range the caller's organisation holds, may move now, and acts for: active and not past its expiry.</summary>
    internal static VoucherRange RequireMovable(ContractContext ctx, string rangeId)
    {
        var range = GetRange(ctx, rangeId);
        ContractContext.Require(range.Owner == ctx.Caller.OrganisationId, $"range \"{rangeId}\" is not held by {ctx.Caller.OrganisationId}");
        ContractContext.Require(ctx.Caller.ActsForBusiness, "only a person acting for the organisation's business moves its vouchers");
        ContractContext.Require(range.Status == RangeStatuses.Active, $"range \"{rangeId}\" is {range.Status}");
        ContractContext.Require(ctx.BlockTime < range.ExpiresAt, $"range \"{rangeId}\" expired at {range.ExpiresAt}");
        return range;
    }

    /// <summary>
    /// Gives [start, end) of a range its new owner and status, closing the range into up to three children (the part
    /// before, the part, the part after; the outer parts keep the range's owner and status). Returns the part.
    /// </summary>
    internal static VoucherRange Carve(ContractContext ctx, VoucherRange range, long start, long end, string owner, string status, string origin, string? lockedBy) =>
        CarveWithRest(ctx, range, start, end, owner, status, origin, lockedBy).Part;

    /// <summary>The same, also returning the part after [start, end) if there is one (what a partly filled sell order still offers).</summary>
    internal static (VoucherRange Part, VoucherRange? After) CarveWithRest(ContractContext ctx, VoucherRange range, long start, long end, string owner, string status, string origin, string? lockedBy)
    {
        ContractContext.Require(start >= range.Start && end <= range.End && start < end,
            $"[{start}, {end}) is not a non-empty part of range \"{range.Id}\" [{range.Start}, {range.End})");
        var parts = new List<(long, long, string, string, string, string?)>();
        if (start > range.Start) parts.Add((range.Start, start, range.Owner, range.Status, "split", range.LockedBy));
        var index = parts.Count;
        parts.Add((start, end, owner, status, origin, lockedBy));
        if (end < range.End) parts.Add((end, range.End, range.Owner, range.Status, "split", range.LockedBy));
        var children = CloseInto(ctx, range, parts);
        return (children[index], end < range.End ? children[^1] : null);
    }

    private static List<VoucherRange> CloseInto(ContractContext ctx, VoucherRange range, IReadOnlyList<(long Start, long End, string Owner, string Status, string Origin, string? LockedBy)> parts)
    {
        var children = parts.Select(p => range with
        {
            Id = NewRangeId(ctx, range.IssuanceId), ParentId = range.Id, Start = p.Start, End = p.End, Owner = p.Owner, Status = p.Status,
            Origin = p.Origin, LockedBy = p.LockedBy, CreatedAt = ctx.BlockTime, TxId = ctx.TxId, ChangedTxId = null, Children = null,
        }).ToList();
        VoucherState.Save(ctx.State, range with { Status = RangeStatuses.Closed, ChangedTxId = ctx.TxId, Children = children.Select(c => c.Id).ToList() });
        foreach (var child in children) VoucherState.Save(ctx.State, child);
        return children;
    }

    private static string NewRangeId(ContractContext ctx, string issuanceId) =>
        VoucherState.RangeId(issuanceId, VoucherState.NextSequence(ctx.State, VoucherState.RangeSeqPrefix + issuanceId));

    private static void Add(ContractContext ctx, string key, long amount) => ctx.State.PutInteger(key, checked(ctx.State.GetInteger(key) + amount));

    private static string Date(long day) => DateTimeOffset.FromUnixTimeMilliseconds(day).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
