using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// A meter's readings shaped for the load-curve chart: average power per point (kW), a day as its 96 intervals and a
/// week as 168 hourly averages, labelled in China time; plus the period's energy, peak and gaps.
/// </summary>
public sealed record LoadCurve(string[] Labels, double[] Kw, long EnergyWh, long PeakW, int Recorded, int Expected, int Corrected)
{
    public enum Zoom { Day, Week }

    public static long PeriodLength(Zoom zoom) => zoom == Zoom.Day ? MeteringState.DayMs : 7 * MeteringState.DayMs;

    /// <summary>The China-time midnight at or before <paramref name="ms"/>.</summary>
    public static long ChinaDayStart(long ms)
    {
        var offset = (long)EnergyFormat.ChinaOffset.TotalMilliseconds;
        return MeteringState.DayStartOf(ms + offset) - offset;
    }

    /// <summary>
    /// The China-time day a meter's curve opens on: the day of its latest reading, or the day before when the latest day is
    /// incomplete and the day before has readings; today when there are none.
    /// </summary>
    public static long OpeningDay(IReadOnlyList<IntervalReading> recent, long now)
    {
        if (recent.Count == 0) return ChinaDayStart(now);
        var latest = ChinaDayStart(recent[^1].IntervalStart);
        var onLatest = recent.Count(r => r.IntervalStart >= latest);
        var onPrevious = recent.Count(r => r.IntervalStart >= latest - MeteringState.DayMs && r.IntervalStart < latest);
        return onLatest < MeteringState.IntervalsPerDay && onPrevious > 0 ? latest - MeteringState.DayMs : latest;
    }

    public static LoadCurve Build(IReadOnlyList<IntervalReading> readings, long from, Zoom zoom)
    {
        var intervals = (int)(PeriodLength(zoom) / MeteringState.IntervalMs);
        var wh = new long?[intervals];
        foreach (var r in readings)
        {
            var i = (int)((r.IntervalStart - from) / MeteringState.IntervalMs);
            if (i >= 0 && i < intervals) wh[i] = r.Wh;
        }
        var perPoint = zoom == Zoom.Day ? 1 : 4;
        var points = intervals / perPoint;
        var kw = new double[points];
        var labels = new string[points];
        for (var p = 0; p < points; p++)
        {
            var slice = wh.Skip(p * perPoint).Take(perPoint).ToArray();
            // Wh in 15 minutes x 4 = average W; / 1000 = kW. Missing intervals count as nothing recorded, not as zero load.
            var present = slice.Where(v => v is not null).Select(v => v!.Value).ToArray();
            kw[p] = present.Length == 0 ? 0 : present.Average() * 4 / 1000.0;
            var at = EnergyFormat.China(from + p * perPoint * MeteringState.IntervalMs);
            labels[p] = zoom == Zoom.Day
                ? (at.Minute == 0 && at.Hour % 3 == 0 ? at.ToString("HH:mm") : "")
                : (at.Hour == 0 ? at.ToString("MM-dd") : at.Hour == 12 ? "12:00" : "");
        }
        var recorded = readings.Where(r => r.IntervalStart >= from && r.IntervalStart < from + PeriodLength(zoom)).ToList();
        return new LoadCurve(labels, kw, recorded.Sum(r => r.Wh), recorded.Count == 0 ? 0 : recorded.Max(r => r.Wh) * 4,
            recorded.Count, intervals, recorded.Count(r => r.Corrected));
    }
}
