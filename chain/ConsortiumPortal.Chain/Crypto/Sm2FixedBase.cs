namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// kP for a point P used many times, without doublings. k is written in signed w-bit digits
/// d_i in [-(2^(w-1) - 1), 2^(w-1)], and the table holds |d| * 2^(w*i) * P for |d| = 1 .. 2^(w-1) (a negative digit
/// adds the negated point, which is free), so kP costs at most 256/w + 1 mixed additions instead of ~256 doublings and
/// ~50 additions. G has a 7-bit table (37 windows x 64 points, 151 KB) built once per process; a signer gets a 5-bit
/// one (52 x 16 points, 53 KB, about ten verifications' work) once it has signed a few transactions (Sm2Verifier).
/// </summary>
internal sealed class Sm2FixedBase
{
    /// <summary>The table for the base point G.</summary>
    public static readonly Sm2FixedBase G = new(Sm2Curve.G, 7);

    private readonly int _bits, _windows, _half;

    /// <summary>[window * half + |d| - 1] = |d| * 2^(bits * window) * P.</summary>
    private readonly Sm2AffinePoint[] _table;

    public Sm2FixedBase(in Sm2AffinePoint p, int bits)
    {
        if (bits is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(bits));
        _bits = bits;
        _windows = 256 / bits + 1; // room for the carry out of the top digit of a 256-bit scalar
        _half = 1 << (bits - 1);
        // 2^(bits * window) * P for every window, then its multiples up to half; each step normalised in one batch.
        var bases = new Sm2JacobianPoint[_windows];
        bases[0] = Sm2JacobianPoint.From(p);
        for (var window = 1; window < _windows; window++)
        {
            var b = bases[window - 1];
            for (var i = 0; i < bits; i++) b = Sm2Curve.Double(b);
            bases[window] = b;
        }
        var affineBases = Sm2Curve.ToAffine(bases);
        var multiples = new Sm2JacobianPoint[_windows * _half];
        for (var window = 0; window < _windows; window++)
        {
            var multiple = Sm2JacobianPoint.From(affineBases[window]);
            multiples[window * _half] = multiple;
            for (var digit = 2; digit <= _half; digit++)
                multiples[window * _half + digit - 1] = multiple = Sm2Curve.AddMixed(multiple, affineBases[window]);
        }
        _table = Sm2Curve.ToAffine(multiples);
    }

    /// <summary>sum + kP, for k below 2^256.</summary>
    public Sm2JacobianPoint AddMultiple(Sm2JacobianPoint sum, in Sm2Scalar k)
    {
        var table = _table;
        var carry = 0;
        for (var window = 0; window < _windows; window++)
        {
            var digit = k.Bits(window * _bits, _bits) + carry;
            carry = 0;
            if (digit > _half)
            {
                digit -= 1 << _bits; // now negative (or zero for 2^bits), and 2^bits is carried into the next window
                carry = 1;
            }
            if (digit > 0) sum = Sm2Curve.AddMixed(sum, table[window * _half + digit - 1]);
            else if (digit < 0) sum = Sm2Curve.AddMixed(sum, table[window * _half - digit - 1].Negate());
        }
        return sum;
    }
}
