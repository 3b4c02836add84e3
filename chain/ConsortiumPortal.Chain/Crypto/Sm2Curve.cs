namespace ConsortiumPortal.Chain.Crypto;

/// <summary>An affine point (x, y), coordinates in Montgomery form; only finite points are stored this way.</summary>
internal readonly struct Sm2AffinePoint(Sm2Field x, Sm2Field y)
{
    public readonly Sm2Field X = x, Y = y;

    public Sm2AffinePoint Negate() => new(X, Sm2Field.Negate(Y));
}

/// <summary>A Jacobian point (X/Z^2, Y/Z^3); Z = 0 is the point at infinity.</summary>
internal readonly struct Sm2JacobianPoint(Sm2Field x, Sm2Field y, Sm2Field z)
{
    public readonly Sm2Field X = x, Y = y, Z = z;

    public static readonly Sm2JacobianPoint Infinity = new(Sm2Field.One, Sm2Field.One, Sm2Field.Zero);

    public bool IsInfinity => Z.IsZero;

    public static Sm2JacobianPoint From(in Sm2AffinePoint p) => new(p.X, p.Y, Sm2Field.One);
}

/// <summary>
/// Point arithmetic on the SM2 curve y^2 = x^3 - 3x + b over GF(p) (a = p - 3, which the doubling formula uses).
/// Formulas from the Explicit-Formulas Database (dbl-2001-b, madd-2007-bl), with their exceptional cases
/// (infinity, P + P, P + -P) handled so that results are right for any input, not only for random ones.
/// </summary>
internal static class Sm2Curve
{
    public static readonly Sm2AffinePoint G = new(
        Sm2Field.ToMontgomery(Sm2Field.FromBigEndian(Convert.FromHexString("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"))),
        Sm2Field.ToMontgomery(Sm2Field.FromBigEndian(Convert.FromHexString("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"))));

    public static readonly Sm2Field B =
        Sm2Field.ToMontgomery(Sm2Field.FromBigEndian(Convert.FromHexString("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93")));

    /// <summary>Whether an affine point satisfies the curve equation.</summary>
    public static bool IsOnCurve(in Sm2AffinePoint p)
    {
        var x2 = Sm2Field.Square(p.X);
        var x3 = Sm2Field.Mul(x2, p.X);
        var threeX = Sm2Field.Add(Sm2Field.Double(p.X), p.X);
        var rhs = Sm2Field.Add(Sm2Field.Sub(x3, threeX), B);
        return Sm2Field.Square(p.Y).Equals(rhs);
    }

    /// <summary>2P (dbl-2001-b, a = -3): 3M + 5S.</summary>
    public static Sm2JacobianPoint Double(in Sm2JacobianPoint p)
    {
        if (p.IsInfinity) return p;
        var delta = Sm2Field.Square(p.Z);
        var gamma = Sm2Field.Square(p.Y);
        var beta = Sm2Field.Mul(p.X, gamma);
        var t = Sm2Field.Mul(Sm2Field.Sub(p.X, delta), Sm2Field.Add(p.X, delta));
        var alpha = Sm2Field.Add(Sm2Field.Double(t), t);
        var beta4 = Sm2Field.Double(Sm2Field.Double(beta));
        var x3 = Sm2Field.Sub(Sm2Field.Square(alpha), Sm2Field.Double(beta4));
        var z3 = Sm2Field.Sub(Sm2Field.Sub(Sm2Field.Square(Sm2Field.Add(p.Y, p.Z)), gamma), delta);
        var gamma2x8 = Sm2Field.Double(Sm2Field.Double(Sm2Field.Double(Sm2Field.Square(gamma))));
        var y3 = Sm2Field.Sub(Sm2Field.Mul(alpha, Sm2Field.Sub(beta4, x3)), gamma2x8);
        return new Sm2JacobianPoint(x3, y3, z3);
    }

