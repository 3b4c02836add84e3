using System.Globalization;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Contracts.Metering;

/// <summary>
/// Where metering data lives in world state, and the one way every contract and page reads it.
/// Reading keys are <c>metering/reading/{meterId}/{yyyyMMdd}/{HHmm}</c> (UTC): fixed width, so keys sort by time and one
/// meter-day is one prefix scan; a range is one scan per day. Readings are read through <see cref="Readings(IStateReader, string, long, long)"/>
/// (committed state, from the portal or a job) or the <see cref="ContractState"/> overload (inside a contract).
/// Each meter-day also has one packed row, <c>metering/day/{meterId}/{yyyyMMdd}</c> (<see cref="MeterDay"/>), written
/// with its readings: <see cref="Days(ContractState, string, long, long)"/> reads weeks of a meter as a row a day.
/// </summary>
public static class MeteringState
{
    public const long IntervalMs = 15 * 60 * 1000;
    public const long DayMs = 24 * 60 * 60 * 1000;
    public const int IntervalsPerDay = 96;

    /// <summary>Interval starts before 2000-01-01 or from 2100-01-01 on are refused: keys keep four-digit years.</summary>
    public const long EarliestInterval = 946_684_800_000;
    public const long LatestInterval = 4_102_444_800_000;

    public const string Prefix = "metering/";
    public const string MeterPrefix = "metering/meter/";
    public const string FeederPrefix = "metering/feeder/";
    public const string ReadingPrefix = "metering/reading/";
    public const string CorrectionPrefix = "metering/correction/";
    public const string OutagePrefix = "metering/outage/";
    public const string DayPrefix = "metering/day/";

    public static string MeterKey(string meterId) => MeterPrefix + meterId;
    public static string FeederMeterKey(string feederId, string meterId) => $"{FeederPrefix}{feederId}/{meterId}";
    public static string ReadingKey(string meterId, long intervalStart) => $"{ReadingPrefix}{meterId}/{Slot(intervalStart)}";
    public static string ReadingDayPrefix(string meterId, long dayStart) => $"{ReadingPrefix}{meterId}/{Day(dayStart)}/";
    public static string CorrectionPrefixOf(string meterId, long intervalStart) => $"{CorrectionPrefix}{meterId}/{Slot(intervalStart)}/";
    public static string CorrectionKey(string meterId, long intervalStart, int sequence) =>
        CorrectionPrefixOf(meterId, intervalStart) + sequence.ToString("D4", CultureInfo.InvariantCulture);
    public static string OutageKey(string outageId) => OutagePrefix + outageId;
    public static string DayKey(string meterId, long dayStart) => $"{DayPrefix}{meterId}/{Day(dayStart)}";

    public static bool IsAligned(long intervalStart) => intervalStart % IntervalMs == 0;

    public static long DayStartOf(long ms) => ms - (((ms % DayMs) + DayMs) % DayMs);

