namespace ConsortiumPortal.Contracts.DemandResponse;

/// <summary>
/// One meter's baseline for one event: what it would have used without the event, per 15-minute event interval (Wh).
/// <see cref="DaysUsed"/> are the UTC day starts averaged (most recent first); <see cref="UnadjustedWh"/> is their
/// average before the day-of adjustment, <see cref="AdjustmentPermille"/> the applied factor (1000 = none).
/// </summary>
public sealed record Baseline(
    string Method, IReadOnlyList<long> DaysUsed, IReadOnlyList<long> UnadjustedWh, long AdjustmentPermille, IReadOnlyList<long> Wh)
{
    public long TotalWh => Wh.Sum();
}

/// <summary>
/// The baseline methods of docs/demand-response.md, as pure integer functions of a meter's recorded intervals, so a
/// contract computes them deterministically and anyone recomputes them from the receipts. Days are UTC days (the
/// metering keys' days); Saturday and Sunday are weekend days, compared only with weekend days.
/// <list type="bullet">
/// <item><b>10-in-10</b>: the 10 most recent eligible days of the event's day type (weekday/weekend) within
/// <see cref="LookbackDays"/>, averaged per interval (floor), then scaled by the day-of adjustment: the event day's
/// energy in the window 4 h to 1 h before the event start over the baseline's energy in the same window, in permille
/// (floor), capped to 800..1200.</item>
/// <item><b>high-5-of-10</b>: of the 10 most recent eligible weekdays, the 5 with the highest energy during the event
/// window (ties: the more recent), averaged per interval (floor); for a weekend event, the 3 highest of the 5 most recent
/// eligible weekend days. No adjustment.</item>
/// </list>
/// A day is eligible when it is not excluded (a prior event day of the meter, an outage day) and every interval the
/// method reads on it is recorded. With no eligible day the baseline is zero: nothing can be shown to be delivered.
/// </summary>
public static class Baselines
{
    public const string TenInTen = "10-in-10";
    public const string HighFiveOfTen = "high-5-of-10";
    public static readonly IReadOnlyList<string> Methods = [TenInTen, HighFiveOfTen];

    public const long IntervalMs = 15 * 60 * 1000;
    public const long DayMs = 24 * 60 * 60 * 1000;
    public const long HourMs = 60 * 60 * 1000;

    /// <summary>How far back candidate days are looked for: three weeks hold 10 weekdays and 5 weekend days after exclusions.</summary>
    public const int LookbackDays = 21;

    /// <summary>The day-of adjustment window: from 4 h to 1 h before the event start.</summary>
    public const long AdjustmentFromMs = 4 * HourMs;
    public const long AdjustmentToMs = 1 * HourMs;
    public const long AdjustmentMinPermille = 800;
    public const long AdjustmentMaxPermille = 1200;

    public static long DayStartOf(long ms) => ms - (((ms % DayMs) + DayMs) % DayMs);

    /// <summary>0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday).</summary>
    public static int DayOfWeek(long dayStart) => (int)(((DayStartOf(dayStart) / DayMs % 7) + 7 + 4) % 7);

    public static bool IsWeekend(long dayStart) => DayOfWeek(dayStart) is 0 or 6;

    /// <summary>The earliest interval start any method reads for an event: what a caller loads readings from.</summary>
    public static long EarliestReading(long eventStart) => DayStartOf(eventStart) - LookbackDays * DayMs + (eventStart - DayStartOf(eventStart)) - AdjustmentFromMs;

    /// <summary>The baseline of one meter for the event [eventStart, eventEnd) from its readings (interval start -> Wh).</summary>
    public static Baseline Compute(string method, long eventStart, long eventEnd, IReadOnlyDictionary<long, long> readings, IReadOnlySet<long> excludedDays) =>
        Compute(method, eventStart, eventEnd, new ReadingLookup(t => readings.TryGetValue(t, out var wh) ? wh : null), excludedDays);

