using System.Globalization;

namespace ConsortiumPortal.Features.Explorer;

/// <summary>
/// What a search box entry names: a height (digits), or a 64-hex hash that is a block hash first, else a tx id.
/// </summary>
public static class ExplorerSearchResolver
{
    public static async Task<SearchTarget> ResolveAsync(IExplorerQueries queries, string? input, CancellationToken token = default)
    {
        var text = (input ?? "").Trim();
        if (text.StartsWith('#')) text = text[1..];
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length == 66) text = text[2..];
        if (text.Length == 0) return new(SearchTargetKind.Invalid);
        if (text.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var height)) return new(SearchTargetKind.NotFound);
            return await queries.BlockExistsAsync(height, token)
                ? new(SearchTargetKind.Block, $"/explorer/blocks/{height}")
                : new(SearchTargetKind.NotFound);
        }
        if (!ExplorerText.IsHash(text)) return new(SearchTargetKind.Invalid);
        var hash = text.ToLowerInvariant();
        if (await queries.BlockHeightByHashAsync(hash, token) is { } blockHeight) return new(SearchTargetKind.Block, $"/explorer/blocks/{blockHeight}");
        if (await queries.TransactionExistsAsync(hash, token)) return new(SearchTargetKind.Transaction, $"/explorer/transactions/{hash}");
        return new(SearchTargetKind.NotFound);
    }
}
