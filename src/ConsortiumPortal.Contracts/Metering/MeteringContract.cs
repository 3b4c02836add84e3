using System.Globalization;
using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;

namespace ConsortiumPortal.Contracts.Metering;

/// <summary>
/// Meters, their 15-minute readings and outages, written by the grid company that owns the metering.
/// <list type="bullet">
/// <item>A person acting as GridCompany registers a meter to a member organisation (the site owner); their organisation
/// becomes the meter's serving grid company, and only people acting as GridCompany for THAT organisation submit its
/// readings, corrections and outages. A reading for a meter served by another organisation is refused, and so is any
/// write by a generator or consumer: they read their meter data, they do not write it.</item>
/// <item>A readings batch is one transaction and all-or-nothing: one bad reading (unknown meter, another organisation's
/// meter, misaligned or future interval, above capacity, a different value for an interval already recorded, the same
/// interval twice in the batch) refuses the whole batch with a reason naming it. A reading equal to what is already
/// recorded is counted as already recorded and changes nothing, so submitting the same batch twice is harmless. The
/// API and CSV import validate row by row first and submit only the valid rows (docs/metering.md).</item>
/// <item>A recorded interval changes only by <c>correctReading</c> with a reason; the reading keeps its original value
/// and every correction is kept under its own key.</item>
/// <item>Every transaction that changes a meter-day's readings also rewrites that day's packed row (<see cref="MeterDay"/>)
/// from them, so readers of many days (demand-response baselines) read a row a day instead of 96.</item>
/// </list>
/// </summary>
public sealed partial class MeteringContract : Contract
{
    public const string ContractName = "metering";
    public override string Name => ContractName;

    /// <summary>Bounds one batch's execution; the 64 KiB body limit bounds it further.</summary>
    public const int MaxReadingsPerBatch = 10_000;

    /// <summary>10 GW: more than any single meter on the network.</summary>
    public const long MaxCapacityW = 10_000_000_000;

    public sealed record RegisterMeterArgs(
        string MeterId, string OrganisationId, string SiteId, string Type, string? Technology, long CapacityW,
        string Province, string Location, string FeederId);

    /// <summary>Consecutive 15-minute readings of one meter: Wh[i] is the interval starting at Start + i x 15 min.</summary>
    public sealed record ReadingSeries(string MeterId, long Start, IReadOnlyList<long> Wh);

    public sealed record RecordReadingsArgs(IReadOnlyList<ReadingSeries> Series);

    public sealed record CorrectReadingArgs(string MeterId, long IntervalStart, long Wh, string Reason);

    public sealed record StartOutageArgs(string OutageId, IReadOnlyList<string>? MeterIds, string? FeederId, long Start, bool Planned, string Cause);

    public sealed record RestoreOutageArgs(string OutageId, long End);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    [ContractMethod("registerMeter")]
    public object RegisterMeter(ContractContext ctx, RegisterMeterArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        RequireId(args.MeterId, "meter id");
        RequireId(args.SiteId, "site id");
        RequireId(args.FeederId, "feeder id");
        ContractContext.Require(ctx.State.Exists(MembershipContract.Keys.Organisation(args.OrganisationId)),
            $"organisation {args.OrganisationId} is not a member of the consortium");
        ContractContext.Require(MeterTypes.All.Contains(args.Type), "type must be generation, consumption or both");
        if (args.Type == MeterTypes.Consumption)
            ContractContext.Require(args.Technology is null, "a consumption meter has no generation technology");
        else
            ContractContext.Require(args.Technology is not null && MeterTechnologies.All.Contains(args.Technology),
                "a generation meter needs a technology: wind, solar, hydro, biomass or other");
        ContractContext.Require(args.CapacityW is >= 4 and <= MaxCapacityW, $"capacity must be 4..{MaxCapacityW} W");
        RequireText(args.Province, 64, "province");
        RequireText(args.Location, 128, "location");
        ContractContext.Require(!ctx.State.Exists(MeteringState.MeterKey(args.MeterId)), $"meter {args.MeterId} is already registered");

        var meter = new Meter(args.MeterId, args.OrganisationId, args.SiteId, args.Type, args.Technology, args.CapacityW,
            args.Province, args.Location, args.FeederId, ctx.Caller.OrganisationId, ctx.BlockTime, ctx.Height);
        ctx.State.Put(MeteringState.MeterKey(meter.MeterId), meter);
        ctx.State.PutInteger(MeteringState.FeederMeterKey(meter.FeederId, meter.MeterId), 1);
        ctx.Emit("MeterRegistered", new { meterId = meter.MeterId, organisationId = meter.OrganisationId, gridCompanyId = meter.GridCompanyId, feederId = meter.FeederId });
        return new { meterId = meter.MeterId };
    }

