namespace ConsortiumPortal.Contracts.Evidence;

/// <summary>
/// A supplier's quality score from its inspection results, 0..100, integers only (contracts use no floating point):
/// <c>score = round(100 * (passed + 1) / (passed + failed + 2))</c>, rounding half up — the pass rate with one pass
/// and one failure assumed up front (Laplace's rule of succession). So a supplier nobody has inspected scores 50 rather
/// than 0 or 100, one passed batch gives 67, ten passed batches 92, nine passed and one failed 83: a few results
/// move the score, many results are needed to approach 0 or 100. The same formula gives each product category's score
/// (from that category's counts) and the overall score (from the counts over all categories).
/// </summary>
public static class SupplierScore
{
    public static int Of(int passed, int failed)
    {
        if (passed < 0 || failed < 0) throw new ArgumentOutOfRangeException(nameof(passed), "counts are never negative");
        long denominator = (long)passed + failed + 2;
        return (int)((100L * (passed + 1) * 2 + denominator) / (2 * denominator));
    }
}
