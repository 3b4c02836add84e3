namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// kP for a point P used many times, without doublings: the scalar's 4-bit digits d_i select d_i * 16^i * P from a
/// table of 64 x 15 affine points (60 KB), so kP costs at most 64 mixed additions instead of ~256 doublings and ~50
/// additions. Building a table costs about as much as ten verifications: G has one per process, and a signer gets one
/// once it has signed a few transactions (Sm2Verifier).
/// </summary>
internal sealed class Sm2FixedBase
{
    private const int Windows = 64, Digits = 15;

    /// <summary>The table for the base point G.</summary>
    public static readonly Sm2FixedBase G = new(Sm2Curve.G);

    /// <summary>[window * 15 + d - 1] = d * 16^window * P.</summary>
    private readonly Sm2AffinePoint[] _table;

    public Sm2FixedBase(in Sm2AffinePoint p)
    {
        // 16^i * P for every window, then its 2..15 multiples; each step normalised in one batch (one inversion).
        var bases = new Sm2JacobianPoint[Windows];
        bases[0] = Sm2JacobianPoint.From(p);
        for (var window = 1; window < Windows; window++)
        {
            var b = bases[window - 1];
            for (var i = 0; i < 4; i++) b = Sm2Curve.Double(b);
            bases[window] = b;
        }
        var affineBases = Sm2Curve.ToAffine(bases);
        var multiples = new Sm2JacobianPoint[Windows * Digits];
        for (var window = 0; window < Windows; window++)
        {
            var multiple = Sm2JacobianPoint.From(affineBases[window]);
            multiples[window * Digits] = multiple;
            for (var digit = 2; digit <= Digits; digit++)
                multiples[window * Digits + digit - 1] = multiple = Sm2Curve.AddMixed(multiple, affineBases[window]);
        }
        _table = Sm2Curve.ToAffine(multiples);
    }

    /// <summary>sum + kP.</summary>
    public Sm2JacobianPoint AddMultiple(Sm2JacobianPoint sum, in Sm2Scalar k)
    {
        var table = _table;
        for (var window = 0; window < Windows; window++)
        {
            var digit = k.Nibble(window);
            if (digit != 0) sum = Sm2Curve.AddMixed(sum, table[window * Digits + digit - 1]);
        }
        return sum;
    }
}
