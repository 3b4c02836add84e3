using ConsortiumPortal.Contracts.DemandResponse;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

/// <summary>
/// The baseline methods against hand-computed examples. Calendar (UTC): 2026-01-01 is a Thursday, so the weekdays before
/// Monday 2026-01-05 are Jan 2, Jan 1, Dec 31, 30, 29, 26, 25, 24, 23, 22, 19, 18 ... and the weekend days before Sunday
/// 2026-01-04 are Jan 3, Dec 28, 27, 21, 20, 14.
/// </summary>
public sealed class BaselineTests
{
    private const long Q = Baselines.IntervalMs;
    private const long H = Baselines.HourMs;
    private static long D(int year, int month, int day) => new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly long Monday = D(2026, 1, 5);
    private static readonly long Sunday = D(2026, 1, 4);
    private static readonly long[] WeekdaysBeforeMonday =
        [D(2026, 1, 2), D(2026, 1, 1), D(2025, 12, 31), D(2025, 12, 30), D(2025, 12, 29), D(2025, 12, 26), D(2025, 12, 25), D(2025, 12, 24), D(2025, 12, 23), D(2025, 12, 22), D(2025, 12, 19), D(2025, 12, 18)];

    /// <summary>Every interval of a day reads <paramref name="wh"/>.</summary>
    private static void Flat(Dictionary<long, long> readings, long day, long wh)
    {
        for (var t = day; t < day + Baselines.DayMs; t += Q) readings[t] = wh;
    }

    /// <summary>Weekdays flat at 1000 Wh except as given; the event day's morning (up to the event) at <paramref name="morning"/>.</summary>
    private static Dictionary<long, long> History(long morning, params (long Day, long Wh)[] days)
    {
        var readings = new Dictionary<long, long>();
        for (var day = Monday - 21 * Baselines.DayMs; day < Monday; day += Baselines.DayMs) Flat(readings, day, 1000);
        foreach (var (day, wh) in days) Flat(readings, day, wh);
        for (var t = Monday; t < Monday + 10 * H; t += Q) readings[t] = morning;
        return readings;
    }

    private static Baseline TenInTen(Dictionary<long, long> readings, params long[] excluded) =>
        Baselines.Compute(Baselines.TenInTen, Monday + 10 * H, Monday + 11 * H, readings, excluded.ToHashSet());

    [Fact]
    public void Day_of_week_follows_the_calendar()
    {
        Assert.Equal(4, Baselines.DayOfWeek(D(2026, 1, 1)));   // Thursday
        Assert.Equal(1, Baselines.DayOfWeek(Monday));
        Assert.Equal(0, Baselines.DayOfWeek(Sunday));
        Assert.True(Baselines.IsWeekend(D(2026, 1, 3)));
        Assert.False(Baselines.IsWeekend(D(2026, 1, 2)));
    }

    [Fact]
    public void Ten_in_ten_averages_the_ten_most_recent_weekdays_with_floor_and_adjusts_within_the_cap()
    {
        // The 10 most recent weekdays read 1000..1009 Wh (Jan 2 = 1000): mean 1004.5, floored to 1004 per interval.
        var readings = History(morning: 1100, WeekdaysBeforeMonday.Take(10).Select((d, i) => (d, 1000L + i)).ToArray());
        var baseline = TenInTen(readings);
        Assert.Equal(WeekdaysBeforeMonday.Take(10), baseline.DaysUsed);
        Assert.Equal([1004, 1004, 1004, 1004], baseline.UnadjustedWh);
        // Window 06:00-09:00 (12 intervals): actual 12 x 1100 = 13200, baseline 12 x 1004 = 12048; 13200000 / 12048 = 1095 permille.
        Assert.Equal(1095, baseline.AdjustmentPermille);
        Assert.Equal([1099, 1099, 1099, 1099], baseline.Wh);                   // 1004 x 1095 / 1000 = 1099.38
        Assert.Equal(4396, baseline.TotalWh);
    }

    [Fact]
    public void The_day_of_adjustment_is_capped_at_plus_and_minus_twenty_percent()
    {
        var up = TenInTen(History(morning: 2000));                               // 2000 / 1000 = 2000 permille, capped
        Assert.Equal(1200, up.AdjustmentPermille);
        Assert.Equal([1200, 1200, 1200, 1200], up.Wh);

        var down = TenInTen(History(morning: 300));                              // 300 permille, capped
        Assert.Equal(800, down.AdjustmentPermille);
        Assert.Equal([800, 800, 800, 800], down.Wh);

        var exactly = TenInTen(History(morning: 1200));                          // on the cap: not beyond it
        Assert.Equal(1200, exactly.AdjustmentPermille);
    }

    [Fact]
    public void The_adjustment_window_is_four_to_one_hours_before_the_event()
    {
        var readings = History(morning: 1000);
        // Outside the window (05:45 and 09:00) a spike changes nothing; inside (06:00) it does.
        readings[Monday + 5 * H + 45 * 60_000] = 50_000;
        readings[Monday + 9 * H] = 50_000;
        Assert.Equal(1000, TenInTen(readings).AdjustmentPermille);
        readings[Monday + 6 * H] = 1600;                                         // +600 over 12 x 1000 = 1050 permille
        Assert.Equal(1050, TenInTen(readings).AdjustmentPermille);
    }

