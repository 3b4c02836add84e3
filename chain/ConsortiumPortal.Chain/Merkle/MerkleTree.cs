using ConsortiumPortal.Chain.Crypto;

namespace ConsortiumPortal.Chain.Merkle;

/// <summary>
/// RFC 6962 Merkle tree hashing with SM3: leaf = SM3(0x00 || data), node = SM3(0x01 || left || right),
/// split at the largest power of two smaller than n; the root of no leaves is SM3("").
/// For transactions the leaf data is the 32-byte txId; for receipts it is SM3(canonical(result)).
/// </summary>
public static class MerkleTree
{
    private static ReadOnlySpan<byte> LeafPrefix => [0x00];
    private static ReadOnlySpan<byte> NodePrefix => [0x01];

    public static byte[] LeafHash(ReadOnlySpan<byte> data) => Sm3.Hash(LeafPrefix, data);

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => Sm3.Hash(NodePrefix, left, right);

    public static byte[] Root(IReadOnlyList<byte[]> leafData)
    {
        if (leafData.Count == 0) return Sm3.Hash([]);
        var level = new byte[leafData.Count][];
        for (var i = 0; i < level.Length; i++) level[i] = LeafHash(leafData[i]);
        return RootOfHashes(level, 0, level.Length);
    }

    /// <summary>The audit path of leaf <paramref name="index"/>, bottom-up (RFC 6962 section 2.1.1).</summary>
    public static MerkleProof Prove(IReadOnlyList<byte[]> leafData, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leafData.Count);
        var leaves = new byte[leafData.Count][];
        for (var i = 0; i < leaves.Length; i++) leaves[i] = LeafHash(leafData[i]);
        var path = new List<byte[]>();
        Path(leaves, index, 0, leaves.Length, path);
        return new MerkleProof(index, leaves.Length, path);
    }

    private static void Path(byte[][] leaves, int m, int start, int n, List<byte[]> path)
    {
        if (n == 1) return;
        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(leaves, m, start, k, path);
            path.Add(RootOfHashes(leaves, start + k, n - k));
        }
        else
        {
            Path(leaves, m - k, start + k, n - k, path);
            path.Add(RootOfHashes(leaves, start, k));
        }
    }

    private static byte[] RootOfHashes(byte[][] hashes, int start, int n)
    {
        if (n == 1) return hashes[start];
        var k = LargestPowerOfTwoBelow(n);
        return NodeHash(RootOfHashes(hashes, start, k), RootOfHashes(hashes, start + k, n - k));
    }

    internal static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k << 1 < n) k <<= 1;
        return k;
    }
}

/// <summary>An inclusion proof: leaf index, tree size and the audit path bottom-up.</summary>
public sealed record MerkleProof(int Index, int TreeSize, IReadOnlyList<byte[]> Path)
{
    /// <summary>Recomputes the root from leaf data (RFC 9162 section 2.1.3.2 verification algorithm).</summary>
    public byte[]? ComputeRoot(ReadOnlySpan<byte> leafData)
    {
        if (Index < 0 || Index >= TreeSize) return null;
        long fn = Index, sn = TreeSize - 1;
        var r = MerkleTree.LeafHash(leafData);
        foreach (var p in Path)
        {
            if (sn == 0) return null;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.NodeHash(p, r);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else r = MerkleTree.NodeHash(r, p);
            fn >>= 1; sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    public bool Verify(ReadOnlySpan<byte> leafData, ReadOnlySpan<byte> root) => ComputeRoot(leafData) is { } r && r.AsSpan().SequenceEqual(root);
}
