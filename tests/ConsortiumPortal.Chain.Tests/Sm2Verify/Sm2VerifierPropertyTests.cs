using ConsortiumPortal.Chain.Crypto;
using CsCheck;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace ConsortiumPortal.Chain.Tests.Sm2Verify;

/// <summary>
/// Sm2.Verify (Sm2Verifier's own arithmetic) must answer exactly as BouncyCastle's SM2Signer for any key, message and
/// 64 bytes of signature. Every case is checked on both of the verifier's paths: a fresh key object (the key's NAF)
/// and a key object used often enough to have its fixed-base table.
/// </summary>
public sealed class Sm2VerifierPropertyTests
{
    private static readonly BigInteger N = Sm2.Domain.N;
    private static readonly byte[] DefaultId = "1234567812345678"u8.ToArray();

    /// <summary>Private keys in [1, n-2]: mostly random, sometimes the smallest and largest (Q = G, 2G, 3G, -2G).</summary>
    private static readonly Gen<BigInteger> PrivateKey = Gen.Frequency(
        (8, Gen.Byte.Array[32].Select(b => new BigInteger(1, b).Mod(N.Subtract(BigInteger.Two)).Add(BigInteger.One))),
        (1, Gen.Int[0, 3].Select(i => i == 3 ? N.Subtract(BigInteger.Two) : BigInteger.ValueOf(i + 1))));

    private static readonly Gen<BigInteger> Nonce = Gen.Byte.Array[32].Select(b => new BigInteger(1, b).Mod(N.Subtract(BigInteger.One)).Add(BigInteger.One));

    [Fact]
    public void Valid_and_tampered_signatures_get_the_same_answer_as_BouncyCastle() =>
        Gen.Select(PrivateKey, Gen.Byte.Array[0, 400], Nonce, Gen.Int[0, 255], Gen.Int[0, 1000]).Sample((d, message, k, bit, seed) =>
        {
            var keyBytes = PublicKeyBytes(d);
            var signature = Sign(d, keyBytes, message, k);
            if (signature is null) return true; // r = 0 or r + k = n: the signer would pick another k
            var cases = new List<(string Name, byte[] Message, byte[] Signature)>
            {
                ("valid", message, signature),
                ("r bit flipped", message, Flip(signature, bit)),
                ("s bit flipped", message, Flip(signature, 256 + bit)),
                ("message bit flipped", message.Length == 0 ? [1] : Flip(message, seed % (message.Length * 8)), signature),
                ("r = 0", message, WithR(signature, BigInteger.Zero)),
                ("s = 0", message, WithS(signature, BigInteger.Zero)),
                ("r = n", message, WithR(signature, N)),
                ("s = n", message, WithS(signature, N)),
                ("r + n", message, WithR(signature, R(signature).Add(N))),
                ("s + n", message, WithS(signature, S(signature).Add(N))),
                ("r = 2^256 - 1", message, WithR(signature, BigInteger.One.ShiftLeft(256).Subtract(BigInteger.One))),
                ("r + s = n", message, WithS(signature, N.Subtract(R(signature)))),
                ("sG + tQ at infinity", message, InfinitySignature(d, R(signature))),
                ("random s", message, WithS(signature, new BigInteger(1, Sm3.Hash(signature)).Mod(N))),
            };
            var wrongKey = PublicKeyBytes(d.Add(BigInteger.One).Mod(N).Max(BigInteger.One));
            var warm = WarmKey(keyBytes);
            foreach (var (name, m, sig) in cases)
            {
                var expected = Sm2Reference.Verify(Sm2.PublicKeyFromBytes(keyBytes), m, sig);
                Assert.True(expected == Sm2.Verify(Sm2.PublicKeyFromBytes(keyBytes), m, sig), $"{name}: the NAF path disagrees with BouncyCastle (expected {expected})");
                Assert.True(expected == Sm2.Verify(warm, m, sig), $"{name}: the fixed-base path disagrees with BouncyCastle (expected {expected})");
                var expectedWrong = Sm2Reference.Verify(Sm2.PublicKeyFromBytes(wrongKey), m, sig);
                Assert.True(expectedWrong == Sm2.Verify(Sm2.PublicKeyFromBytes(wrongKey), m, sig), $"{name} with the wrong key disagrees with BouncyCastle");
            }
            Assert.True(Sm2.Verify(warm, message, signature), "a valid signature must verify");
            return true;
        }, iter: 150, threads: 1);

