using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace ConsortiumPortal.Chain.Tests.Sm2Verify;

/// <summary>The reference the fast verifier must agree with: BouncyCastle's SM2Signer, exactly as Sm2.Verify used it.</summary>
internal static class Sm2Reference
{
    public static bool Verify(ECPublicKeyParameters key, byte[] message, byte[] signature)
    {
        if (signature.Length != 64) return false;
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(false, key);
        signer.BlockUpdate(message, 0, message.Length);
        try { return signer.VerifySignature(signature); }
        catch (Exception e) when (e is ArgumentException or CryptoException) { return false; }
    }
}
