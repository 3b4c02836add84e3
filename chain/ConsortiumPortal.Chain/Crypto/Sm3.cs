using Org.BouncyCastle.Crypto.Digests;

namespace ConsortiumPortal.Chain.Crypto;

/// <summary>SM3 (GM/T 0004-2012), the ledger's only hash function.</summary>
public static class Sm3
{
    public const int Size = 32;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var output = new byte[Size];
        digest.DoFinal(output, 0);
        return output;
    }

    /// <summary>SM3(prefix || a || b) without concatenating: the Merkle tree and the state-root chain hash pairs.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b = default)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(prefix);
        digest.BlockUpdate(a);
        digest.BlockUpdate(b);
        var output = new byte[Size];
        digest.DoFinal(output, 0);
        return output;
    }
}
