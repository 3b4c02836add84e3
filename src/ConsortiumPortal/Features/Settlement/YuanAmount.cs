using System.Globalization;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Features.Settlement;

/// <summary>
/// Amounts are typed and shown in yuan and recorded on chain as integer fen (1 yuan = 100 fen). Parsing is exact
/// (decimal, never floating point): an amount with more than two decimals is refused, not rounded.
/// </summary>
public static class YuanAmount
{
    public enum Problem { None, Missing, NotANumber, TooManyDecimals, NotPositive, TooLarge }

    /// <summary>The largest amount the ledger records (canonical JSON integers are at most 2^53-1).</summary>
    public const long MaxFen = CanonicalJson.MaxSafeInteger;

    public static Problem TryParseFen(string? text, out long fen)
    {
        fen = 0;
        var trimmed = text?.Trim().Replace("¥", "").Replace("￥", "").Trim();
        if (string.IsNullOrEmpty(trimmed)) return Problem.Missing;
        if (!decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
            return Problem.NotANumber;
        if (yuan <= 0) return Problem.NotPositive;
        var fenExact = yuan * 100m;
        if (fenExact != decimal.Truncate(fenExact)) return Problem.TooManyDecimals;
        if (fenExact > MaxFen) return Problem.TooLarge;
        fen = (long)fenExact;
        return Problem.None;
    }

    /// <summary>Fen as yuan with two decimals, e.g. 123456 -> "1,234.56".</summary>
    public static string Format(long fen) => (fen / 100m).ToString("N2", CultureInfo.InvariantCulture);
}
