namespace ConsortiumPortal.Seed.Metering;

/// <summary>The load or generation shape a simulated meter follows.</summary>
public enum MeterProfile { Solar, Wind, Hydro, Industrial, Residential, DataCentre }

/// <summary>A meter to simulate: its shape, its capacity in W (the most it can move) and the feeder it hangs on.</summary>
public sealed record SimulatedMeter(string MeterId, MeterProfile Profile, long CapacityW, string FeederId);

/// <summary>A simulated outage of a feeder: every meter on it reads zero from Start until End.</summary>
public sealed record SimulatedOutage(string FeederId, long Start, long End, string Cause);

/// <summary>
/// Realistic-looking 15-minute energy for demos and benchmarks, deterministic from a seed: the same seed, meter and
/// day give the same numbers on every run (its own SplitMix64 generator, not System.Random, whose algorithm is not
/// promised across .NET versions). Times are China local (UTC+8) for the shapes: a solar bell between sunrise and sunset
/// that is taller and wider in summer, wind with slow swings and gusts, hydro fairly flat (higher in the wet season),
/// industrial load in shifts with a quieter weekend, residential load with a morning bump and an evening peak, a data
/// centre's flat load. Readings are whole Wh, never negative and never above CapacityW / 4 (a full interval at
/// capacity). Floating point is fine here: this is test data, not a contract.
/// </summary>
public sealed class MeterSimulator(long seed)
{
    public const long IntervalMs = 15 * 60 * 1000;
    public const long DayMs = 24 * 60 * 60 * 1000;
    public const int IntervalsPerDay = 96;
    private const long ChinaOffsetMs = 8 * 60 * 60 * 1000;

    public long Seed { get; } = seed;

    /// <summary>The 96 readings (Wh) of <paramref name="meter"/> for the UTC day starting at <paramref name="dayStart"/>.</summary>
    public long[] Day(SimulatedMeter meter, long dayStart)
    {
        var rng = new SplitMix64(Mix(Seed, Hash(meter.MeterId), dayStart / DayMs));
        var values = new long[IntervalsPerDay];
        var maxWh = meter.CapacityW / 4;
        var dayOfYear = DateTimeOffset.FromUnixTimeMilliseconds(dayStart + ChinaOffsetMs).DayOfYear;
        var season = Math.Cos(2 * Math.PI * (dayOfYear - 172) / 365.0); // +1 midsummer, -1 midwinter
        // The day's wind drifts from today's level to tomorrow's, so consecutive days join without a step at midnight.
        var wind = new WindState(rng, WindLevel(meter, dayStart, season), WindLevel(meter, dayStart + DayMs, season));
        var cloud = 0.35 + 0.65 * rng.NextDouble();           // the day's sky: overcast .. clear
        var hydroLevel = 0.62 + 0.12 * season + 0.06 * (rng.NextDouble() - 0.5);
        var siteScale = 0.85 + 0.1 * new SplitMix64(Mix(Seed, Hash(meter.MeterId), -1)).NextDouble(); // each site a little different
        for (var i = 0; i < IntervalsPerDay; i++)
        {
            var start = dayStart + i * IntervalMs;
            var local = DateTimeOffset.FromUnixTimeMilliseconds(start + ChinaOffsetMs);
            var hour = local.Hour + (local.Minute + 7.5) / 60.0;  // the interval's midpoint
            var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var fraction = meter.Profile switch
            {
                MeterProfile.Solar => Solar(hour, season, cloud, rng),
                MeterProfile.Wind => wind.Next(rng, i / (double)IntervalsPerDay),
                MeterProfile.Hydro => hydroLevel + 0.03 * (rng.NextDouble() - 0.5),
                MeterProfile.Industrial => Industrial(hour, weekend, rng),
                MeterProfile.Residential => Residential(hour, season, weekend, rng),
                MeterProfile.DataCentre => 0.72 + 0.06 * Math.Max(0, Math.Sin(Math.PI * (hour - 9) / 12)) + 0.02 * (rng.NextDouble() - 0.5),
                _ => 0,
            };
            values[i] = (long)Math.Round(Math.Clamp(fraction * siteScale, 0, 1) * maxWh);
        }
        return values;
    }

    /// <summary>Readings of a meter over whole UTC days in [from, to), with outages of its feeder read as zero.</summary>
    public IEnumerable<(long Start, long Wh)> Readings(SimulatedMeter meter, long from, long to, IReadOnlyList<SimulatedOutage>? outages = null)
    {
        for (var day = from - (from % DayMs); day < to; day += DayMs)
        {
            var values = Day(meter, day);
            for (var i = 0; i < values.Length; i++)
            {
                var start = day + i * IntervalMs;
                if (start < from || start >= to) continue;
                var off = outages?.Any(o => o.FeederId == meter.FeederId && start + IntervalMs > o.Start && start < o.End) == true;
                yield return (start, off ? 0 : values[i]);
            }
        }
    }

