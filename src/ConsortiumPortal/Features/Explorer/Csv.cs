using System.Text;

namespace ConsortiumPortal.Features.Explorer;

/// <summary>
/// RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted and their quotes doubled; lines end in CRLF. The text
/// starts with a byte-order mark so Excel opens it as UTF-8 and shows Chinese names. Fields starting with = + - @ are
/// prefixed with ' so a spreadsheet does not run them as formulas.
/// </summary>
public static class Csv
{
    public const string MimeType = "text/csv;charset=utf-8";
    public const char ByteOrderMark = '\uFEFF';

    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<string?>> rows)
    {
        var text = new StringBuilder();
        text.Append(ByteOrderMark);
        AppendLine(text, header);
        foreach (var row in rows) AppendLine(text, row);
        return text.ToString();
    }

    private static void AppendLine(StringBuilder text, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first) text.Append(',');
            first = false;
            text.Append(Escape(field));
        }
        text.Append("\r\n");
    }

    public static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field)) return "";
        if (field[0] is '=' or '+' or '-' or '@' && !IsNumber(field)) field = "'" + field;
        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }

    private static bool IsNumber(string field) => decimal.TryParse(field, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _);
}
