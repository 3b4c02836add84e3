using ConsortiumPortal.Chain.State;
using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// Checks each row against committed state with the contract's rules, so a file with some bad rows still records its
/// good ones: the contract refuses a batch as a whole, so only rows that pass here are submitted. The contract checks
/// everything again; a batch it refuses anyway (state changed in between) is reported with its reason.
/// </summary>
public sealed class ReadingValidator(IStateReader state, string submitterOrganisation, long nowMs)
{
    private readonly Dictionary<string, Meter?> _meters = new(StringComparer.Ordinal);
    // Recorded readings by meter and UTC day, read with one prefix scan per meter-day instead of one lookup per row.
    private readonly Dictionary<(string, long), Dictionary<long, IntervalReading>> _recorded = [];

    public sealed record Result(IReadOnlyList<(ReadingRow Row, Meter Meter, long Start, long Wh)> Valid, IReadOnlyList<RejectedRow> Rejected, int AlreadyRecorded);

    public Result Validate(IReadOnlyList<ReadingRow> rows, IProgress<IngestProgress>? progress = null)
    {
        var valid = new List<(ReadingRow, Meter, long, long)>(rows.Count);
        var rejected = new List<RejectedRow>();
        var inBatch = new Dictionary<(string, long), long>();
        var already = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (Check(row, inBatch, out var meter, out var start) is { } reason)
            {
                if (reason.Length == 0) already++; // "" = already recorded with this value: harmless, not an error
                else rejected.Add(new RejectedRow(row.Line, row.MeterId, row.IntervalStart, reason));
            }
            else
            {
                inBatch[(meter!.MeterId, start)] = row.Wh!.Value;
                valid.Add((row, meter, start, row.Wh.Value));
            }
            if (progress is not null && (i + 1) % 5_000 == 0) progress.Report(new IngestProgress("validating", i + 1, rows.Count));
        }
        return new Result(valid, rejected, already);
    }

    /// <summary>null = valid; "" = already recorded with the same value; else the reason the row is rejected.</summary>
    private string? Check(ReadingRow row, Dictionary<(string, long), long> inBatch, out Meter? meter, out long start)
    {
        meter = null;
        start = 0;
        if (string.IsNullOrWhiteSpace(row.MeterId)) return "meter id is missing";
        if (row.IntervalStart is not { } at) return "interval start is missing";
        if (row.Wh is not { } wh) return "energy (Wh) is missing";
        start = at.ToUnixTimeMilliseconds();
        if (!_meters.TryGetValue(row.MeterId, out meter))
            _meters[row.MeterId] = meter = MeteringState.GetMeter(state, row.MeterId);
        if (meter is null) return $"meter {row.MeterId} is not registered";
        if (meter.GridCompanyId != submitterOrganisation) return $"meter {row.MeterId} is served by {meter.GridCompanyId}, not {submitterOrganisation}";
        if (start is < MeteringState.EarliestInterval or >= MeteringState.LatestInterval) return "interval start is out of range (2000..2099)";
        if (!MeteringState.IsAligned(start)) return $"interval start {Iso(start)} is not on a 15-minute boundary";
        if (start + MeteringState.IntervalMs > nowMs) return $"interval {Iso(start)} has not ended yet";
        if (meter.Type != MeterTypes.Both && wh < 0) return "a reading cannot be negative";
        if (Math.Abs(wh) > meter.MaxIntervalWh) return $"{wh} Wh exceeds the meter's capacity of {meter.MaxIntervalWh} Wh per 15 minutes";
        if (inBatch.TryGetValue((meter.MeterId, start), out var earlier))
            return earlier == wh ? "" : $"interval {Iso(start)} appears earlier in this batch with {earlier} Wh";
        if (Recorded(meter.MeterId, start) is { } recorded)
            return recorded.Wh == wh || recorded.OriginalWh == wh ? "" : $"interval {Iso(start)} is already recorded as {recorded.Wh} Wh; send a correction with a reason";
        return null;
    }

    private IntervalReading? Recorded(string meterId, long start)
    {
        var day = MeteringState.DayStartOf(start);
        if (!_recorded.TryGetValue((meterId, day), out var readings))
            _recorded[(meterId, day)] = readings = MeteringState.Readings(state, meterId, day, day + MeteringState.DayMs).ToDictionary(r => r.IntervalStart);
        return readings.GetValueOrDefault(start);
    }

    public static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
