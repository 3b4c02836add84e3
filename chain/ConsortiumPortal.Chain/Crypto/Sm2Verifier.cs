using System.Runtime.CompilerServices;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// SM2 verification (GM/T 0003.2 section 7) without BouncyCastle's SM2Signer, with the same answers (property-tested
/// against it). Per key object, once: the signer's Z value (it depends only on the key and the default user ID) and a
/// table of odd multiples of the key, and from its fourth signature on a fixed-base table (Sm2FixedBase). Per
/// signature: e = SM3(Z || M), then sG + tQ with allocation-free 64-bit-limb arithmetic (Sm2Field, Sm2Curve): tQ from
/// the signer's fixed-base table (no doublings) or, for a key seen less often, a width-5 NAF of t over its odd
/// multiples; sG from G's fixed-base table; and the final x check without an inversion. Keys on another curve object
/// (the generic GM curve) take BouncyCastle's arithmetic.
/// </summary>
internal static class Sm2Verifier
{
    private static readonly byte[] DefaultUserId = "1234567812345678"u8.ToArray();

    /// <summary>Width of the signer's NAF: 2^(w-2) = 8 precomputed odd multiples, ~256/(w+1) additions.</summary>
    private const int SignerWindow = 5;

    /// <summary>
    /// A key's fixed-base table costs about ten verifications to build and saves over half of each later one: built
    /// on the key's fourth verification, so a key that signs once or twice never pays for it.
    /// </summary>
    private const int FixedBaseAfterUses = 4;

    /// <summary>Signed 5-bit digits: 53 KB per signer, at most 52 additions for tQ.</summary>
    private const int SignerTableBits = 5;

    /// <summary>
    /// At most this many keys get a table (~27 MB): every portal user signs with a key of their own, and the
    /// process must not grow with their number. Later keys verify by NAF, as before.
    /// </summary>
    private const int MaxSignerTables = 512;

    private static int _signerTables;

    /// <summary>What verification needs from a key, derived once per ECPublicKeyParameters instance.</summary>
    private sealed class Prepared
    {
        public readonly byte[] Z;
        public readonly ECPublicKeyParameters Key;
        /// <summary>Q, 3Q, ..., 15Q; null when the key is not on the SM2 curve this verifier implements.</summary>
        public readonly Sm2AffinePoint[]? OddMultiples;
        private readonly Sm2AffinePoint _point;
        private int _uses;
        private volatile Sm2FixedBase? _fixedBase;

        public bool HasFixedBase => _fixedBase is not null;

        /// <summary>tQ: from the fixed-base table once the key has been used enough, else by its NAF.</summary>
        public Sm2JacobianPoint MultiplyKey(in Sm2Scalar t)
        {
            if (_fixedBase is { } fixedBase) return fixedBase.AddMultiple(Sm2JacobianPoint.Infinity, t);
            if (Interlocked.Increment(ref _uses) == FixedBaseAfterUses && Interlocked.Increment(ref _signerTables) <= MaxSignerTables)
                _fixedBase = new Sm2FixedBase(_point, SignerTableBits);
            return MultiplyByNaf(OddMultiples!, t);
        }

        public Prepared(ECPublicKeyParameters key)
        {
            Key = key;
            Z = ComputeZ(key);
            if (IsSm2(key.Parameters))
            {
                var q = key.Q.Normalize();
                var affine = new Sm2AffinePoint(
                    Sm2Field.ToMontgomery(Sm2Field.FromBigEndian(q.AffineXCoord.GetEncoded())),
                    Sm2Field.ToMontgomery(Sm2Field.FromBigEndian(q.AffineYCoord.GetEncoded())));
                // BouncyCastle validated the point when the key object was built; this guards the conversion.
                if (!Sm2Curve.IsOnCurve(affine)) throw new ArgumentException("the public key is not on the SM2 curve");
                _point = affine;
                OddMultiples = Sm2Curve.OddMultiples(affine, 1 << (SignerWindow - 2));
            }
        }
    }

    private static readonly ConditionalWeakTable<ECPublicKeyParameters, Prepared> Keys = new();

    /// <summary>Whether the key object verifies with its own fixed-base table (for tests).</summary>
    internal static bool HasFixedBase(ECPublicKeyParameters key) => Keys.TryGetValue(key, out var prepared) && prepared.HasFixedBase;