    [ContractMethod("recordReadings")]
    public object RecordReadings(ContractContext ctx, RecordReadingsArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        ContractContext.Require(args.Series.Count > 0, "a batch needs at least one reading");
        var total = 0L;
        foreach (var series in args.Series) total += series.Wh.Count;
        ContractContext.Require(total is > 0 and <= MaxReadingsPerBatch, $"a batch holds 1..{MaxReadingsPerBatch} readings");

        var meters = new Dictionary<string, Meter>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var recordedMeters = new SortedSet<string>(StringComparer.Ordinal);
        var recordedByDay = new Dictionary<(string Meter, long Day), Dictionary<string, StoredReading>>();
        var changedDays = new HashSet<(string Meter, long Day)>();
        long recorded = 0, already = 0, from = long.MaxValue, to = long.MinValue;
        foreach (var series in args.Series)
        {
            if (!meters.TryGetValue(series.MeterId, out var meter))
            {
                meter = RequireServedMeter(ctx, series.MeterId);
                meters[series.MeterId] = meter;
            }
            for (var i = 0; i < series.Wh.Count; i++)
            {
                var start = series.Start + i * MeteringState.IntervalMs;
                var wh = series.Wh[i];
                RequireInterval(ctx, meter.MeterId, start);
                RequireWithinCapacity(meter, start, wh);
                var key = MeteringState.ReadingKey(meter.MeterId, start);
                if (!seen.Add(key)) throw new ContractException($"meter {meter.MeterId} interval {Iso(start)} appears twice in the batch");
                var day = (meter.MeterId, MeteringState.DayStartOf(start));
                var dayReadings = RecordedOn(ctx, recordedByDay, day);
                if (dayReadings.GetValueOrDefault(key) is { } existing)
                {
                    if (existing.Wh != wh && existing.OriginalWh != wh)
                        throw new ContractException($"meter {meter.MeterId} interval {Iso(start)} is already recorded as {existing.Wh} Wh; change it with a correction and a reason");
                    already++;
                    continue;
                }
                var reading = new StoredReading(wh);
                ctx.State.Put(key, reading);
                dayReadings[key] = reading;
                changedDays.Add(day);
                recorded++;
                recordedMeters.Add(meter.MeterId);
                from = Math.Min(from, start);
                to = Math.Max(to, start + MeteringState.IntervalMs);
            }
        }
        foreach (var day in changedDays) PutDay(ctx, day.Meter, day.Day, recordedByDay[day]);
        if (recorded > 0)
            ctx.Emit("ReadingsRecorded", new { meterIds = recordedMeters.ToArray(), from, to, count = recorded });
        return new { recorded, alreadyRecorded = already };
    }

    [ContractMethod("correctReading")]
    public object CorrectReading(ContractContext ctx, CorrectReadingArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        var meter = RequireServedMeter(ctx, args.MeterId);
        RequireText(args.Reason, 256, "correction reason");
        ContractContext.Require(MeteringState.IsAligned(args.IntervalStart), $"interval start {args.IntervalStart} is not on a 15-minute boundary");
        var key = MeteringState.ReadingKey(meter.MeterId, args.IntervalStart);
        var existing = ctx.State.Get<StoredReading>(key)
            ?? throw new ContractException($"meter {meter.MeterId} has no reading for {Iso(args.IntervalStart)} to correct");
        RequireWithinCapacity(meter, args.IntervalStart, args.Wh);
        ContractContext.Require(existing.Wh != args.Wh, $"meter {meter.MeterId} interval {Iso(args.IntervalStart)} already reads {args.Wh} Wh");

        var sequence = (existing.Corrections ?? 0) + 1;
        ctx.State.Put(MeteringState.CorrectionKey(meter.MeterId, args.IntervalStart, sequence), new ReadingCorrection(
            meter.MeterId, args.IntervalStart, sequence, existing.Wh, args.Wh, args.Reason, ctx.Caller.CertificateId, ctx.TxId, ctx.BlockTime));
        ctx.State.Put(key, new StoredReading(args.Wh, existing.OriginalWh ?? existing.Wh, sequence));
        var dayStart = MeteringState.DayStartOf(args.IntervalStart);
        PutDay(ctx, meter.MeterId, dayStart, ReadingsOn(ctx, meter.MeterId, dayStart));
        ctx.Emit("ReadingCorrected", new { meterId = meter.MeterId, intervalStart = args.IntervalStart, previousWh = existing.Wh, correctedWh = args.Wh, reason = args.Reason });
        return new { meterId = meter.MeterId, corrections = sequence };
    }

