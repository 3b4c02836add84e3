using ConsortiumPortal.Seed.Metering;

namespace ConsortiumPortal.Contracts.Tests.Metering;

/// <summary>The demo meter simulator: deterministic from its seed, and its curves look like what they claim to be.</summary>
public sealed class MeterSimulatorTests
{
    private const long Day = MeterSimulator.DayMs;
    private const long ChinaOffset = 8 * 3_600_000;
    private static readonly long June21 = new DateTimeOffset(2026, 6, 21, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long Dec21 = new DateTimeOffset(2026, 12, 21, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly SimulatedMeter Solar = new("S", MeterProfile.Solar, 20_000_000, "F");
    private static readonly SimulatedMeter Wind = new("W", MeterProfile.Wind, 50_000_000, "F");
    private static readonly SimulatedMeter Hydro = new("H", MeterProfile.Hydro, 40_000_000, "F");
    private static readonly SimulatedMeter Industrial = new("I", MeterProfile.Industrial, 80_000_000, "F");
    private static readonly SimulatedMeter Residential = new("R", MeterProfile.Residential, 2_000_000, "F");
    private static readonly SimulatedMeter DataCentre = new("D", MeterProfile.DataCentre, 25_000_000, "F");
    private static readonly SimulatedMeter[] All = [Solar, Wind, Hydro, Industrial, Residential, DataCentre];

    private static IEnumerable<long> Year() => Enumerable.Range(0, 365).Select(d => Dec21 - 355 * Day + d * Day);

    private static double LocalHour(long dayStart, int interval) =>
        (((dayStart + interval * MeterSimulator.IntervalMs + ChinaOffset) % Day) / 3_600_000.0) + 0.125;

    [Fact]
    public void The_same_seed_gives_the_same_readings_and_outages()
    {
        var a = new MeterSimulator(7);
        var b = new MeterSimulator(7);
        foreach (var meter in All)
            foreach (var day in Year().Take(30))
                Assert.Equal(a.Day(meter, day), b.Day(meter, day));
        Assert.Equal(a.Outages(["F1", "F2", "F3"], June21, June21 + 90 * Day), b.Outages(["F1", "F2", "F3"], June21, June21 + 90 * Day));
    }

    [Fact]
    public void A_different_seed_or_meter_gives_different_readings()
    {
        Assert.NotEqual(new MeterSimulator(7).Day(Wind, June21), new MeterSimulator(8).Day(Wind, June21));
        Assert.NotEqual(new MeterSimulator(7).Day(Wind, June21), new MeterSimulator(7).Day(Wind with { MeterId = "W2" }, June21));
    }

    [Fact]
    public void Readings_are_never_negative_nor_above_capacity()
    {
        var sim = new MeterSimulator(11);
        foreach (var meter in All)
            foreach (var day in Year())
                Assert.All(sim.Day(meter, day), wh => Assert.InRange(wh, 0, meter.CapacityW / 4));
    }

    [Fact]
    public void There_is_no_solar_at_night_and_some_every_day()
    {
        var sim = new MeterSimulator(3);
        foreach (var day in Year())
        {
            var values = sim.Day(Solar, day);
            for (var i = 0; i < values.Length; i++)
            {
                var hour = LocalHour(day, i);
                if (hour < 4.5 || hour > 19.5) Assert.True(values[i] == 0, $"solar {values[i]} Wh at {hour:0.00} h local on day {day}");
            }
            Assert.True(values.Sum() > 0, "a day without any sun");
            // The peak is around local noon.
            var peak = Array.IndexOf(values, values.Max());
            Assert.InRange(LocalHour(day, peak), 9, 15);
        }
    }

    [Fact]
    public void Solar_gives_more_in_summer_than_in_winter()
    {
        var sim = new MeterSimulator(5);
        long Week(long from) => Enumerable.Range(0, 7).Sum(d => sim.Day(Solar, from + d * Day).Sum());
        Assert.True(Week(June21) > 1.3 * Week(Dec21), $"June {Week(June21)} Wh, December {Week(Dec21)} Wh");
        int Daylight(long day) => sim.Day(Solar, day).Count(v => v > 0);
        Assert.True(Daylight(June21) > Daylight(Dec21));
    }

    [Fact]
    public void Wind_varies_and_gusts()
    {
        var sim = new MeterSimulator(9);
        var values = Year().Take(30).SelectMany(d => sim.Day(Wind, d)).ToArray();
        var steps = values.Zip(values.Skip(1), (a, b) => Math.Abs(b - a)).ToArray();
        Assert.True(values.Distinct().Count() > 1_000, "wind should not repeat itself");
        Assert.Contains(steps, s => s > Wind.CapacityW / 4 / 8); // a gust: more than 1/8 of capacity in one step
    }

    [Fact]
    public void Wind_joins_one_day_to_the_next_without_a_step_at_midnight()
    {
        var sim = new MeterSimulator(10);
        var days = Year().Take(60).ToArray();
        var steps = days.Zip(days.Skip(1), (d, next) => Math.Abs(sim.Day(Wind, next)[0] - sim.Day(Wind, d)[^1])).Order().ToArray();
        var median = steps[steps.Length / 2];
        Assert.True(median < Wind.CapacityW / 4 / 20, $"median midnight step {median} Wh is more than 5 % of capacity");
    }

    [Fact]
    public void Hydro_is_fairly_flat()
    {
        var values = new MeterSimulator(2).Day(Hydro, June21);
        Assert.True(values.Max() - values.Min() < Hydro.CapacityW / 4 / 10, "hydro should stay within 10 % of capacity over a day");
        Assert.True(values.Min() > 0);
    }

    [Fact]
    public void Industrial_load_runs_in_shifts_and_rests_at_the_weekend()
    {
        var sim = new MeterSimulator(4);
        var monday = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() - ChinaOffset; // Monday 00:00 local
        var weekday = sim.Day(Industrial, monday + ChinaOffset - ChinaOffset);
        double Mean(long[] v, Func<double, bool> when, long day) => Enumerable.Range(0, 96).Where(i => when(LocalHour(day, i))).Average(i => v[i]);
        var dayShift = Mean(weekday, h => h is > 10 and < 15, monday);
        var night = Mean(weekday, h => h is > 1 and < 6, monday);
        Assert.True(dayShift > 1.6 * night, $"day shift {dayShift}, night {night}");
        var saturday = monday + 5 * Day;
        Assert.True(Mean(sim.Day(Industrial, saturday), h => h is > 10 and < 15, saturday) < 0.75 * dayShift);
    }

    [Fact]
    public void Residential_load_peaks_in_the_evening()
    {
        var sim = new MeterSimulator(6);
        var day = June21 + 2 * Day;
        var values = sim.Day(Residential, day);
        var peak = Array.IndexOf(values, values.Max());
        Assert.InRange(LocalHour(day, peak), 18, 22.5);
        var night = Enumerable.Range(0, 96).Where(i => LocalHour(day, i) is > 2 and < 5).Average(i => values[i]);
        Assert.True(values.Max() > 2.5 * night);
    }

    [Fact]
    public void Outages_are_occasional_bounded_and_read_zero()
    {
        var sim = new MeterSimulator(12);
        var from = June21;
        var to = June21 + 120 * Day;
        var outages = sim.Outages(["F", "G"], from, to);
        Assert.InRange(outages.Count, 2, 60); // about 8 % of feeder-days
        Assert.All(outages, o =>
        {
            Assert.Equal(0, o.Start % MeterSimulator.IntervalMs);
            Assert.InRange(o.End - o.Start, 30 * 60_000, 4 * 3_600_000);
        });
        var outage = outages.First(o => o.FeederId == "F");
        var readings = sim.Readings(Hydro, outage.Start - Day, outage.End + Day, outages).ToList();
        Assert.All(readings.Where(r => r.Start >= outage.Start && r.Start < outage.End), r => Assert.Equal(0, r.Wh));
        Assert.Contains(readings, r => r.Wh > 0);
        // Another feeder's meter is not affected by F's outage.
        var other = sim.Readings(Hydro with { FeederId = "Z" }, outage.Start, outage.End, outages).ToList();
        Assert.All(other, r => Assert.True(r.Wh > 0));
    }
}
