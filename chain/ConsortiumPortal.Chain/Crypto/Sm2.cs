using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// SM2 signatures (GM/T 0003) with the default user ID 1234567812345678 and SM3 as the digest.
/// Signatures are raw r||s, 64 bytes (PlainDsaEncoding), the form FISCO BCOS and sm-crypto accept.
/// The curve comes from CustomNamedCurves: about 7x faster than the generic GMNamedCurves curve,
/// and the signatures are interchangeable (a test cross-checks both).
/// </summary>
public static class Sm2
{
    public const int SignatureSize = 64;
    public const int PublicKeySize = 65;
    public const string SignatureEncoding = "raw";

    public static readonly ECDomainParameters Domain = DomainFrom(CustomNamedCurves.GetByName("sm2p256v1"));

    internal static ECDomainParameters DomainFrom(X9ECParameters p) => new(p.Curve, p.G, p.N, p.H, p.GetSeed());

    private static readonly SecureRandom Random = new();

    public static Sm2KeyPair Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Domain, Random));
        var pair = generator.GenerateKeyPair();
        return new Sm2KeyPair((ECPrivateKeyParameters)pair.Private, (ECPublicKeyParameters)pair.Public);
    }

    public static byte[] Sign(ECPrivateKeyParameters key, ReadOnlySpan<byte> message)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithRandom(key, Random));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Checks a raw r||s signature; the same answers as BouncyCastle's SM2Signer, faster (Sm2Verifier).</summary>
    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        Sm2Verifier.Verify(key, message, signature);

    /// <summary>Parses an uncompressed 04||X||Y public key and checks that the point is on the curve.</summary>
    public static ECPublicKeyParameters PublicKeyFromBytes(ReadOnlySpan<byte> encoded, ECDomainParameters? domain = null)
    {
        domain ??= Domain;
        if (encoded.Length != PublicKeySize || encoded[0] != 0x04)
            throw new FormatException("an SM2 public key is 65 bytes: 04 || X || Y");
        Org.BouncyCastle.Math.EC.ECPoint point;
        // BouncyCastle already refuses an off-curve point while decoding (ArgumentException): report it as the format error it is.
        try { point = domain.Curve.DecodePoint(encoded.ToArray()); }
        catch (ArgumentException e) { throw new FormatException("the SM2 public key is not a point on the curve", e); }
        if (!point.IsValid()) throw new FormatException("the SM2 public key is not a point on the curve");
        return new ECPublicKeyParameters(point, domain);
    }

    public static ECPublicKeyParameters PublicKeyFromHex(string hex) => PublicKeyFromBytes(Hex.Decode(hex));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ECPublicKeyParameters> ParsedKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// PublicKeyFromHex, once per key: the same key object each time, so the verifier's per-key work (Z, tables) is
    /// reused. Only for keys from committed state (node and certificate keys), which are few; never for a key a
    /// request supplies, or the cache would grow without bound.
    /// </summary>
    public static ECPublicKeyParameters CachedPublicKeyFromHex(string hex) => ParsedKeys.GetOrAdd(hex, PublicKeyFromHex);

    public static byte[] PublicKeyBytes(ECPublicKeyParameters key) => key.Q.Normalize().GetEncoded(false);

    public static ECPrivateKeyParameters PrivateKeyFromBytes(ReadOnlySpan<byte> d, ECDomainParameters? domain = null)
    {
        if (d.Length != 32) throw new FormatException("an SM2 private key is 32 bytes");
        return new ECPrivateKeyParameters(new BigInteger(1, d.ToArray()), domain ?? Domain);
    }

    public static byte[] PrivateKeyBytes(ECPrivateKeyParameters key) => key.D.ToByteArrayUnsigned().PadLeft(32);

    private static byte[] PadLeft(this byte[] bytes, int size)
    {
        if (bytes.Length == size) return bytes;
        var padded = new byte[size];
        bytes.CopyTo(padded, size - bytes.Length);
        return padded;
    }
}

/// <summary>An SM2 key pair; the public half is what certificates and genesis carry.</summary>
public sealed class Sm2KeyPair(ECPrivateKeyParameters privateKey, ECPublicKeyParameters publicKey)
{
    public ECPrivateKeyParameters PrivateKey { get; } = privateKey;
    public ECPublicKeyParameters PublicKey { get; } = publicKey;
    public string PublicKeyHex => Hex.Encode(Sm2.PublicKeyBytes(PublicKey));

    public byte[] Sign(ReadOnlySpan<byte> message) => Sm2.Sign(PrivateKey, message);

    public static Sm2KeyPair FromPrivateKey(ReadOnlySpan<byte> d)
    {
        var priv = Sm2.PrivateKeyFromBytes(d);
        var q = Sm2.Domain.G.Multiply(priv.D).Normalize();
        return new Sm2KeyPair(priv, new ECPublicKeyParameters(q, Sm2.Domain));
    }
}
