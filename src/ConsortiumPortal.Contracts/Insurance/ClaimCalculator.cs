using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Contracts.Insurance;

/// <summary>What one outage is worth to one policy before the per-period cap: a payout, or a reason it pays nothing.</summary>
public sealed record ClaimAssessment(string? DeclineReason, long CoveredMs, long ExcessMs, long LostWh, long AmountFen, IReadOnlyList<CoveredSpan> Spans)
{
    public bool Pays => DeclineReason is null;
}

/// <summary>
/// The payout formula, in integers only, used by the contract (to decide) and by the risk view's back-test (to show what
/// a product would have paid). Steps: the trigger (unplanned, longer than the threshold, judged on the whole outage); the
/// covered time (the outage clipped to the policy's cover, minus time an earlier claim of the same policy already
/// counted); the deductible (the first minutes of covered time); then per hour, or per kWh of lost load estimated from
/// the same quarter-hours of the seven days before the outage; then the per-event cap.
/// </summary>
public static class ClaimCalculator
{
    public const long HourMs = 3_600_000;
    public const long MinuteMs = 60_000;
    public const int BaselineDays = 7;

    /// <param name="history">The meter's readings over [from, to): MeteringState.Readings inside a contract, the store outside.</param>
    public static ClaimAssessment Assess(
        ProductTerms terms, long coverStart, long coverEnd, string meterType, long outageStart, long outageEnd, bool planned,
        IReadOnlyList<CoveredSpan> alreadyCounted, Func<long, long, IReadOnlyList<IntervalReading>> history)
    {
        if (planned) return Decline("planned outage: planned outages are excluded");
        var durationMs = outageEnd - outageStart;
        if (durationMs <= terms.ThresholdMinutes * MinuteMs)
            return Decline($"the outage lasted {durationMs / MinuteMs} min; the trigger needs more than {terms.ThresholdMinutes} min");

        var spans = Subtract(new CoveredSpan(Math.Max(outageStart, coverStart), Math.Min(outageEnd, coverEnd)), alreadyCounted);
        var coveredMs = spans.Sum(s => s.To - s.From);
        if (coveredMs == 0) return Decline("the outage's covered time was already counted by another claim of this policy");
        var deductibleMs = terms.DeductibleMinutes * MinuteMs;
        if (coveredMs <= deductibleMs)
            return Decline($"{coveredMs / MinuteMs} min of covered outage is within the deductible of {terms.DeductibleMinutes} min", spans, coveredMs);

        var excess = SkipFirst(spans, deductibleMs);
        var excessMs = coveredMs - deductibleMs;
        long lostWh = 0;
        long amount;
        if (terms.PayoutBasis == PayoutBases.Hourly)
            amount = (long)((Int128)excessMs * terms.RatePerHourFen / HourMs);
        else
        {
            lostWh = LostLoadWh(excess, meterType, outageStart, history);
            if (lostWh == 0) return Decline("no consumption in the meter's last seven days to estimate lost load from", spans, coveredMs, excessMs);
            amount = (long)((Int128)lostWh * terms.RatePerKwhFen / 1000);
        }
        amount = Math.Min(amount, terms.PerEventCapFen);
        if (amount <= 0) return Decline("the payout rounds to zero fen", spans, coveredMs, excessMs, lostWh);
        return new ClaimAssessment(null, coveredMs, excessMs, lostWh, amount, spans);
    }

    /// <summary>
    /// Load lost over the spans: for each quarter-hour they touch, the average consumption of that quarter-hour of the day
    /// over the seven days before the outage (days without a reading there are left out), pro rata of the overlap.
    /// </summary>
    public static long LostLoadWh(IReadOnlyList<CoveredSpan> spans, string meterType, long outageStart, Func<long, long, IReadOnlyList<IntervalReading>> history)
    {
        var sum = new long[MeteringState.IntervalsPerDay];
        var count = new int[MeteringState.IntervalsPerDay];
        foreach (var r in history(outageStart - BaselineDays * MeteringState.DayMs, MeteringState.DayStartOf(outageStart) + SlotOf(outageStart) * MeteringState.IntervalMs))
        {
            var slot = SlotOf(r.IntervalStart);
            sum[slot] += Consumption(meterType, r.Wh);
            count[slot]++;
        }
        long lost = 0;
        foreach (var span in spans)
        {
            for (var interval = span.From - Mod(span.From, MeteringState.IntervalMs); interval < span.To; interval += MeteringState.IntervalMs)
            {
                var slot = SlotOf(interval);
                if (count[slot] == 0) continue;
                var overlap = Math.Min(span.To, interval + MeteringState.IntervalMs) - Math.Max(span.From, interval);
                lost += (long)((Int128)sum[slot] * overlap / ((Int128)count[slot] * MeteringState.IntervalMs));
            }
        }
        return lost;
    }

    /// <summary>Energy taken from the grid: a "both" meter records it as negative net energy.</summary>
    private static long Consumption(string meterType, long wh) => meterType == MeterTypes.Both ? Math.Max(0, -wh) : Math.Max(0, wh);

    private static int SlotOf(long ms) => (int)(Mod(ms, MeteringState.DayMs) / MeteringState.IntervalMs);

    private static long Mod(long a, long m) => ((a % m) + m) % m;

    /// <summary>The span minus every counted span, as ordered disjoint pieces.</summary>
    public static IReadOnlyList<CoveredSpan> Subtract(CoveredSpan span, IReadOnlyList<CoveredSpan> counted)
    {
        var pieces = new List<CoveredSpan>();
        if (span.To <= span.From) return pieces;
        pieces.Add(span);
        foreach (var c in counted)
        {
            var next = new List<CoveredSpan>();
            foreach (var p in pieces)
            {
                if (c.To <= p.From || c.From >= p.To) { next.Add(p); continue; }
                if (c.From > p.From) next.Add(new CoveredSpan(p.From, c.From));
                if (c.To < p.To) next.Add(new CoveredSpan(c.To, p.To));
            }
            pieces = next;
        }
        return pieces;
    }

    /// <summary>The spans without their first <paramref name="ms"/> milliseconds (the deductible).</summary>
    private static IReadOnlyList<CoveredSpan> SkipFirst(IReadOnlyList<CoveredSpan> spans, long ms)
    {
        var result = new List<CoveredSpan>();
        foreach (var s in spans)
        {
            var length = s.To - s.From;
            if (ms >= length) { ms -= length; continue; }
            result.Add(new CoveredSpan(s.From + ms, s.To));
            ms = 0;
        }
        return result;
    }

    private static ClaimAssessment Decline(string reason, IReadOnlyList<CoveredSpan>? spans = null, long coveredMs = 0, long excessMs = 0, long lostWh = 0) =>
        new(reason, coveredMs, excessMs, lostWh, 0, spans ?? []);

    /// <summary>Premium in fen: the class's rate in basis points of the period cap per 365 days, for the policy's length (rounded up to whole days).</summary>
    public static long Premium(ProductTerms terms, string customerClass, long start, long end)
    {
        var rate = terms.PremiumRates.First(r => r.CustomerClass == customerClass).RateBasisPoints;
        var days = (end - start + MeteringState.DayMs - 1) / MeteringState.DayMs;
        return (long)((Int128)terms.PerPeriodCapFen * rate * days / (10_000 * 365));
    }
}
