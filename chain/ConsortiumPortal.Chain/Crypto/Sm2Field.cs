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

    /// <summary>a * b + t + carry (below 2^128): returns the low word and leaves the high word in carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong t, ref ulong carry)
    {
        var product = Math.BigMul(a, b);
        var lo = (ulong)product + t;
        var hi = (ulong)(product >> 64) + (lo < t ? 1UL : 0UL);
        lo += carry;
        carry = hi + (lo < carry ? 1UL : 0UL);
        return lo;
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

    /// <summary>Montgomery product a * b / 2^256 mod p (operand scanning, then four word-by-word
    /// reduction rounds that use p's special form instead of multiplications).</summary>
    public static Sm2Field Mul(in Sm2Field a, in Sm2Field b)
    {
        ulong c = 0; // row i adds a_i * b at word i
        var t0 = MulAdd(a.L0, b.L0, 0, ref c);
        var t1 = MulAdd(a.L0, b.L1, 0, ref c);
        var t2 = MulAdd(a.L0, b.L2, 0, ref c);
        var t3 = MulAdd(a.L0, b.L3, 0, ref c);
        var t4 = c;
        c = 0;
        t1 = MulAdd(a.L1, b.L0, t1, ref c);
        t2 = MulAdd(a.L1, b.L1, t2, ref c);
        t3 = MulAdd(a.L1, b.L2, t3, ref c);
        t4 = MulAdd(a.L1, b.L3, t4, ref c);
        var t5 = c;
        c = 0;
        t2 = MulAdd(a.L2, b.L0, t2, ref c);
        t3 = MulAdd(a.L2, b.L1, t3, ref c);
        t4 = MulAdd(a.L2, b.L2, t4, ref c);
        t5 = MulAdd(a.L2, b.L3, t5, ref c);
        var t6 = c;
        c = 0;
        t3 = MulAdd(a.L3, b.L0, t3, ref c);
        t4 = MulAdd(a.L3, b.L1, t4, ref c);
        t5 = MulAdd(a.L3, b.L2, t5, ref c);
        t6 = MulAdd(a.L3, b.L3, t6, ref c);
        return MontgomeryReduce(t0, t1, t2, t3, t4, t5, t6, c);
    }

    /// <summary>a^2 / 2^256 mod p: as Mul, with 10 word products instead of 16 (each cross product counted twice).</summary>
    public static Sm2Field Square(in Sm2Field a)
    {
        ulong c = 0; // the cross products a_i * a_j, i < j
        var t1 = MulAdd(a.L0, a.L1, 0, ref c);
        var t2 = MulAdd(a.L0, a.L2, 0, ref c);
        var t3 = MulAdd(a.L0, a.L3, 0, ref c);
        var t4 = c;
        c = 0;
        t3 = MulAdd(a.L1, a.L2, t3, ref c);
        t4 = MulAdd(a.L1, a.L3, t4, ref c);
        var t5 = c;
        c = 0;
        t5 = MulAdd(a.L2, a.L3, t5, ref c);
        var t6 = c;
        // doubled (the cross sum is below 2^511), then the squares a_i^2 added on the diagonal
        var t7 = t6 >> 63;
        t6 = (t6 << 1) | (t5 >> 63);
        t5 = (t5 << 1) | (t4 >> 63);
        t4 = (t4 << 1) | (t3 >> 63);
        t3 = (t3 << 1) | (t2 >> 63);
        t2 = (t2 << 1) | (t1 >> 63);
        t1 <<= 1;
        c = 0;
        var square = Math.BigMul(a.L0, a.L0);
        var t0 = (ulong)square;
        t1 = AddCarry(t1, (ulong)(square >> 64), ref c);
        square = Math.BigMul(a.L1, a.L1);
        t2 = AddCarry(t2, (ulong)square, ref c);
        t3 = AddCarry(t3, (ulong)(square >> 64), ref c);
        square = Math.BigMul(a.L2, a.L2);
        t4 = AddCarry(t4, (ulong)square, ref c);
        t5 = AddCarry(t5, (ulong)(square >> 64), ref c);
        square = Math.BigMul(a.L3, a.L3);
        t6 = AddCarry(t6, (ulong)square, ref c);
        t7 = AddCarry(t7, (ulong)(square >> 64), ref c);
        return MontgomeryReduce(t0, t1, t2, t3, t4, t5, t6, t7);
    }

    /// <summary>
    /// t / 2^256 mod p for a 512-bit t below p * 2^256: four word-by-word rounds that each add m * p with m = the lowest
    /// remaining word (p = -1 mod 2^64), using p's special form instead of multiplications.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Sm2Field MontgomeryReduce(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, ulong t5, ulong t6, ulong t7)
    {
        // top is the carry into the word above the last one a round touched, which the next round adds there.
        ulong top, carry = 0;
        top = ReductionRound(t0, ref t1, ref t2, ref t3, ref t4);
        carry = 0; t5 = AddCarry(t5, top, ref carry); top = ReductionRound(t1, ref t2, ref t3, ref t4, ref t5) + carry;
        carry = 0; t6 = AddCarry(t6, top, ref carry); top = ReductionRound(t2, ref t3, ref t4, ref t5, ref t6) + carry;
        carry = 0; t7 = AddCarry(t7, top, ref carry); top = ReductionRound(t3, ref t4, ref t5, ref t6, ref t7) + carry;
        return Reduce(t4, t5, t6, t7, top);
    }

    /// <summary>
    /// One reduction round for the word m: adding m * p clears it (p = -1 mod 2^64, carrying m out), which by p's form
    /// is adding m * (2^192 + 1) - m * (2^160 + 2^32), a non-negative 256-bit value, to the four words above it.
    /// Returns the carry out of w4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReductionRound(ulong m, ref ulong w1, ref ulong w2, ref ulong w3, ref ulong w4)
    {
        ulong lo = m << 32, hi = m >> 32, borrow = 0, carry = 0;
        var x0 = SubBorrow(m, lo, ref borrow);
        var x1 = SubBorrow(0, hi, ref borrow);
        var x2 = SubBorrow(0, lo, ref borrow);
        var x3 = SubBorrow(m, hi, ref borrow);
        w1 = AddCarry(w1, x0, ref carry);
        w2 = AddCarry(w2, x1, ref carry);
        w3 = AddCarry(w3, x2, ref carry);
        w4 = AddCarry(w4, x3, ref carry);
        return carry;
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