    /// <summary>P + Q with Q affine (madd-2007-bl): 7M + 4S.</summary>
    public static Sm2JacobianPoint AddMixed(in Sm2JacobianPoint p, in Sm2AffinePoint q)
    {
        if (p.IsInfinity) return Sm2JacobianPoint.From(q);
        var z1z1 = Sm2Field.Square(p.Z);
        var u2 = Sm2Field.Mul(q.X, z1z1);
        var s2 = Sm2Field.Mul(q.Y, Sm2Field.Mul(p.Z, z1z1));
        var h = Sm2Field.Sub(u2, p.X);
        var sMinusY = Sm2Field.Sub(s2, p.Y);
        if (h.IsZero) return sMinusY.IsZero ? Double(p) : Sm2JacobianPoint.Infinity; // P = Q, or P = -Q
        var hh = Sm2Field.Square(h);
        var i = Sm2Field.Double(Sm2Field.Double(hh));
        var j = Sm2Field.Mul(h, i);
        var r = Sm2Field.Double(sMinusY);
        var v = Sm2Field.Mul(p.X, i);
        var x3 = Sm2Field.Sub(Sm2Field.Sub(Sm2Field.Square(r), j), Sm2Field.Double(v));
        var y3 = Sm2Field.Sub(Sm2Field.Mul(r, Sm2Field.Sub(v, x3)), Sm2Field.Double(Sm2Field.Mul(p.Y, j)));
        var z3 = Sm2Field.Sub(Sm2Field.Sub(Sm2Field.Square(Sm2Field.Add(p.Z, h)), z1z1), hh);
        return new Sm2JacobianPoint(x3, y3, z3);
    }

    /// <summary>The affine form of a finite point (one inversion: for tables, not per verification).</summary>
    public static Sm2AffinePoint ToAffine(in Sm2JacobianPoint p)
    {
        if (p.IsInfinity) throw new ArgumentException("the point at infinity has no affine form");
        var zInv = Sm2Field.Invert(p.Z);
        var zInv2 = Sm2Field.Square(zInv);
        return new Sm2AffinePoint(Sm2Field.Mul(p.X, zInv2), Sm2Field.Mul(p.Y, Sm2Field.Mul(zInv2, zInv)));
    }

    /// <summary>
    /// The affine forms of finite points with one inversion for all of them (Montgomery's trick: invert the product
    /// of the Z coordinates, then peel each inverse off with two multiplications).
    /// </summary>
    public static Sm2AffinePoint[] ToAffine(ReadOnlySpan<Sm2JacobianPoint> points)
    {
        var prefix = new Sm2Field[points.Length]; // Z_0 * ... * Z_i
        var product = Sm2Field.One;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].IsInfinity) throw new ArgumentException("the point at infinity has no affine form");
            prefix[i] = product = Sm2Field.Mul(product, points[i].Z);
        }
        var inverse = Sm2Field.Invert(product); // 1 / (Z_0 * ... * Z_last)
        var result = new Sm2AffinePoint[points.Length];
        for (var i = points.Length - 1; i >= 0; i--)
        {
            var zInv = i == 0 ? inverse : Sm2Field.Mul(inverse, prefix[i - 1]);
            inverse = Sm2Field.Mul(inverse, points[i].Z);
            var zInv2 = Sm2Field.Square(zInv);
            result[i] = new Sm2AffinePoint(Sm2Field.Mul(points[i].X, zInv2), Sm2Field.Mul(points[i].Y, Sm2Field.Mul(zInv2, zInv)));
        }
        return result;
    }

    /// <summary>P, 3P, 5P, ..., (2^(w-1) - 1)P for a width-w NAF: a signer's table, built once per key.</summary>
    public static Sm2AffinePoint[] OddMultiples(in Sm2AffinePoint p, int count)
    {
        var twice = ToAffine(Double(Sm2JacobianPoint.From(p)));
        var multiples = new Sm2JacobianPoint[count];
        multiples[0] = Sm2JacobianPoint.From(p);
        for (var i = 1; i < count; i++) multiples[i] = AddMixed(multiples[i - 1], twice);
        return ToAffine(multiples);
    }
}
