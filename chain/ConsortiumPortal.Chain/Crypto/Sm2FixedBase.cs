namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// kP for a point P used many times, without doublings: the scalar's w-bit digits d_i select d_i * 2^(w*i) * P from a
/// table of ceil(256/w) x (2^w - 1) affine points, so kP costs at most ceil(256/w) mixed additions instead of ~256
/// doublings and ~50 additions. G has a 6-bit table (43 windows, 2,709 points, 173 KB) built once per process; a
/// signer gets a 4-bit one (64 windows, 960 points, 60 KB, about ten verifications' work) once it has signed a few
/// transactions (Sm2Verifier).
/// </summary>
internal sealed class Sm2FixedBase
{
    /// <summary>The table for the base point G.</summary>
    public static readonly Sm2FixedBase G = new(Sm2Curve.G, 6);

    private readonly int _bits, _windows, _digits;

    /// <summary>[window * digits + d - 1] = d * 2^(bits * window) * P.</summary>
    private readonly Sm2AffinePoint[] _table;

    public Sm2FixedBase(in Sm2AffinePoint p, int bits)
    {
        if (bits is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(bits));
        _bits = bits;
        _windows = (256 + bits - 1) / bits;
        _digits = (1 << bits) - 1;
        int Windows = _windows, Digits = _digits;
        // 16^i * P for every window, then its 2..15 multiples; each step normalised in one batch (one inversion).
        var bases = new Sm2JacobianPoint[Windows];
        bases[0] = Sm2JacobianPoint.From(p);
        for (var window = 1; window < Windows; window++)
        {
            var b = bases[window - 1];
            for (var i = 0; i < bits; i++) b = Sm2Curve.Double(b);
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
        for (var window = 0; window < _windows; window++)
        {
            var digit = k.Bits(window * _bits, _bits);
            if (digit != 0) sum = Sm2Curve.AddMixed(sum, table[window * _digits + digit - 1]);
        }
        return sum;
    }
}
