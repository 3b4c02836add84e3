using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// Turns validated rows into transactions: consecutive intervals of a meter become one series (compact: a meter-day is
/// one id, one start and 96 numbers), and series are packed into batches that stay well inside a transaction's 64 KiB.
/// </summary>
public static class ReadingBatcher
{
    /// <summary>Bytes of arguments per transaction we aim under (the body limit is 64 KiB, the rest is envelope).</summary>
    public const int TargetArgumentBytes = 48 * 1024;
    public const int MaxReadingsPerTransaction = 6_000;

    public static IReadOnlyList<MeteringContract.ReadingSeries> ToSeries(IEnumerable<(string MeterId, long Start, long Wh)> readings)
    {
        var series = new List<MeteringContract.ReadingSeries>();
        string? meter = null;
        long start = 0, next = 0;
        var values = new List<long>();
        foreach (var r in readings.OrderBy(r => r.MeterId, StringComparer.Ordinal).ThenBy(r => r.Start))
        {
            if (r.MeterId != meter || r.Start != next)
            {
                if (meter is not null) series.Add(new(meter, start, values.ToArray()));
                meter = r.MeterId;
                start = r.Start;
                values.Clear();
            }
            values.Add(r.Wh);
            next = r.Start + MeteringState.IntervalMs;
        }
        if (meter is not null) series.Add(new(meter, start, values.ToArray()));
        return series;
    }

    /// <summary>Series packed into batches by estimated size; a series too long for one batch is split.</summary>
    public static IReadOnlyList<MeteringContract.RecordReadingsArgs> ToBatches(IEnumerable<MeteringContract.ReadingSeries> series)
    {
        var batches = new List<MeteringContract.RecordReadingsArgs>();
        var current = new List<MeteringContract.ReadingSeries>();
        int bytes = 0, count = 0;
        foreach (var whole in series)
        {
            var offset = 0;
            while (offset < whole.Wh.Count)
            {
                var header = 48 + whole.MeterId.Length;
                if (bytes + header + 24 > TargetArgumentBytes || count >= MaxReadingsPerTransaction) Flush();
                var take = 0;
                var size = header;
                while (offset + take < whole.Wh.Count && bytes + size + Digits(whole.Wh[offset + take]) + 1 <= TargetArgumentBytes && count + take < MaxReadingsPerTransaction)
                {
                    size += Digits(whole.Wh[offset + take]) + 1;
                    take++;
                }
                current.Add(new(whole.MeterId, whole.Start + offset * MeteringState.IntervalMs, whole.Wh.Skip(offset).Take(take).ToArray()));
                bytes += size;
                count += take;
                offset += take;
            }
        }
        Flush();
        return batches;

        void Flush()
        {
            if (current.Count == 0) return;
            batches.Add(new MeteringContract.RecordReadingsArgs(current.ToArray()));
            current.Clear();
            bytes = count = 0;
        }
    }

    private static int Digits(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
}