    private static string Day(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Slot(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyyMMdd'/'HHmm", CultureInfo.InvariantCulture);

    /// <summary>The interval start encoded in a reading key's last 13 characters (yyyyMMdd/HHmm).</summary>
    public static long IntervalStartOfKey(string key)
    {
        var slot = key.AsSpan(key.Length - 13);
        var date = DateTime.ParseExact(slot, "yyyyMMdd'/'HHmm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return new DateTimeOffset(date, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    /// <summary>The interval's index in its UTC day (0..95) from a reading key's last four characters (HHmm).</summary>
    public static int SlotOfKey(string key)
    {
        var s = key.AsSpan(key.Length - 4);
        return ((s[0] - '0') * 10 + (s[1] - '0')) * 4 + ((s[2] - '0') * 10 + (s[3] - '0')) / 15;
    }

    /// <summary>The UTC day start (ms) of a day row's key, from its last eight characters (yyyyMMdd), by digit arithmetic.</summary>
    public static long DayStartOfKey(string key)
    {
        var s = key.AsSpan(key.Length - 8);
        static int D(ReadOnlySpan<char> s, int i, int n) { var v = 0; for (var k = i; k < i + n; k++) v = v * 10 + (s[k] - '0'); return v; }
        return (new DateTime(D(s, 0, 4), D(s, 4, 2), D(s, 6, 2), 0, 0, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    // ---- committed state (portal, jobs, other applications' read models) --------------------------------------

    public static Meter? GetMeter(IStateReader state, string meterId) => Read<Meter>(state.Get(MeterKey(meterId)));

    /// <summary>Every registered meter, ordered by id.</summary>
    public static IEnumerable<Meter> Meters(IStateReader state) =>
        state.Scan(MeterPrefix).Select(p => Parse<Meter>(p.Value));

    /// <summary>The meters on a feeder, ordered by id.</summary>
    public static IReadOnlyList<string> FeederMeterIds(IStateReader state, string feederId) =>
        state.Scan($"{FeederPrefix}{feederId}/").Select(p => p.Key[(FeederPrefix.Length + feederId.Length + 1)..]).ToList();

    public static IntervalReading? Reading(IStateReader state, string meterId, long intervalStart) =>
        Read<StoredReading>(state.Get(ReadingKey(meterId, intervalStart))) is { } r ? ToInterval(meterId, intervalStart, r) : null;

    /// <summary>The recorded readings of one meter whose interval starts in [from, to), in time order.</summary>
    public static IReadOnlyList<IntervalReading> Readings(IStateReader state, string meterId, long from, long to) =>
        ReadRange(prefix => state.Scan(prefix).Select(p => (p.Key, Parse<StoredReading>(p.Value))), meterId, from, to);

    /// <summary>Every correction of one interval, oldest first: the first one's PreviousWh is the value first recorded.</summary>
    public static IReadOnlyList<ReadingCorrection> Corrections(IStateReader state, string meterId, long intervalStart) =>
        state.Scan(CorrectionPrefixOf(meterId, intervalStart)).Select(p => Parse<ReadingCorrection>(p.Value)).ToList();

    public static Outage? GetOutage(IStateReader state, string outageId) => Read<Outage>(state.Get(OutageKey(outageId)));

    /// <summary>A meter's day rows for the days that intersect [from, to): the same intervals as <see cref="Readings(IStateReader, string, long, long)"/>.</summary>
    public static MeterDays Days(IStateReader state, string meterId, long from, long to) =>
        ReadDays(prefix => state.Scan(prefix).Select(p => (p.Key, Parse<MeterDay>(p.Value))), meterId, from, to);

    public static IEnumerable<Outage> Outages(IStateReader state) => state.Scan(OutagePrefix).Select(p => Parse<Outage>(p.Value));

    // ---- inside a contract (vouchers, insurance, demand response read meter data the same way) ----------------

    public static Meter? GetMeter(ContractState state, string meterId) => state.Get<Meter>(MeterKey(meterId));

    public static IntervalReading? Reading(ContractState state, string meterId, long intervalStart) =>
        state.Get<StoredReading>(ReadingKey(meterId, intervalStart)) is { } r ? ToInterval(meterId, intervalStart, r) : null;

    public static IReadOnlyList<IntervalReading> Readings(ContractState state, string meterId, long from, long to) =>
        ReadRange(prefix => state.Scan<StoredReading>(prefix), meterId, from, to);

    public static Outage? GetOutage(ContractState state, string outageId) => state.Get<Outage>(OutageKey(outageId));

    /// <summary>
    /// A meter's day rows for the days that intersect [from, to), read with one prefix scan per calendar month
    /// (<c>metering/day/{meter}/{yyyyMM}</c>): three weeks of a meter are ~21 rows instead of ~2,000 reading rows.
    /// </summary>
    public static MeterDays Days(ContractState state, string meterId, long from, long to) =>
        ReadDays(prefix => state.Scan<MeterDay>(prefix), meterId, from, to);

    /// <summary>Total energy recorded for a meter over [from, to), in Wh (signed for "both" meters).</summary>
    public static long EnergyWh(IEnumerable<IntervalReading> readings) => readings.Sum(r => r.Wh);

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static IReadOnlyList<IntervalReading> ReadRange(
        Func<string, IEnumerable<(string Key, StoredReading Value)>> scan, string meterId, long from, long to)
    {
        var result = new List<IntervalReading>();
        if (to <= from) return result;
        from = Math.Max(from, EarliestInterval);
        to = Math.Min(to, LatestInterval);
        for (var day = DayStartOf(from); day < to; day += DayMs)
        {
            foreach (var (key, value) in scan(ReadingDayPrefix(meterId, day)))
            {
                var start = IntervalStartOfKey(key);
                if (start >= from && start < to) result.Add(ToInterval(meterId, start, value));
            }
        }
        return result;
    }

    private static MeterDays ReadDays(Func<string, IEnumerable<(string Key, MeterDay Value)>> scan, string meterId, long from, long to)
    {
        var days = new Dictionary<long, MeterDay>();
        from = Math.Max(from, EarliestInterval);
        to = Math.Min(to, LatestInterval);
        if (to > from)
        {
            var firstDay = DayStartOf(from);
            var month = DateTimeOffset.FromUnixTimeMilliseconds(firstDay).UtcDateTime;
            month = new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            var last = DateTimeOffset.FromUnixTimeMilliseconds(to - 1).UtcDateTime;
            for (; month <= last; month = month.AddMonths(1))
            {
                var prefix = string.Create(CultureInfo.InvariantCulture, $"{DayPrefix}{meterId}/{month:yyyyMM}");
                foreach (var (key, day) in scan(prefix))
                {
                    var start = DayStartOfKey(key);
                    if (start >= firstDay && start < to) days[start] = day;
                }
            }
        }
        return new MeterDays(meterId, from, to, days);
    }

    private static IntervalReading ToInterval(string meterId, long start, StoredReading r) =>
        new(meterId, start, r.Wh, r.OriginalWh, r.Corrections ?? 0);

    private static T? Read<T>(string? json) where T : class => json is null ? null : Parse<T>(json);

    private static T Parse<T>(string json) => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));
}

/// <summary>
/// A meter's day rows over [<see cref="From"/>, <see cref="To"/>) (see <see cref="MeteringState.Days(ContractState, string, long, long)"/>):
/// an interval is looked up in its day's row, without a row or an object per interval.
/// </summary>
public sealed class MeterDays(string meterId, long from, long to, IReadOnlyDictionary<long, MeterDay> days)
{
    public string MeterId => meterId;
    public long From => from;
    public long To => to;

    /// <summary>The rows read, by UTC day start.</summary>
    public IReadOnlyDictionary<long, MeterDay> ByDay => days;

    /// <summary>The interval's current value in Wh, or null when it is not recorded (or outside the range read).</summary>
    public long? Wh(long intervalStart)
    {
        if (intervalStart < from || intervalStart >= to) return null;
        var day = MeteringState.DayStartOf(intervalStart);
        if (!days.TryGetValue(day, out var row)) return null;
        var slot = (int)((intervalStart - day) / MeteringState.IntervalMs);
        return row.Has(slot) ? row.Wh[slot] : null;
    }

    /// <summary>The recorded intervals in time order, as <see cref="MeteringState.Readings(IStateReader, string, long, long)"/> returns them.</summary>
    public IReadOnlyList<IntervalReading> Readings()
    {
        var result = new List<IntervalReading>();
        foreach (var (day, row) in days.OrderBy(d => d.Key))
        {
            var corrected = row.Corrected?.ToDictionary(c => c.Slot) ?? [];
            for (var slot = 0; slot < MeteringState.IntervalsPerDay; slot++)
            {
                var start = day + slot * MeteringState.IntervalMs;
                if (!row.Has(slot) || start < from || start >= to) continue;
                var c = corrected.GetValueOrDefault(slot);
                result.Add(new IntervalReading(meterId, start, row.Wh[slot], c?.OriginalWh, c?.Corrections ?? 0));
            }
        }
        return result;
    }
}