    [ThreadStatic] private static SM3Digest? _digest;

    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Sm2.SignatureSize) return false;
        var prepared = Keys.GetValue(key, static k => new Prepared(k));
        var r = Sm2Scalar.FromBigEndian(signature[..32]);
        var s = Sm2Scalar.FromBigEndian(signature[32..]);
        if (r.IsZero || !Sm2Scalar.LessThan(r, Sm2Scalar.N) || s.IsZero || !Sm2Scalar.LessThan(s, Sm2Scalar.N)) return false;
        var t = Sm2Scalar.AddModN(r, s);
        if (t.IsZero) return false;
        Span<byte> hash = stackalloc byte[Sm3.Size];
        var digest = _digest ??= new SM3Digest();
        digest.BlockUpdate(prepared.Z);
        digest.BlockUpdate(message);
        digest.DoFinal(hash); // also resets the digest for the next call
        if (prepared.OddMultiples is null) return VerifyWithBouncyCastle(prepared.Key, signature, hash);

        var sum = Sm2FixedBase.G.AddMultiple(prepared.MultiplyKey(t), s); // sG + tQ
        if (sum.IsInfinity) return false;

        return XMatches(sum, r, Sm2Scalar.FromBigEndian(hash));
    }

    /// <summary>
    /// Whether (e + x1) mod n = r, where x1 is the affine x of a finite Jacobian point: x1 = (r - e) mod n + k*n with
    /// x1 < p < 2n, so k is 0 or 1. Compares X with candidate * Z^2 instead of inverting Z.
    /// </summary>
    internal static bool XMatches(in Sm2JacobianPoint sum, in Sm2Scalar r, in Sm2Scalar e)
    {
        var candidate = Sm2Scalar.SubModN(r, e.ModN());
        var z2 = Sm2Field.Square(sum.Z);
        if (Sm2Field.Mul(Sm2Field.ToMontgomery(candidate.AsFieldLimbs()), z2).Equals(sum.X)) return true;
        var plusN = Sm2Scalar.Add(candidate, Sm2Scalar.N, out var carry); // x1 >= n: rare (about 2^-129) but valid
        return carry == 0 && Sm2Scalar.LessThan(plusN, Sm2Scalar.P)
               && Sm2Field.Mul(Sm2Field.ToMontgomery(plusN.AsFieldLimbs()), z2).Equals(sum.X);
    }

    /// <summary>tQ from t's width-5 NAF over Q, 3Q, ..., 15Q: ~256 doublings and ~43 additions.</summary>
    private static Sm2JacobianPoint MultiplyByNaf(Sm2AffinePoint[] oddMultiples, in Sm2Scalar t)
    {
        Span<sbyte> naf = stackalloc sbyte[257];
        var length = t.Wnaf(naf, SignerWindow);
        var sum = Sm2JacobianPoint.Infinity;
        for (var i = length - 1; i >= 0; i--)
        {
            sum = Sm2Curve.Double(sum);
            int d = naf[i];
            if (d > 0) sum = Sm2Curve.AddMixed(sum, oddMultiples[d >> 1]);
            else if (d < 0) sum = Sm2Curve.AddMixed(sum, oddMultiples[-d >> 1].Negate());
        }
        return sum;
    }

    /// <summary>SM2Signer's arithmetic (r and s already range-checked), for keys on another curve object.</summary>
    private static bool VerifyWithBouncyCastle(ECPublicKeyParameters key, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> hash)
    {
        var domain = key.Parameters;
        var r = new BigInteger(1, signature[..32]);
        var s = new BigInteger(1, signature[32..]);
        var t = r.Add(s).Mod(domain.N);
        var point = ECAlgorithms.SumOfTwoMultiplies(domain.G, s, key.Q, t).Normalize();
        if (point.IsInfinity) return false;
        return new BigInteger(1, hash).Add(point.AffineXCoord.ToBigInteger()).Mod(domain.N).Equals(r);
    }

    /// <summary>Whether the domain is sm2p256v1 (either BouncyCastle curve object: they are the same curve).</summary>
    private static bool IsSm2(ECDomainParameters domain) =>
        domain.Curve.Equals(Sm2.Domain.Curve) && domain.G.Equals(Sm2.Domain.G) && domain.N.Equals(Sm2.Domain.N);

    /// <summary>Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), with the default ID's bit length as ENTL.</summary>
    private static byte[] ComputeZ(ECPublicKeyParameters key)
    {
        var digest = new SM3Digest();
        var bits = DefaultUserId.Length * 8;
        digest.Update((byte)(bits >> 8));
        digest.Update((byte)bits);
        digest.BlockUpdate(DefaultUserId);
        var domain = key.Parameters;
        var q = key.Q.Normalize();
        foreach (var element in new[] { domain.Curve.A, domain.Curve.B, domain.G.AffineXCoord, domain.G.AffineYCoord, q.AffineXCoord, q.AffineYCoord })
            digest.BlockUpdate(element.GetEncoded());
        var z = new byte[Sm3.Size];
        digest.DoFinal(z);
        return z;
    }
}
