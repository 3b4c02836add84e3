using System.Buffers.Binary;

namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// A 256-bit unsigned integer as four little-endian 64-bit limbs, with the few operations SM2 verification needs
/// on scalars and signature values: range checks, addition and subtraction modulo the group order n, digits.
/// </summary>
internal readonly struct Sm2Scalar(ulong l0, ulong l1, ulong l2, ulong l3)
{
    public readonly ulong L0 = l0, L1 = l1, L2 = l2, L3 = l3;

    /// <summary>n, the order of the base point G.</summary>
    public static readonly Sm2Scalar N = FromBigEndian(Convert.FromHexString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123"));

    /// <summary>p, the field prime: a candidate x coordinate must lie below it.</summary>
    public static readonly Sm2Scalar P = FromBigEndian(Convert.FromHexString("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF"));

    public static Sm2Scalar FromBigEndian(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]), BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), BinaryPrimitives.ReadUInt64BigEndian(bytes));

    public bool IsZero => (L0 | L1 | L2 | L3) == 0;

    public Sm2Field AsFieldLimbs() => new(L0, L1, L2, L3);

    public static bool LessThan(in Sm2Scalar a, in Sm2Scalar b)
    {
        Sub(a, b, out var borrow);
        return borrow != 0;
    }

    /// <summary>a + b with the carry out of bit 256.</summary>
    public static Sm2Scalar Add(in Sm2Scalar a, in Sm2Scalar b, out ulong carry)
    {
        carry = 0;
        var l0 = Sm2Field.AddCarry(a.L0, b.L0, ref carry);
        var l1 = Sm2Field.AddCarry(a.L1, b.L1, ref carry);
        var l2 = Sm2Field.AddCarry(a.L2, b.L2, ref carry);
        var l3 = Sm2Field.AddCarry(a.L3, b.L3, ref carry);
        return new Sm2Scalar(l0, l1, l2, l3);
    }

    /// <summary>a - b modulo 2^256, with the borrow.</summary>
    public static Sm2Scalar Sub(in Sm2Scalar a, in Sm2Scalar b, out ulong borrow)
    {
        borrow = 0;
        var l0 = Sm2Field.SubBorrow(a.L0, b.L0, ref borrow);
        var l1 = Sm2Field.SubBorrow(a.L1, b.L1, ref borrow);
        var l2 = Sm2Field.SubBorrow(a.L2, b.L2, ref borrow);
        var l3 = Sm2Field.SubBorrow(a.L3, b.L3, ref borrow);
        return new Sm2Scalar(l0, l1, l2, l3);
    }

    /// <summary>(a + b) mod n for a, b below n.</summary>
    public static Sm2Scalar AddModN(in Sm2Scalar a, in Sm2Scalar b)
    {
        var sum = Add(a, b, out var carry);
        return carry != 0 || !LessThan(sum, N) ? Sub(sum, N, out _) : sum;
    }

    /// <summary>(a - b) mod n for a, b below n.</summary>
    public static Sm2Scalar SubModN(in Sm2Scalar a, in Sm2Scalar b)
    {
        var diff = Sub(a, b, out var borrow);
        return borrow != 0 ? Add(diff, N, out _) : diff;
    }

    /// <summary>Any 256-bit value mod n: n > 2^255, so one subtraction suffices.</summary>
    public Sm2Scalar ModN() => LessThan(this, N) ? this : Sub(this, N, out _);

    /// <summary>Bits start .. start + count - 1 (count at most 32; bits past 255 read as zero).</summary>
    public int Bits(int start, int count)
    {
        var index = start >> 6;
        if (index > 3) return 0;
        var shift = start & 63;
        var value = Limb(index) >> shift;
        if (shift + count > 64 && index < 3) value |= Limb(index + 1) << (64 - shift);
        return (int)(value & ((1UL << count) - 1));
    }

    private ulong Limb(int index) => index switch { 0 => L0, 1 => L1, 2 => L2, _ => L3 };

    /// <summary>
    /// The width-w non-adjacent form, least significant digit first: odd digits in (-2^(w-1), 2^(w-1)) separated by at
    /// least w-1 zeros. Returns the number of digits (at most 257). The value must be below n (so adding a digit never
    /// overflows 256 bits).
    /// </summary>
    public int Wnaf(Span<sbyte> digits, int width)
    {
        ulong l0 = L0, l1 = L1, l2 = L2, l3 = L3;
        var mask = (1UL << width) - 1;
        var half = 1 << (width - 1);
        var length = 0;
        while ((l0 | l1 | l2 | l3) != 0)
        {
            var digit = 0;
            if ((l0 & 1) != 0)
            {
                digit = (int)(l0 & mask);
                if (digit >= half) digit -= 1 << width;
                if (digit > 0) l0 -= (ulong)digit; // clears the low bits: no borrow
                else
                {
                    ulong carry = 0;
                    l0 = Sm2Field.AddCarry(l0, (ulong)-digit, ref carry);
                    l1 = Sm2Field.AddCarry(l1, 0, ref carry);
                    l2 = Sm2Field.AddCarry(l2, 0, ref carry);
                    l3 = Sm2Field.AddCarry(l3, 0, ref carry);
                }
            }
            digits[length++] = (sbyte)digit;
            l0 = (l0 >> 1) | (l1 << 63);
            l1 = (l1 >> 1) | (l2 << 63);
            l2 = (l2 >> 1) | (l3 << 63);
            l3 >>= 1;
        }
        return length;
    }
}
