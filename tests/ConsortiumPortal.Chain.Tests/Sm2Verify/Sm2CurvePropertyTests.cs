using ConsortiumPortal.Chain.Crypto;
using CsCheck;
using Org.BouncyCastle.Math;

namespace ConsortiumPortal.Chain.Tests.Sm2Verify;

/// <summary>
/// The verifier's point arithmetic against BouncyCastle's, including the exceptional cases of addition (P + P,
/// P + -P, infinity) that random signatures practically never reach.
/// </summary>
public sealed class Sm2CurvePropertyTests
{
    private static readonly BigInteger N = Sm2.Domain.N;

    private static readonly Gen<BigInteger> Scalar = Gen.Frequency(
        (6, Gen.Byte.Array[32].Select(b => new BigInteger(1, b).Mod(N))),
        (1, Gen.Int[0, 40].Select(i => BigInteger.ValueOf(i))),
        (1, Gen.Int[1, 40].Select(i => N.Subtract(BigInteger.ValueOf(i)))));

    [Fact]
    public void Mixed_addition_and_doubling_match_BouncyCastle_including_P_plus_P_and_P_minus_P() =>
        Gen.Select(Scalar, Scalar, Gen.Int[0, 3]).Sample((a, b, mode) =>
        {
            b = mode switch { 0 => a, 1 => N.Subtract(a).Mod(N), _ => b }; // P + P, P + -P, or anything
            if (b.SignValue == 0) return true; // the table side is always a finite point
            var p = Jacobian(a);
            var q = Affine(b);
            Assert.Equal(Expected(a.Add(b)), Actual(Sm2Curve.AddMixed(p, q)));
            Assert.Equal(Expected(a.ShiftLeft(1)), Actual(Sm2Curve.Double(p)));
            return true;
        }, iter: 300, threads: 1);

    [Fact]
    public void Fixed_base_tables_and_the_NAF_match_BouncyCastle_multiplication() =>
        Gen.Select(Scalar, Scalar.Where(x => x.SignValue > 0)).Sample((k, pointScalar) =>
        {
            Assert.Equal(Expected(k), Actual(Sm2FixedBase.G.AddMultiple(Sm2JacobianPoint.Infinity, Sm2Scalar.FromBigEndian(Fixed(k)))));
            var point = Affine(pointScalar);
            var table = new Sm2FixedBase(point, 2 + (int)(pointScalar.IntValue & 0x7fffffff) % 7); // every width the type accepts
            var scalar = Sm2Scalar.FromBigEndian(Fixed(k));
            Assert.Equal(Expected(k.Multiply(pointScalar)), Actual(table.AddMultiple(Sm2JacobianPoint.Infinity, scalar)));
            Span<sbyte> naf = stackalloc sbyte[257];
            var length = scalar.Wnaf(naf, 5);
            var value = BigInteger.Zero;
            for (var i = length - 1; i >= 0; i--) value = value.ShiftLeft(1).Add(BigInteger.ValueOf(naf[i]));
            Assert.Equal(k, value);
            return true;
        }, iter: 60, threads: 1);

    [Fact]
    public void The_final_x_check_accepts_exactly_r_equal_to_e_plus_x_mod_n_also_when_x_is_at_least_n()
    {
        var p = Sm2.Domain.Curve.Field.Characteristic;
        // x in [n, p) (about 2^-129 of points, never met at random) or anywhere below p; Z random, so X = x * Z^2.
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Bool).Sample((xBytes, zBytes, eBytes, high) =>
        {
            var x = high ? N.Add(new BigInteger(1, xBytes).Mod(p.Subtract(N))) : new BigInteger(1, xBytes).Mod(p);
            var z = new BigInteger(1, zBytes).Mod(p.Subtract(BigInteger.One)).Add(BigInteger.One);
            var point = new Sm2JacobianPoint(Field(x.Multiply(z).Multiply(z).Mod(p)), Sm2Field.One, Field(z));
            var e = new BigInteger(1, eBytes); // the whole 256-bit digest, possibly at least n
            var r = e.Add(x).Mod(N);
            if (r.SignValue == 0) return true;
            Assert.True(Sm2Verifier.XMatches(point, Sm2Scalar.FromBigEndian(Fixed(r)), Sm2Scalar.FromBigEndian(eBytes)));
            var other = r.Add(BigInteger.One).Mod(N);
            if (other.SignValue != 0)
                Assert.False(Sm2Verifier.XMatches(point, Sm2Scalar.FromBigEndian(Fixed(other)), Sm2Scalar.FromBigEndian(eBytes)));
            return true;
        }, iter: 300, threads: 1);
    }

    private static Sm2AffinePoint Affine(BigInteger k)
    {
        var point = Sm2.Domain.G.Multiply(k).Normalize();
        return new Sm2AffinePoint(Field(point.AffineXCoord.ToBigInteger()), Field(point.AffineYCoord.ToBigInteger()));
    }

    private static Sm2JacobianPoint Jacobian(BigInteger k) =>
        k.Mod(N).SignValue == 0 ? Sm2JacobianPoint.Infinity : Sm2JacobianPoint.From(Affine(k));

    private static Sm2Field Field(BigInteger value) => Sm2Field.ToMontgomery(Sm2Field.FromBigEndian(Fixed(value)));

    /// <summary>kG as affine hex, or "infinity".</summary>
    private static string Expected(BigInteger k)
    {
        var point = Sm2.Domain.G.Multiply(k.Mod(N)).Normalize();
        return point.IsInfinity ? "infinity" : Hex.Encode(point.GetEncoded(false));
    }

    private static string Actual(Sm2JacobianPoint point)
    {
        if (point.IsInfinity) return "infinity";
        var affine = Sm2Curve.ToAffine(point);
        var bytes = new byte[65];
        bytes[0] = 0x04;
        Write(Sm2Field.FromMontgomery(affine.X), bytes.AsSpan(1));
        Write(Sm2Field.FromMontgomery(affine.Y), bytes.AsSpan(33));
        return Hex.Encode(bytes);
    }

    private static void Write(Sm2Field plain, Span<byte> output)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(output, plain.L3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(output[8..], plain.L2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(output[16..], plain.L1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(output[24..], plain.L0);
    }

    private static byte[] Fixed(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }
}