    [ContractMethod("startOutage")]
    public object StartOutage(ContractContext ctx, StartOutageArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        RequireId(args.OutageId, "outage id");
        RequireText(args.Cause, 256, "cause");
        ContractContext.Require(!ctx.State.Exists(MeteringState.OutageKey(args.OutageId)), $"outage {args.OutageId} is already recorded");
        ContractContext.Require(args.Start is >= MeteringState.EarliestInterval and < MeteringState.LatestInterval, "outage start is out of range");
        // A planned outage is announced ahead; an unplanned one is reported once it has happened.
        ContractContext.Require(args.Planned || args.Start <= ctx.BlockTime, "an unplanned outage cannot start in the future");
        var hasMeters = args.MeterIds is { Count: > 0 };
        ContractContext.Require(hasMeters != (args.FeederId is not null), "name either the meters or the feeder of an outage, not both");

        IReadOnlyList<string> meterIds;
        if (args.FeederId is { } feeder)
        {
            RequireId(feeder, "feeder id");
            var onFeeder = MetersOnFeeder(ctx, feeder);
            ContractContext.Require(onFeeder.Count > 0, $"feeder {feeder} has no registered meters");
            foreach (var id in onFeeder) RequireServedMeter(ctx, id);
            meterIds = onFeeder;
        }
        else
        {
            ContractContext.Require(args.MeterIds!.Count <= 1_000, "an outage names at most 1000 meters; name the feeder instead");
            var distinct = new SortedSet<string>(args.MeterIds, StringComparer.Ordinal);
            ContractContext.Require(distinct.Count == args.MeterIds.Count, "an outage names each meter once");
            foreach (var id in distinct) RequireServedMeter(ctx, id);
            meterIds = distinct.ToArray();
        }

        var outage = new Outage(args.OutageId, ctx.Caller.OrganisationId, args.FeederId, meterIds, args.Start, null,
            args.Planned, args.Cause, ctx.Caller.CertificateId, ctx.TxId, null, null);
        ctx.State.Put(MeteringState.OutageKey(outage.OutageId), outage);
        ctx.Emit("OutageStarted", new { outageId = outage.OutageId, feederId = outage.FeederId, meterIds = outage.MeterIds, start = outage.Start, planned = outage.Planned });
        return new { outageId = outage.OutageId, meters = meterIds.Count };
    }

    [ContractMethod("restoreOutage")]
    public object RestoreOutage(ContractContext ctx, RestoreOutageArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        var outage = MeteringState.GetOutage(ctx.State, args.OutageId)
            ?? throw new ContractException($"outage {args.OutageId} is not recorded");
        ContractContext.Require(outage.GridCompanyId == ctx.Caller.OrganisationId, $"outage {outage.OutageId} was recorded by {outage.GridCompanyId}; only it may restore it");
        ContractContext.Require(outage.End is null, $"outage {outage.OutageId} is already restored");
        ContractContext.Require(args.End > outage.Start, "restoration must come after the outage started");
        ContractContext.Require(args.End <= ctx.BlockTime, "restoration cannot be in the future");
        ctx.State.Put(MeteringState.OutageKey(outage.OutageId), outage with { End = args.End, RestoredBy = ctx.Caller.CertificateId, RestoreTxId = ctx.TxId });
        ctx.Emit("OutageRestored", new { outageId = outage.OutageId, end = args.End });
        return new { outageId = outage.OutageId, durationMs = args.End - outage.Start };
    }