    [Fact]
    public void Prior_event_days_and_outage_days_are_excluded_and_older_days_take_their_place()
    {
        // Jan 2 was an event day (low load), Dec 30 an outage day (zero): both excluded, Dec 19 and 18 come in.
        var readings = History(morning: 1000, (D(2026, 1, 2), 100), (D(2025, 12, 30), 0), (D(2025, 12, 19), 1100), (D(2025, 12, 18), 1100));
        var baseline = TenInTen(readings, D(2026, 1, 2), D(2025, 12, 30));
        Assert.Equal([D(2026, 1, 1), D(2025, 12, 31), D(2025, 12, 29), D(2025, 12, 26), D(2025, 12, 25), D(2025, 12, 24), D(2025, 12, 23), D(2025, 12, 22), D(2025, 12, 19), D(2025, 12, 18)],
            baseline.DaysUsed);
        // 8 x 1000 + 2 x 1100 = 10200 / 10 = 1020; window: 12000 x 1000 / 12240 = 980 permille; 1020 x 980 / 1000 = 999.6 -> 999
        Assert.Equal([1020, 1020, 1020, 1020], baseline.UnadjustedWh);
        Assert.Equal(980, baseline.AdjustmentPermille);
        Assert.Equal([999, 999, 999, 999], baseline.Wh);
    }

    [Fact]
    public void A_day_missing_an_interval_is_not_used()
    {
        var readings = History(morning: 1000);
        readings.Remove(D(2026, 1, 2) + 10 * H);                                  // an event-window interval of Jan 2
        var baseline = TenInTen(readings);
        Assert.DoesNotContain(D(2026, 1, 2), baseline.DaysUsed);
        Assert.Equal(D(2025, 12, 19), baseline.DaysUsed[^1]);
    }

    [Fact]
    public void High_five_of_ten_takes_the_five_highest_event_window_days_of_the_ten_most_recent_weekdays_without_adjustment()
    {
        // The 10 most recent weekdays read 1000, 1100, ..., 1900 in recency order; Dec 19 (11th) reads 5000 but is too old.
        var days = WeekdaysBeforeMonday.Take(10).Select((d, i) => (d, 1000L + 100 * i)).Append((D(2025, 12, 19), 5000L)).ToArray();
        var readings = History(morning: 9000, days);
        var baseline = Baselines.Compute(Baselines.HighFiveOfTen, Monday + 10 * H, Monday + 11 * H, readings, new HashSet<long>());
        // Highest five: 1900 (Dec 22), 1800 (23), 1700 (24), 1600 (25), 1500 (26): mean 1700, no adjustment despite the morning.
        Assert.Equal([D(2025, 12, 22), D(2025, 12, 23), D(2025, 12, 24), D(2025, 12, 25), D(2025, 12, 26)], baseline.DaysUsed);
        Assert.Equal(1000, baseline.AdjustmentPermille);
        Assert.Equal([1700, 1700, 1700, 1700], baseline.Wh);
    }

    [Fact]
    public void High_five_of_ten_on_a_weekend_takes_the_three_highest_of_the_five_most_recent_weekend_days()
    {
        var readings = new Dictionary<long, long>();
        for (var day = Sunday - 21 * Baselines.DayMs; day < Sunday; day += Baselines.DayMs) Flat(readings, day, 9999); // weekdays: never used
        // Weekend days, most recent first: Jan 3, Dec 28, 27, 21, 20 (and Dec 14, too old for five).
        Flat(readings, D(2026, 1, 3), 400);
        Flat(readings, D(2025, 12, 28), 700);
        Flat(readings, D(2025, 12, 27), 500);
        Flat(readings, D(2025, 12, 21), 700);
        Flat(readings, D(2025, 12, 20), 600);
        Flat(readings, D(2025, 12, 14), 8000);
        var baseline = Baselines.Compute(Baselines.HighFiveOfTen, Sunday + 8 * H, Sunday + 9 * H, readings, new HashSet<long>());
        // 700 (Dec 28), 700 (Dec 21: equal energy, the more recent first), 600 (Dec 20): mean 666.67 -> 666.
        Assert.Equal([D(2025, 12, 28), D(2025, 12, 21), D(2025, 12, 20)], baseline.DaysUsed);
        Assert.Equal([666, 666, 666, 666], baseline.Wh);
    }

    [Fact]
    public void Ten_in_ten_on_a_weekend_uses_weekend_days_only()
    {
        var readings = new Dictionary<long, long>();
        for (var day = Sunday - 21 * Baselines.DayMs; day < Sunday; day += Baselines.DayMs) Flat(readings, day, Baselines.IsWeekend(day) ? 500 : 9999);
        for (var t = Sunday; t < Sunday + 8 * H; t += Q) readings[t] = 500;
        var baseline = Baselines.Compute(Baselines.TenInTen, Sunday + 8 * H, Sunday + 9 * H, readings, new HashSet<long>());
        Assert.All(baseline.DaysUsed, d => Assert.True(Baselines.IsWeekend(d)));
        Assert.Equal(6, baseline.DaysUsed.Count);                                   // all six weekend days within 21 days
        Assert.Equal([500, 500, 500, 500], baseline.Wh);
    }

    [Fact]
    public void Without_an_eligible_day_the_baseline_is_zero()
    {
        var baseline = TenInTen(new Dictionary<long, long>());
        Assert.Empty(baseline.DaysUsed);
        Assert.Equal([0, 0, 0, 0], baseline.Wh);
        Assert.Equal(1000, baseline.AdjustmentPermille);
    }

    [Fact]
    public void An_event_crossing_midnight_or_off_the_quarter_hour_is_not_a_valid_window()
    {
        Assert.Throws<ArgumentException>(() => Baselines.Compute(Baselines.TenInTen, Monday + 7 * 60_000, Monday + H, new Dictionary<long, long>(), new HashSet<long>()));
        Assert.Throws<ArgumentException>(() => Baselines.Compute("7-in-7", Monday, Monday + H, new Dictionary<long, long>(), new HashSet<long>()));
    }
}
