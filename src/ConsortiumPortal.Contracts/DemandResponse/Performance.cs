using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Contracts.DemandResponse;

/// <summary>
/// One participant's performance in one event, from the recorded intervals of its meters: the portfolio's baseline
/// (sum of its meters' baselines), actual use, delivered reduction max(0, baseline - actual) per interval, credited
/// energy min(delivered, committed W x 15 min) per interval, incentive = credited x price, penalty = shortfall below the
/// minimum performance x penalty price (both floor to the fen). An aggregator's net payout is split among its meters'
/// owners pro rata to each meter's own delivered energy.
/// </summary>
public static class Performance
{
    public const long WhPerKwh = 1000;

    /// <summary>Per meter, the UTC days any outage of it touched within the event's look-back (open outages: up to the event's end).</summary>
    public static Dictionary<string, HashSet<long>> OutageDays(IEnumerable<Outage> outages, DrEvent ev)
    {
        var days = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        var from = Baselines.EarliestReading(ev.Start);
        foreach (var outage in outages)
        {
            var end = outage.End ?? ev.End;
            if (end <= from || outage.Start >= ev.End) continue;
            foreach (var meterId in outage.MeterIds)
            {
                if (!days.TryGetValue(meterId, out var set)) days[meterId] = set = [];
                for (var day = Baselines.DayStartOf(Math.Max(outage.Start, from)); day < end; day += Baselines.DayMs) set.Add(day);
            }
        }
        return days;
    }

    /// <summary>The result, or null while an event interval of one of its meters is not recorded yet.</summary>
    public static DrResult? Evaluate(ContractState state, DrProgram program, DrEvent ev, DrEnrolment enrolment,
        IReadOnlyDictionary<string, HashSet<long>> outageDays, long now, string txId)
    {
        var n = ev.Intervals;
        var eventDay = Baselines.DayStartOf(ev.Start);
        var meters = new List<DrMeterReport>(enrolment.MeterIds.Count);
        var baseline = new long[n];
        var actual = new long[n];
        foreach (var meterId in enrolment.MeterIds)
        {
            var meter = MeteringState.GetMeter(state, meterId)!;
            // One packed row a day (~22 rows for three weeks) instead of ~2,000 reading rows: docs/benchmarks.md.
            var recorded = MeteringState.Days(state, meterId, Baselines.EarliestReading(ev.Start), ev.End);
            var readings = new ReadingLookup(recorded.Wh, remember: false);
            var meterActual = new long[n];
            for (var i = 0; i < n; i++)
            {
                if (readings[ev.Start + i * Baselines.IntervalMs] is not { } wh) return null;
                meterActual[i] = wh;
            }
            var excluded = new HashSet<long>();
            foreach (var prior in state.Get<DrMeterEvents>(DemandResponseState.MeterEventsKey(meterId))?.Events ?? [])
                if (prior.Day != eventDay) excluded.Add(prior.Day);
            var outageOnEventDay = false;
            if (outageDays.TryGetValue(meterId, out var outages))
            {
                excluded.UnionWith(outages);
                outageOnEventDay = outages.Contains(eventDay);
            }
            var meterBaseline = Baselines.Compute(program.BaselineMethod, ev.Start, ev.End, readings, excluded);
            long meterDelivered = 0;
            for (var i = 0; i < n; i++)
            {
                baseline[i] += meterBaseline.Wh[i];
                actual[i] += meterActual[i];
                meterDelivered += Math.Max(0, meterBaseline.Wh[i] - meterActual[i]);
            }
            // A load cut by an outage on the event day is not a response: that meter earns nothing.
            if (outageOnEventDay)
            {
                for (var i = 0; i < n; i++) baseline[i] -= meterBaseline.Wh[i] - meterActual[i];
                meterDelivered = 0;
            }
            meters.Add(new DrMeterReport(meterId, meter.OrganisationId, meterBaseline.DaysUsed, meterBaseline.AdjustmentPermille,
                meterBaseline.Wh, meterActual, meterDelivered, outageOnEventDay));
        }

        var committedPerInterval = enrolment.CommittedW / 4; // W over 15 minutes = Wh
        var delivered = new long[n];
        long credited = 0;
        for (var i = 0; i < n; i++)
        {
            delivered[i] = Math.Max(0, baseline[i] - actual[i]);
            credited += Math.Min(delivered[i], committedPerInterval);
        }
        var committedWh = committedPerInterval * n;
        var required = committedWh * program.MinPerformancePermille / 1000;
        var incentive = credited * program.IncentiveFenPerKwh / WhPerKwh;
        var penalty = Math.Max(0, required - credited) * program.PenaltyFenPerKwh / WhPerKwh;
        // The incentive arrives first, so it counts towards what the participant can pay.
        var collected = Math.Min(penalty, Settlement.SettlementAccounts.Balance(state, enrolment.ParticipantId) + incentive);
        var performance = committedWh == 0 ? 0 : credited * 1000 / committedWh;

        IReadOnlyList<DrShare> shares = [];
        if (enrolment.Kind == DrParticipantKinds.Aggregator)
        {
            var byOwner = meters.GroupBy(m => m.OwnerId, StringComparer.Ordinal)
                .Select(g => (Party: g.Key, Weight: g.Sum(m => m.DeliveredWh))).ToList();
            var net = Math.Max(0, incentive - collected);
            var split = ProRata.Split(net, byOwner);
            shares = split.Select(s => new DrShare(s.Party, byOwner.First(o => o.Party == s.Party).Weight, s.Amount)).ToList();
        }
        return new DrResult(ev.EventId, enrolment.ParticipantId, enrolment.Kind, enrolment.CommittedW, baseline, actual, delivered,
            credited, required, incentive, penalty, collected, performance, shares, meters, now, txId);
    }
}