    /// <summary>
    /// Occasional unplanned outages: each feeder has <paramref name="chancePerFeederDay"/> of one per day, starting on an
    /// interval boundary and lasting 30 minutes to 4 hours, with a cause. Deterministic like the readings.
    /// </summary>
    public IReadOnlyList<SimulatedOutage> Outages(IEnumerable<string> feederIds, long from, long to, double chancePerFeederDay = 0.08)
    {
        string[] causes = ["typhoon damage to an overhead line", "lightning strike on a feeder", "cable fault found by protection relay",
                           "transformer overload trip", "bird contact on a switchgear"];
        var result = new List<SimulatedOutage>();
        foreach (var feeder in feederIds.Order(StringComparer.Ordinal))
            for (var day = from - (from % DayMs); day < to; day += DayMs)
            {
                var rng = new SplitMix64(Mix(Seed, Hash("outage:" + feeder), day / DayMs));
                if (rng.NextDouble() >= chancePerFeederDay) continue;
                var start = day + rng.NextInt(IntervalsPerDay) * IntervalMs;
                var end = start + (2 + rng.NextInt(15)) * IntervalMs;
                if (start >= from && end <= to) result.Add(new SimulatedOutage(feeder, start, end, causes[rng.NextInt(causes.Length)]));
            }
        return result;
    }

    private static double Solar(double hour, double season, double cloud, SplitMix64 rng)
    {
        var daylight = 12 + 2.2 * season;                 // ~14 h in June, ~10 h in December (31 deg N)
        var sunrise = 12 - daylight / 2;
        if (hour <= sunrise || hour >= sunrise + daylight) { rng.NextDouble(); return 0; }
        var bell = Math.Pow(Math.Sin(Math.PI * (hour - sunrise) / daylight), 1.6);
        var peak = 0.78 + 0.17 * season;                  // lower sun in winter
        var passingClouds = 1 - (1 - cloud) * rng.NextDouble();
        return bell * peak * passingClouds;
    }

    private static double Industrial(double hour, bool weekend, SplitMix64 rng)
    {
        // Two full shifts 08-16 and 16-24, a skeleton night shift; a dip while a shift changes over.
        var level = hour is >= 8 and < 24 ? 0.82 : 0.38;
        if (Math.Abs(hour - 8) < 0.25 || Math.Abs(hour - 16) < 0.25) level -= 0.2;
        if (weekend) level *= 0.55;
        return level + 0.04 * (rng.NextDouble() - 0.5);
    }

    private static double Residential(double hour, double season, bool weekend, SplitMix64 rng)
    {
        var morning = 0.25 * Math.Exp(-Math.Pow((hour - (weekend ? 9 : 7.5)) / 1.2, 2));
        var evening = 0.6 * Math.Exp(-Math.Pow((hour - 20) / 1.8, 2));
        var climate = 1 + 0.25 * Math.Abs(season);        // air conditioning in summer, heating in winter
        return (0.14 + morning + evening) * climate * (0.95 + 0.1 * rng.NextDouble());
    }

    /// <summary>The level of the wind at the start of a UTC day (windier in winter): its own draw, shared by both days it joins.</summary>
    private double WindLevel(SimulatedMeter meter, long dayStart, double season) =>
        0.2 + 0.45 * new SplitMix64(Mix(Seed, Hash("wind:" + meter.MeterId), dayStart / DayMs)).NextDouble() - 0.08 * season;

    /// <summary>Wind: a level drifting across the day, a slowly wandering swing around it that fades out by midnight, and now and then a gust.</summary>
    private sealed class WindState(SplitMix64 rng, double from, double to)
    {
        private double _swing = 0.1 * (rng.NextDouble() - 0.5);

        public double Next(SplitMix64 random, double dayFraction)
        {
            _swing = 0.92 * _swing + 0.06 * (random.NextDouble() - 0.5);
            var gust = random.NextDouble() < 0.06 ? 0.15 + 0.25 * random.NextDouble() : 0;
            var fade = Math.Min(1, Math.Min(dayFraction, 1 - dayFraction) * 12); // no swing at the day's ends: the days join
            return from + (to - from) * dayFraction + _swing * fade + gust;
        }
    }

    private static long Mix(long a, long b, long c) => (long)SplitMix64.Scramble(unchecked((ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)b * 0xC2B2AE3D27D4EB4FUL ^ (ulong)c));

    /// <summary>FNV-1a of the UTF-16 code units: stable across runs (string.GetHashCode is randomised per process).</summary>
    private static long Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in text) { h ^= ch; h *= 1099511628211UL; }
        return (long)h;
    }

    private sealed class SplitMix64(long seed)
    {
        private ulong _state = (ulong)seed;

        public static ulong Scramble(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public ulong Next() => Scramble(_state += 0x9E3779B97F4A7C15UL);

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        public int NextInt(int exclusiveMax) => (int)(Next() % (ulong)exclusiveMax);
    }
}
