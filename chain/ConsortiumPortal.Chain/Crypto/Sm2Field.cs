using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// An element of GF(p) for the SM2 prime p = 2^256 - 2^224 - 2^96 + 2^64 - 1, as four 64-bit limbs (little-endian)
/// in Montgomery form (x * 2^256 mod p), always fully reduced below p so that equal elements have equal limbs.
/// A value type with no allocation: BouncyCastle's field elements are immutable heap objects (~185 KB per verify).
/// Not constant-time: it only ever handles public data (signatures, public keys).
/// </summary>
internal readonly struct Sm2Field(ulong l0, ulong l1, ulong l2, ulong l3)
{
    public readonly ulong L0 = l0, L1 = l1, L2 = l2, L3 = l3;

    // p, little-endian limbs. p = -1 mod 2^64, so the Montgomery constant -p^-1 mod 2^64 is 1: m = t_i.
    private const ulong P0 = 0xFFFFFFFFFFFFFFFF, P1 = 0xFFFFFFFF00000000, P2 = 0xFFFFFFFFFFFFFFFF, P3 = 0xFFFFFFFEFFFFFFFF;

    public static readonly Sm2Field Zero = default;
    /// <summary>2^512 mod p: multiplying by it converts into Montgomery form.</summary>
    private static readonly Sm2Field R2 = FromBig(System.Numerics.BigInteger.ModPow(2, 512, Prime));
    public static readonly Sm2Field One = ToMontgomery(new Sm2Field(1, 0, 0, 0));

    public static System.Numerics.BigInteger Prime =>
        (System.Numerics.BigInteger.One << 256) - (System.Numerics.BigInteger.One << 224) - (System.Numerics.BigInteger.One << 96)
        + (System.Numerics.BigInteger.One << 64) - 1;

    public bool IsZero => (L0 | L1 | L2 | L3) == 0;

    public bool Equals(in Sm2Field other) => ((L0 ^ other.L0) | (L1 ^ other.L1) | (L2 ^ other.L2) | (L3 ^ other.L3)) == 0;

    /// <summary>A 32-byte big-endian integer as plain limbs (not Montgomery); the caller guarantees it is below p.</summary>
    public static Sm2Field FromBigEndian(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]), BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), BinaryPrimitives.ReadUInt64BigEndian(bytes));

    public static Sm2Field ToMontgomery(in Sm2Field plain) => Mul(plain, R2);

    public static Sm2Field FromMontgomery(in Sm2Field mont) => Mul(mont, new Sm2Field(1, 0, 0, 0));

    private static Sm2Field FromBig(System.Numerics.BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: true);
        var written = value.GetByteCount(isUnsigned: true);
        Span<byte> padded = stackalloc byte[32];
        bytes[..written].CopyTo(padded[(32 - written)..]);
        return FromBigEndian(padded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AddCarry(ulong a, ulong b, ref ulong carry)
    {
        var sum = a + b + carry;
        carry = ((a & b) | ((a | b) & ~sum)) >> 63;
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SubBorrow(ulong a, ulong b, ref ulong borrow)
    {
        var diff = a - b - borrow;
        borrow = ((~a & b) | (~(a ^ b) & diff)) >> 63;
        return diff;
    }

    /// <summary>top * 2^256 + t, known to be below 2p, reduced below p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Sm2Field Reduce(ulong t0, ulong t1, ulong t2, ulong t3, ulong top)
    {
        ulong borrow = 0;
        var u0 = SubBorrow(t0, P0, ref borrow);
        var u1 = SubBorrow(t1, P1, ref borrow);
        var u2 = SubBorrow(t2, P2, ref borrow);
        var u3 = SubBorrow(t3, P3, ref borrow);
        // t - p borrowed and nothing above 2^256 pays for it: t was already below p.
        return (borrow & ~top & 1) != 0 ? new Sm2Field(t0, t1, t2, t3) : new Sm2Field(u0, u1, u2, u3);
    }

    public static Sm2Field Add(in Sm2Field a, in Sm2Field b)
    {
        ulong carry = 0;
        var t0 = AddCarry(a.L0, b.L0, ref carry);
        var t1 = AddCarry(a.L1, b.L1, ref carry);
        var t2 = AddCarry(a.L2, b.L2, ref carry);
        var t3 = AddCarry(a.L3, b.L3, ref carry);
        return Reduce(t0, t1, t2, t3, carry);
    }

    public static Sm2Field Sub(in Sm2Field a, in Sm2Field b)
    {
        ulong borrow = 0;
        var t0 = SubBorrow(a.L0, b.L0, ref borrow);
        var t1 = SubBorrow(a.L1, b.L1, ref borrow);
        var t2 = SubBorrow(a.L2, b.L2, ref borrow);
        var t3 = SubBorrow(a.L3, b.L3, ref borrow);
        if (borrow == 0) return new Sm2Field(t0, t1, t2, t3);
        ulong carry = 0; // a - b went negative: add p back (the carry out cancels the borrow)
        t0 = AddCarry(t0, P0, ref carry);
        t1 = AddCarry(t1, P1, ref carry);
        t2 = AddCarry(t2, P2, ref carry);
        t3 = AddCarry(t3, P3, ref carry);
        return new Sm2Field(t0, t1, t2, t3);
    }

    public static Sm2Field Negate(in Sm2Field a) => Sub(Zero, a);

    public static Sm2Field Double(in Sm2Field a) => Add(a, a);

    /// <summary>a^2 / 2^256 mod p: as Mul, with 10 word products instead of 16 (each cross product counted twice).</summary>
    public static Sm2Field Square(in Sm2Field a)
    {
        ulong c, hi, lo;
        UInt128 pr;
        ulong t0 = 0;
        ulong t1 = 0;
        ulong t2 = 0;
        ulong t3 = 0;
        ulong t4 = 0;
        ulong t5 = 0;
        ulong t6 = 0;
        ulong t7 = 0;
        c = 0;
        pr = Math.BigMul(a.L0, a.L1); lo = (ulong)pr + t1; hi = (ulong)(pr >> 64) + (lo < t1 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t1 = lo; c = hi;
        pr = Math.BigMul(a.L0, a.L2); lo = (ulong)pr + t2; hi = (ulong)(pr >> 64) + (lo < t2 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t2 = lo; c = hi;
        pr = Math.BigMul(a.L0, a.L3); lo = (ulong)pr + t3; hi = (ulong)(pr >> 64) + (lo < t3 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t3 = lo; c = hi;
        t4 = c;
        c = 0;
        pr = Math.BigMul(a.L1, a.L2); lo = (ulong)pr + t3; hi = (ulong)(pr >> 64) + (lo < t3 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t3 = lo; c = hi;
        pr = Math.BigMul(a.L1, a.L3); lo = (ulong)pr + t4; hi = (ulong)(pr >> 64) + (lo < t4 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t4 = lo; c = hi;
        t5 = c;
        c = 0;
        pr = Math.BigMul(a.L2, a.L3); lo = (ulong)pr + t5; hi = (ulong)(pr >> 64) + (lo < t5 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t5 = lo; c = hi;
        t6 = c;
        // double the off-diagonal sum (it is below 2^511), then add the squares a_i^2 on the diagonal
        t7 = t6 >> 63; t6 = (t6 << 1) | (t5 >> 63); t5 = (t5 << 1) | (t4 >> 63); t4 = (t4 << 1) | (t3 >> 63);
        t3 = (t3 << 1) | (t2 >> 63); t2 = (t2 << 1) | (t1 >> 63); t1 <<= 1;
        c = 0;
        pr = Math.BigMul(a.L0, a.L0); t0 = AddCarry(t0, (ulong)pr, ref c); t1 = AddCarry(t1, (ulong)(pr >> 64), ref c);
        pr = Math.BigMul(a.L1, a.L1); t2 = AddCarry(t2, (ulong)pr, ref c); t3 = AddCarry(t3, (ulong)(pr >> 64), ref c);
        pr = Math.BigMul(a.L2, a.L2); t4 = AddCarry(t4, (ulong)pr, ref c); t5 = AddCarry(t5, (ulong)(pr >> 64), ref c);
        pr = Math.BigMul(a.L3, a.L3); t6 = AddCarry(t6, (ulong)pr, ref c); t7 = AddCarry(t7, (ulong)(pr >> 64), ref c);
        ulong top = 0, m, x0, x1, x2, x3, borrow, c1;
        // round 0: t += m * p * 2^0 with m = t0; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 1
        m = t0; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t1 = AddCarry(t1, x0, ref c); t2 = AddCarry(t2, x1, ref c); t3 = AddCarry(t3, x2, ref c); t4 = AddCarry(t4, x3, ref c);
        c1 = c; c = 0; t4 = AddCarry(t4, top, ref c); top = c1 + c;
        // round 1: t += m * p * 2^64 with m = t1; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 2
        m = t1; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t2 = AddCarry(t2, x0, ref c); t3 = AddCarry(t3, x1, ref c); t4 = AddCarry(t4, x2, ref c); t5 = AddCarry(t5, x3, ref c);
        c1 = c; c = 0; t5 = AddCarry(t5, top, ref c); top = c1 + c;
        // round 2: t += m * p * 2^128 with m = t2; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 3
        m = t2; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t3 = AddCarry(t3, x0, ref c); t4 = AddCarry(t4, x1, ref c); t5 = AddCarry(t5, x2, ref c); t6 = AddCarry(t6, x3, ref c);
        c1 = c; c = 0; t6 = AddCarry(t6, top, ref c); top = c1 + c;
        // round 3: t += m * p * 2^192 with m = t3; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 4
        m = t3; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t4 = AddCarry(t4, x0, ref c); t5 = AddCarry(t5, x1, ref c); t6 = AddCarry(t6, x2, ref c); t7 = AddCarry(t7, x3, ref c);
        c1 = c; c = 0; t7 = AddCarry(t7, top, ref c); top = c1 + c;
        return Reduce(t4, t5, t6, t7, top);
    }

    /// <summary>Montgomery product a * b / 2^256 mod p (operand scanning, then four word-by-word
    /// reduction rounds that use p's special form instead of multiplications).</summary>
    public static Sm2Field Mul(in Sm2Field a, in Sm2Field b)
    {
        ulong c, hi, lo;
        UInt128 pr;
        ulong t0 = 0;
        ulong t1 = 0;
        ulong t2 = 0;
        ulong t3 = 0;
        ulong t4 = 0;
        ulong t5 = 0;
        ulong t6 = 0;
        ulong t7 = 0;
        c = 0;
        pr = Math.BigMul(a.L0, b.L0); lo = (ulong)pr + c; hi = (ulong)(pr >> 64) + (lo < c ? 1UL : 0UL); t0 = lo; c = hi;
        pr = Math.BigMul(a.L0, b.L1); lo = (ulong)pr + c; hi = (ulong)(pr >> 64) + (lo < c ? 1UL : 0UL); t1 = lo; c = hi;
        pr = Math.BigMul(a.L0, b.L2); lo = (ulong)pr + c; hi = (ulong)(pr >> 64) + (lo < c ? 1UL : 0UL); t2 = lo; c = hi;
        pr = Math.BigMul(a.L0, b.L3); lo = (ulong)pr + c; hi = (ulong)(pr >> 64) + (lo < c ? 1UL : 0UL); t3 = lo; c = hi;
        t4 = c;
        c = 0;
        pr = Math.BigMul(a.L1, b.L0); lo = (ulong)pr + t1; hi = (ulong)(pr >> 64) + (lo < t1 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t1 = lo; c = hi;
        pr = Math.BigMul(a.L1, b.L1); lo = (ulong)pr + t2; hi = (ulong)(pr >> 64) + (lo < t2 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t2 = lo; c = hi;
        pr = Math.BigMul(a.L1, b.L2); lo = (ulong)pr + t3; hi = (ulong)(pr >> 64) + (lo < t3 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t3 = lo; c = hi;
        pr = Math.BigMul(a.L1, b.L3); lo = (ulong)pr + t4; hi = (ulong)(pr >> 64) + (lo < t4 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t4 = lo; c = hi;
        t5 = c;
        c = 0;
        pr = Math.BigMul(a.L2, b.L0); lo = (ulong)pr + t2; hi = (ulong)(pr >> 64) + (lo < t2 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t2 = lo; c = hi;
        pr = Math.BigMul(a.L2, b.L1); lo = (ulong)pr + t3; hi = (ulong)(pr >> 64) + (lo < t3 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t3 = lo; c = hi;
        pr = Math.BigMul(a.L2, b.L2); lo = (ulong)pr + t4; hi = (ulong)(pr >> 64) + (lo < t4 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t4 = lo; c = hi;
        pr = Math.BigMul(a.L2, b.L3); lo = (ulong)pr + t5; hi = (ulong)(pr >> 64) + (lo < t5 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t5 = lo; c = hi;
        t6 = c;
        c = 0;
        pr = Math.BigMul(a.L3, b.L0); lo = (ulong)pr + t3; hi = (ulong)(pr >> 64) + (lo < t3 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t3 = lo; c = hi;
        pr = Math.BigMul(a.L3, b.L1); lo = (ulong)pr + t4; hi = (ulong)(pr >> 64) + (lo < t4 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t4 = lo; c = hi;
        pr = Math.BigMul(a.L3, b.L2); lo = (ulong)pr + t5; hi = (ulong)(pr >> 64) + (lo < t5 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t5 = lo; c = hi;
        pr = Math.BigMul(a.L3, b.L3); lo = (ulong)pr + t6; hi = (ulong)(pr >> 64) + (lo < t6 ? 1UL : 0UL); lo += c; hi += lo < c ? 1UL : 0UL; t6 = lo; c = hi;
        t7 = c;
        ulong top = 0, m, x0, x1, x2, x3, borrow, c1;
        // round 0: t += m * p * 2^0 with m = t0; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 1
        m = t0; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t1 = AddCarry(t1, x0, ref c); t2 = AddCarry(t2, x1, ref c); t3 = AddCarry(t3, x2, ref c); t4 = AddCarry(t4, x3, ref c);
        c1 = c; c = 0; t4 = AddCarry(t4, top, ref c); top = c1 + c;
        // round 1: t += m * p * 2^64 with m = t1; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 2
        m = t1; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t2 = AddCarry(t2, x0, ref c); t3 = AddCarry(t3, x1, ref c); t4 = AddCarry(t4, x2, ref c); t5 = AddCarry(t5, x3, ref c);
        c1 = c; c = 0; t5 = AddCarry(t5, top, ref c); top = c1 + c;
        // round 2: t += m * p * 2^128 with m = t2; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 3
        m = t2; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t3 = AddCarry(t3, x0, ref c); t4 = AddCarry(t4, x1, ref c); t5 = AddCarry(t5, x2, ref c); t6 = AddCarry(t6, x3, ref c);
        c1 = c; c = 0; t6 = AddCarry(t6, top, ref c); top = c1 + c;
        // round 3: t += m * p * 2^192 with m = t3; by p's form that is adding m*(2^192 + 1) - m*(2^160 + 2^32) at limb 4
        m = t3; lo = m << 32; hi = m >> 32; borrow = 0;
        x0 = SubBorrow(m, lo, ref borrow); x1 = SubBorrow(0, hi, ref borrow); x2 = SubBorrow(0, lo, ref borrow); x3 = SubBorrow(m, hi, ref borrow);
        c = 0; t4 = AddCarry(t4, x0, ref c); t5 = AddCarry(t5, x1, ref c); t6 = AddCarry(t6, x2, ref c); t7 = AddCarry(t7, x3, ref c);
        c1 = c; c = 0; t7 = AddCarry(t7, top, ref c); top = c1 + c;
        return Reduce(t4, t5, t6, t7, top);

    }

    /// <summary>a^(p-2) = 1/a (Fermat); zero for zero. Only used while building tables, never per verification.</summary>
    public static Sm2Field Invert(in Sm2Field a)
    {
        var exponent = Prime - 2;
        var result = One;
        for (var bit = 255; bit >= 0; bit--)
        {
            result = Square(result);
            if (!((exponent >> bit) & 1).IsZero) result = Mul(result, a);
        }
        return result;
    }
}
