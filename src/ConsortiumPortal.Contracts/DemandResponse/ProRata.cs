namespace ConsortiumPortal.Contracts.DemandResponse;

/// <summary>
/// Splits an amount of fen among parties pro rata to integer weights so that the shares sum to the amount exactly
/// (largest-remainder method): each party first gets floor(amount x weight / total); the fen left over go one each to
/// the largest remainders, ties to the smaller party id (ordinal). Int128 keeps amount x weight from overflowing.
/// </summary>
public static class ProRata
{
    public static IReadOnlyList<(string Party, long Amount)> Split(long amount, IReadOnlyList<(string Party, long Weight)> weights)
    {
        if (amount < 0) throw new ArgumentOutOfRangeException(nameof(amount), "only a non-negative amount is split");
        if (weights.Any(w => w.Weight < 0)) throw new ArgumentOutOfRangeException(nameof(weights), "weights are non-negative");
        var ordered = weights.OrderBy(w => w.Party, StringComparer.Ordinal).ToList();
        Int128 total = 0;
        foreach (var w in ordered) total += w.Weight;
        if (ordered.Count == 0) return [];
        if (total == 0)
        {
            // Nobody weighs anything: an equal split is the only fair one, still exact.
            total = ordered.Count;
            ordered = ordered.Select(w => (w.Party, 1L)).ToList();
        }
        var shares = new long[ordered.Count];
        var remainders = new Int128[ordered.Count];
        long given = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var product = (Int128)amount * ordered[i].Weight;
            shares[i] = (long)(product / total);
            remainders[i] = product % total;
            given += shares[i];
        }
        var left = amount - given;
        foreach (var i in Enumerable.Range(0, ordered.Count).OrderByDescending(i => remainders[i]).ThenBy(i => ordered[i].Party, StringComparer.Ordinal))
        {
            if (left == 0) break;
            shares[i]++;
            left--;
        }
        return ordered.Select((w, i) => (w.Party, shares[i])).ToList();
    }
}