    // ---- rules ----------------------------------------------------------------------------------------------------

    /// <summary>The meter exists and the caller's organisation is the grid company serving it.</summary>
    private static Meter RequireServedMeter(ContractContext ctx, string meterId)
    {
        var meter = MeteringState.GetMeter(ctx.State, meterId) ?? throw new ContractException($"meter {meterId} is not registered");
        ContractContext.Require(meter.GridCompanyId == ctx.Caller.OrganisationId,
            $"meter {meterId} is served by {meter.GridCompanyId}, not {ctx.Caller.OrganisationId}");
        return meter;
    }

    private static void RequireInterval(ContractContext ctx, string meterId, long start)
    {
        // Messages are built only on refusal: a batch checks thousands of readings.
        if (start is < MeteringState.EarliestInterval or >= MeteringState.LatestInterval)
            throw new ContractException($"meter {meterId} interval start {start} is out of range");
        if (!MeteringState.IsAligned(start)) throw new ContractException($"meter {meterId} interval start {Iso(start)} is not on a 15-minute boundary");
        if (start + MeteringState.IntervalMs > ctx.BlockTime) throw new ContractException($"meter {meterId} interval {Iso(start)} has not ended yet");
    }

    private static void RequireWithinCapacity(Meter meter, long start, long wh)
    {
        if (meter.Type != MeterTypes.Both && wh < 0)
            throw new ContractException($"meter {meter.MeterId} interval {Iso(start)}: a reading cannot be negative");
        if (wh > meter.MaxIntervalWh || wh < -meter.MaxIntervalWh)
            throw new ContractException($"meter {meter.MeterId} interval {Iso(start)}: {wh} Wh exceeds its capacity of {meter.MaxIntervalWh} Wh per 15 minutes");
    }

    /// <summary>
    /// The readings already recorded for a meter on the UTC day of <paramref name="start"/>, read with one prefix scan per
    /// meter-day and kept for the rest of the batch. A scan reads committed state on its own connection; a point read of a
    /// key the chain has never seen waits for the store while it appends the previous block, so a batch of thousands of new
    /// intervals would otherwise run at the speed of that lock.
    /// </summary>
    private static Dictionary<string, StoredReading> RecordedOn(ContractContext ctx, Dictionary<(string Meter, long Day), Dictionary<string, StoredReading>> cache, (string Meter, long Day) day)
    {
        if (!cache.TryGetValue(day, out var readings)) cache[day] = readings = ReadingsOn(ctx, day.Meter, day.Day);
        return readings;
    }

    private static Dictionary<string, StoredReading> ReadingsOn(ContractContext ctx, string meterId, long dayStart) =>
        ctx.State.Scan<StoredReading>(MeteringState.ReadingDayPrefix(meterId, dayStart)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// Rewrites a meter-day's packed row (<see cref="MeterDay"/>) from that day's reading rows as this transaction leaves
    /// them, so the row always equals the reading rows: built from them, never patched.
    /// </summary>
    private static void PutDay(ContractContext ctx, string meterId, long dayStart, Dictionary<string, StoredReading> readings) =>
        ctx.State.Put(MeteringState.DayKey(meterId, dayStart), MeterDay.From(readings.Select(p => (MeteringState.SlotOfKey(p.Key), p.Value))));

    private static IReadOnlyList<string> MetersOnFeeder(ContractContext ctx, string feederId)
    {
        var prefix = $"{MeteringState.FeederPrefix}{feederId}/";
        return ctx.State.Scan<object>(prefix).Select(p => p.Key[prefix.Length..]).ToList();
    }

    private static void RequireId(string? id, string what) =>
        ContractContext.Require(id is not null && IdPattern().IsMatch(id), $"{what} must be 1..64 letters, digits, '.', '_' or '-'");

    private static void RequireText(string? text, int max, string what) =>
        ContractContext.Require(!string.IsNullOrWhiteSpace(text) && text.Length <= max, $"{what} of 1..{max} characters is required");

    /// <summary>Interval times in messages: readable, and the same on every node.</summary>
    internal static string Iso(long ms) => ms is >= MeteringState.EarliestInterval and < MeteringState.LatestInterval
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)
        : ms.ToString(CultureInfo.InvariantCulture);
}
