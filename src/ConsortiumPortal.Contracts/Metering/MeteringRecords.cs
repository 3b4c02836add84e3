using System.Text.Json.Serialization;

namespace ConsortiumPortal.Contracts.Metering;

/// <summary>What a meter measures: energy fed into the grid, taken from it, or both (net, signed).</summary>
public static class MeterTypes
{
    public const string Generation = "generation";
    public const string Consumption = "consumption";
    public const string Both = "both";
    public static readonly IReadOnlyList<string> All = [Generation, Consumption, Both];
}

/// <summary>How a generation meter's energy is produced.</summary>
public static class MeterTechnologies
{
    public const string Wind = "wind";
    public const string Solar = "solar";
    public const string Hydro = "hydro";
    public const string Biomass = "biomass";
    public const string Other = "other";
    public static readonly IReadOnlyList<string> All = [Wind, Solar, Hydro, Biomass, Other];
}

/// <summary>
/// A meter registered by the grid company that serves it (and alone submits its readings) to the organisation that
/// owns the site. Capacity is in W (= kW x 1000): the most energy one 15-minute interval can hold is CapacityW / 4 Wh.
/// </summary>
public sealed record Meter(
    string MeterId, string OrganisationId, string SiteId, string Type, string? Technology, long CapacityW,
    string Province, string Location, string FeederId, string GridCompanyId, long RegisteredAt, long RegisteredAtHeight)
{
    /// <summary>The largest |Wh| one 15-minute interval may record.</summary>
    [JsonIgnore] public long MaxIntervalWh => CapacityW / 4;
}

/// <summary>
/// One recorded interval. <see cref="OriginalWh"/> and <see cref="Corrections"/> appear only once the reading has been
/// corrected, so the first value stays visible next to the current one (the full history is under the correction keys).
/// </summary>
public sealed record StoredReading(
    long Wh,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? OriginalWh = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Corrections = null);

/// <summary>A reading as read helpers return it: the interval it covers and its current and original values.</summary>
public sealed record IntervalReading(string MeterId, long IntervalStart, long Wh, long? OriginalWh, int Corrections)
{
    public long IntervalEnd => IntervalStart + MeteringState.IntervalMs;
    public bool Corrected => Corrections > 0;
}

/// <summary>One correction of a reading, kept forever: who changed what to what, and why.</summary>
public sealed record ReadingCorrection(
    string MeterId, long IntervalStart, int Sequence, long PreviousWh, long CorrectedWh, string Reason,
    string CorrectedBy, string TxId, long CorrectedAt);

/// <summary>An outage of some meters (named, or every meter of a feeder), open until restored.</summary>
public sealed record Outage(
    string OutageId, string GridCompanyId, string? FeederId, IReadOnlyList<string> MeterIds, long Start, long? End,
    bool Planned, string Cause, string StartedBy, string StartTxId, string? RestoredBy, string? RestoreTxId);

/// <summary>
/// One meter's readings of one UTC day in one row (<c>metering/day/{meterId}/{yyyyMMdd}</c>), kept by the metering
/// contract next to the per-reading rows in the same transaction, so a reader that needs weeks of a meter (a
/// demand-response baseline) reads one row a day instead of 96. It holds exactly what the day's reading rows hold:
/// <see cref="Present"/> has one character per interval from 00:00 UTC ('1' recorded, '0' not), <see cref="Wh"/> the
/// current value of each interval (0 where not recorded), <see cref="Corrected"/> the corrected intervals in slot order.
/// </summary>
public sealed record MeterDay(
    string Present,
    IReadOnlyList<long> Wh,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CorrectedSlot>? Corrected = null)
{
    public bool Has(int slot) => Present[slot] == '1';

    /// <summary>The day row of a day's reading rows (slot = interval index from 00:00 UTC, 0..95).</summary>
    public static MeterDay From(IEnumerable<(int Slot, StoredReading Reading)> readings)
    {
        var present = new char[MeteringState.IntervalsPerDay];
        Array.Fill(present, '0');
        var wh = new long[MeteringState.IntervalsPerDay];
        var corrected = new SortedDictionary<int, CorrectedSlot>();
        foreach (var (slot, reading) in readings)
        {
            present[slot] = '1';
            wh[slot] = reading.Wh;
            if (reading.Corrections is { } n) corrected[slot] = new CorrectedSlot(slot, reading.OriginalWh!.Value, n);
        }
        return new MeterDay(new string(present), wh, corrected.Count == 0 ? null : corrected.Values.ToArray());
    }
}

/// <summary>A corrected interval of a <see cref="MeterDay"/>: its first recorded value and how many corrections it has had.</summary>
public sealed record CorrectedSlot(int Slot, long OriginalWh, int Corrections);
