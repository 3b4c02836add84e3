using System.Globalization;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// The readings CSV format (docs/metering.md): UTF-8, a header line <c>meter_id,interval_start,wh</c> (any order, any
/// case, extra columns ignored), then one reading per line. interval_start is ISO 8601 with an offset
/// (2026-11-29T08:15:00+08:00 or ...Z) or Unix milliseconds; wh is a whole number of watt-hours. Blank lines and lines
/// starting with # are skipped. Every line that cannot be read is reported with its line number and the reason; the
/// lines that can be read go on to validation against the ledger.
/// </summary>
public static class ReadingsCsv
{
    public const string Header = "meter_id,interval_start,wh";
    public const int MaxLines = MeteringIngest.MaxRowsPerRequest + 1;

    public sealed record Parsed(IReadOnlyList<ReadingRow> Rows, IReadOnlyList<RejectedRow> Rejected)
    {
        public int Lines => Rows.Count + Rejected.Count;
    }

    public static Parsed Parse(string text)
    {
        using var reader = new StringReader(text);
        return Parse(reader);
    }

    public static Parsed Parse(TextReader reader)
    {
        var rows = new List<ReadingRow>();
        var rejected = new List<RejectedRow>();
        int meterColumn = -1, startColumn = -1, whColumn = -1, columns = 0;
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1 && line.Length > 0 && line[0] == '\uFEFF') line = line[1..]; // BOM from spreadsheet exports
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            if (lineNumber > MaxLines) throw new MeteringRequestException($"a file holds at most {MaxLines - 1} readings; split it");
            var fields = Split(line);
            if (meterColumn < 0)
            {
                if (fields is null) throw new MeteringRequestException($"line {lineNumber}: the first line must be the header {Header}");
                var names = fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
                meterColumn = names.IndexOf("meter_id");
                startColumn = names.IndexOf("interval_start");
                whColumn = names.IndexOf("wh");
                columns = names.Count;
                if (meterColumn < 0 || startColumn < 0 || whColumn < 0)
                    throw new MeteringRequestException($"line {lineNumber}: the first line must be the header {Header}");
                continue;
            }
            if (fields is null) { rejected.Add(new(lineNumber, null, null, "unbalanced quotes")); continue; }
            if (fields.Count != columns) { rejected.Add(new(lineNumber, null, null, $"expected {columns} fields, found {fields.Count}")); continue; }
            var meter = fields[meterColumn].Trim();
            var startText = fields[startColumn].Trim();
            var whText = fields[whColumn].Trim();
            if (meter.Length == 0) { rejected.Add(new(lineNumber, null, null, "meter id is empty")); continue; }
            if (ParseTime(startText) is not { } start) { rejected.Add(new(lineNumber, meter, null, $"interval_start \"{Clip(startText)}\" is not an ISO 8601 time with an offset or Unix milliseconds")); continue; }
            if (!long.TryParse(whText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var wh))
            { rejected.Add(new(lineNumber, meter, start, $"wh \"{Clip(whText)}\" is not a whole number of watt-hours")); continue; }
            rows.Add(new ReadingRow(lineNumber, meter, start, wh));
        }
        if (meterColumn < 0) throw new MeteringRequestException($"the file is empty: it needs the header {Header} and one reading per line");
        return new Parsed(rows, rejected);
    }

    public static DateTimeOffset? ParseTime(string text)
    {
        if (text.Length is > 0 and <= 15 && text.All(char.IsAsciiDigit) && long.TryParse(text, CultureInfo.InvariantCulture, out var ms))
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        // An offset is required: a local time without one would mean different instants on different machines.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':');
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return at;
        return null;
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting within the line); null if a quote is left open.</summary>
    private static List<string>? Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) return null;
        fields.Add(field.ToString());
        return fields;
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    /// <summary>Rows back to CSV (the format above, times in UTC): what the export and the simulator write.</summary>
    public static string Write(IEnumerable<(string MeterId, DateTimeOffset IntervalStart, long Wh)> readings)
    {
        var text = new System.Text.StringBuilder(Header).Append('\n');
        foreach (var (meter, start, wh) in readings)
            text.Append(meter).Append(',').Append(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                .Append(',').Append(wh.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }
}