    /// <summary>
    /// The same from a lookup (interval start -> Wh, null when not recorded) that the method asks only for the intervals it
    /// needs: settlement answers it from the meter's packed day rows (<c>MeteringState.Days</c>).
    /// </summary>
    public static Baseline Compute(string method, long eventStart, long eventEnd, ReadingLookup readings, IReadOnlySet<long> excludedDays)
    {
        if (!Methods.Contains(method)) throw new ArgumentException($"unknown baseline method {method}", nameof(method));
        if (eventEnd <= eventStart || eventStart % IntervalMs != 0 || eventEnd % IntervalMs != 0)
            throw new ArgumentException("an event is a whole number of 15-minute intervals");
        var eventDay = DayStartOf(eventStart);
        var weekend = IsWeekend(eventDay);
        var intervals = (int)((eventEnd - eventStart) / IntervalMs);
        var adjusted = method == TenInTen;
        // The offsets (from a day's start) of every interval a candidate day must have: the adjustment window too when adjusted.
        var firstOffset = eventStart - eventDay - (adjusted ? AdjustmentFromMs : 0);
        var lastOffset = eventEnd - eventDay;

        var wanted = method == TenInTen ? 10 : weekend ? 5 : 10;
        var candidates = new List<long>(wanted);
        for (var k = 1; k <= LookbackDays && candidates.Count < wanted; k++)
        {
            var day = eventDay - k * DayMs;
            if (IsWeekend(day) != weekend || excludedDays.Contains(day)) continue;
            if (Complete(readings, day + firstOffset, day + lastOffset)) candidates.Add(day);
        }

        IReadOnlyList<long> days = candidates;
        if (method == HighFiveOfTen)
        {
            var keep = weekend ? 3 : 5;
            // Highest event-window energy first; equal energy: the more recent (candidates are most recent first, the sort is stable).
            days = candidates
                .Select((day, order) => (day, order, energy: Energy(readings, day + eventStart - eventDay, day + eventEnd - eventDay)))
                .OrderByDescending(c => c.energy).ThenBy(c => c.order)
                .Take(keep).Select(c => c.day).ToList();
        }

        var unadjusted = Average(readings, days, eventStart - eventDay, intervals);
        var factor = 1000L;
        if (adjusted && days.Count > 0)
        {
            var windowFrom = eventStart - AdjustmentFromMs;
            var windowTo = eventStart - AdjustmentToMs;
            var windowIntervals = (int)((windowTo - windowFrom) / IntervalMs);
            // Without the event day's own window readings there is nothing to adjust by.
            if (Complete(readings, windowFrom, windowTo))
            {
                var actual = Energy(readings, windowFrom, windowTo);
                var expected = Average(readings, days, windowFrom - eventDay, windowIntervals).Sum();
                if (expected > 0)
                    factor = Math.Clamp((long)((Int128)actual * 1000 / expected), AdjustmentMinPermille, AdjustmentMaxPermille);
            }
        }
        var wh = factor == 1000 ? unadjusted : unadjusted.Select(v => (long)((Int128)v * factor / 1000)).ToArray();
        return new Baseline(method, days.ToArray(), unadjusted, factor, wh);
    }

    /// <summary>Per interval from <paramref name="offset"/> past each day's start: the floor of the days' mean (zeros without days).</summary>
    private static long[] Average(ReadingLookup readings, IReadOnlyList<long> days, long offset, int intervals)
    {
        var result = new long[intervals];
        if (days.Count == 0) return result;
        for (var i = 0; i < intervals; i++)
        {
            long sum = 0;
            foreach (var day in days) sum += readings[day + offset + i * IntervalMs]!.Value;
            result[i] = FloorDiv(sum, days.Count);
        }
        return result;
    }

    private static bool Complete(ReadingLookup readings, long from, long to)
    {
        for (var t = from; t < to; t += IntervalMs) if (readings[t] is null) return false;
        return true;
    }

    private static long Energy(ReadingLookup readings, long from, long to)
    {
        long sum = 0;
        for (var t = from; t < to; t += IntervalMs) sum += readings[t]!.Value;
        return sum;
    }

    /// <summary>Floor division (towards minus infinity) so a net meter's negative intervals round the same way on every node.</summary>
    internal static long FloorDiv(long a, long b) => a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// <summary>
/// A meter's readings by interval start, read on demand (null: not recorded) and remembered, unless the source is
/// already a direct lookup (<paramref name="remember"/> false: packed day rows, <see cref="Metering.MeterDays.Wh"/>).
/// </summary>
public sealed class ReadingLookup(Func<long, long?> read, bool remember = true)
{
    private readonly Dictionary<long, long?> _seen = [];

    public long? this[long intervalStart]
    {
        get
        {
            if (!remember) return read(intervalStart);
            if (!_seen.TryGetValue(intervalStart, out var wh)) _seen[intervalStart] = wh = read(intervalStart);
            return wh;
        }
    }
}