    [Fact]
    public void Random_64_byte_strings_get_the_same_answer_as_BouncyCastle()
    {
        var key = Sm2.Generate();
        var bytes = Sm2.PublicKeyBytes(key.PublicKey);
        var warm = WarmKey(bytes);
        Gen.Select(Gen.Byte.Array[64], Gen.Byte.Array[0, 100]).Sample((signature, message) =>
        {
            var expected = Sm2Reference.Verify(key.PublicKey, message, signature);
            return expected == Sm2.Verify(Sm2.PublicKeyFromBytes(bytes), message, signature) && expected == Sm2.Verify(warm, message, signature);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void BouncyCastle_signatures_verify_on_both_paths_and_keys_on_the_generic_curve_too()
    {
        var gmDomain = Sm2.DomainFrom(Org.BouncyCastle.Asn1.GM.GMNamedCurves.GetByName("sm2p256v1"));
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Int[0, 511]).Sample((message, bit) =>
        {
            var key = Sm2.Generate();
            var signature = key.Sign(message);
            var bytes = Sm2.PublicKeyBytes(key.PublicKey);
            var gmKey = Sm2.PublicKeyFromBytes(bytes, gmDomain);
            var flipped = Flip(signature, bit);
            return Sm2.Verify(key.PublicKey, message, signature) && Sm2.Verify(WarmKey(bytes), message, signature) && Sm2.Verify(gmKey, message, signature)
                   && Sm2.Verify(key.PublicKey, message, flipped) == Sm2Reference.Verify(key.PublicKey, message, flipped)
                   && Sm2.Verify(gmKey, message, flipped) == Sm2Reference.Verify(gmKey, message, flipped);
        }, iter: 60, threads: 1);
    }

    /// <summary>A key object that has been used enough to carry its fixed-base table.</summary>
    private static ECPublicKeyParameters WarmKey(byte[] publicKey)
    {
        var key = Sm2.PublicKeyFromBytes(publicKey);
        var inRange = new byte[64];
        inRange[31] = inRange[63] = 1; // r = s = 1: passes the range checks, so each call multiplies by the key
        for (var i = 0; i < 8; i++) Sm2.Verify(key, "warm"u8, inRange);
        Assert.True(Sm2Verifier.HasFixedBase(key), "the key should have its fixed-base table by now");
        return key;
    }

    private static byte[] PublicKeyBytes(BigInteger d) => Sm2.Domain.G.Multiply(d).Normalize().GetEncoded(false);

    /// <summary>SM2 signing (GM/T 0003.2 section 6) with a chosen nonce, so that every case is reproducible.</summary>
    private static byte[]? Sign(BigInteger d, byte[] publicKey, byte[] message, BigInteger k)
    {
        var e = new BigInteger(1, Digest(Z(publicKey), message));
        var x1 = Sm2.Domain.G.Multiply(k).Normalize().AffineXCoord.ToBigInteger();
        var r = e.Add(x1).Mod(N);
        if (r.SignValue == 0 || r.Add(k).Equals(N)) return null;
        var s = d.Add(BigInteger.One).ModInverse(N).Multiply(k.Subtract(r.Multiply(d))).Mod(N);
        return s.SignValue == 0 ? null : Encode(r, s);
    }

    /// <summary>(r, s) with s + (r + s)d = 0 mod n, so that sG + tQ is the point at infinity.</summary>
    private static byte[] InfinitySignature(BigInteger d, BigInteger r) =>
        Encode(r, r.Multiply(d).Negate().Multiply(d.Add(BigInteger.One).ModInverse(N)).Mod(N)); // d <= n - 2: 1 + d is invertible

    private static byte[] Z(byte[] publicKey)
    {
        var digest = new SM3Digest();
        digest.Update(0x00);
        digest.Update(0x80);
        digest.BlockUpdate(DefaultId, 0, DefaultId.Length);
        foreach (var element in new[] { Sm2.Domain.Curve.A, Sm2.Domain.Curve.B, Sm2.Domain.G.AffineXCoord, Sm2.Domain.G.AffineYCoord })
            digest.BlockUpdate(element.GetEncoded(), 0, 32);
        digest.BlockUpdate(publicKey, 1, 64);
        var z = new byte[32];
        digest.DoFinal(z, 0);
        return z;
    }

    private static byte[] Digest(byte[] z, byte[] message) => Sm3.Hash(z, message);

    private static BigInteger R(byte[] signature) => new(1, signature, 0, 32);
    private static BigInteger S(byte[] signature) => new(1, signature, 32, 32);
    private static byte[] WithR(byte[] signature, BigInteger r) => Encode(r, S(signature));
    private static byte[] WithS(byte[] signature, BigInteger s) => Encode(R(signature), s);

    /// <summary>r || s as 32 bytes each; values of 2^256 or more are cut to their low 256 bits.</summary>
    private static byte[] Encode(BigInteger r, BigInteger s)
    {
        var result = new byte[64];
        Fixed(r).CopyTo(result, 0);
        Fixed(s).CopyTo(result, 32);
        return result;
    }

    private static byte[] Fixed(BigInteger value)
    {
        var bytes = value.Mod(BigInteger.One.ShiftLeft(256)).ToByteArrayUnsigned();
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }

    private static byte[] Flip(byte[] bytes, int bit)
    {
        var copy = (byte[])bytes.Clone();
        copy[bit / 8] ^= (byte)(0x80 >> (bit % 8));
        return copy;
    }
}

public sealed class Sm2CachedKeyTests
{
    [Fact]
    public void The_cached_key_is_one_object_per_hex_and_verifies_like_a_parsed_one()
    {
        var key = Sm2.Generate();
        var first = Sm2.CachedPublicKeyFromHex(key.PublicKeyHex);
        Assert.Same(first, Sm2.CachedPublicKeyFromHex(key.PublicKeyHex));
        var signature = key.Sign("node request"u8);
        for (var i = 0; i < 6; i++) Assert.True(Sm2.Verify(first, "node request"u8, signature)); // NAF, then its own table
        Assert.False(Sm2.Verify(first, "node request!"u8, signature));
        Assert.Throws<FormatException>(() => Sm2.CachedPublicKeyFromHex("04zz"));
    }
}
