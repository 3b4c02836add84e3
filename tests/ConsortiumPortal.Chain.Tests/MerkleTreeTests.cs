using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Merkle;
using CsCheck;

namespace ConsortiumPortal.Chain.Tests;

public sealed class MerkleTreeTests
{
    private static byte[][] Leaves(int n) => Enumerable.Range(0, n).Select(i => Sm3.Hash(BitConverter.GetBytes(i))).ToArray();

    private static byte[] L(byte[] data) => MerkleTree.LeafHash(data);
    private static byte[] N(byte[] left, byte[] right) => MerkleTree.NodeHash(left, right);

    [Fact]
    public void Leaf_and_node_hashes_are_SM3_with_the_RFC_6962_domain_prefixes()
    {
        var a = Sm3.Hash("a"u8);
        var b = Sm3.Hash("b"u8);
        Assert.Equal(Sm3.Hash([0x00, .. a]), MerkleTree.LeafHash(a));
        Assert.Equal(Sm3.Hash([0x01, .. a, .. b]), MerkleTree.NodeHash(a, b));
        Assert.NotEqual(MerkleTree.NodeHash(a, b), MerkleTree.NodeHash(b, a));
        // A leaf can never pose as an interior node: the prefixes differ.
        Assert.NotEqual(MerkleTree.LeafHash([.. a, .. b]), MerkleTree.NodeHash(a, b));
    }

    [Fact]
    public void Empty_tree_root_is_SM3_of_the_empty_string() =>
        Assert.Equal("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b", Hex.Encode(MerkleTree.Root([])));

    [Fact]
    public void Roots_for_1_2_3_5_and_7_leaves_follow_the_RFC_6962_split()
    {
        var d = Leaves(7);
        Assert.Equal(L(d[0]), MerkleTree.Root(d[..1]));
        Assert.Equal(N(L(d[0]), L(d[1])), MerkleTree.Root(d[..2]));
        Assert.Equal(N(N(L(d[0]), L(d[1])), L(d[2])), MerkleTree.Root(d[..3]));
        Assert.Equal(N(N(N(L(d[0]), L(d[1])), N(L(d[2]), L(d[3]))), L(d[4])), MerkleTree.Root(d[..5]));
        Assert.Equal(N(N(N(L(d[0]), L(d[1])), N(L(d[2]), L(d[3]))), N(N(L(d[4]), L(d[5])), L(d[6]))), MerkleTree.Root(d[..7]));
    }

    [Fact]
    public void Audit_paths_for_a_5_leaf_tree_match_RFC_6962_section_2_1_1()
    {
        var d = Leaves(5);
        var left4 = N(N(L(d[0]), L(d[1])), N(L(d[2]), L(d[3])));
        Assert.Equal([L(d[1]), N(L(d[2]), L(d[3])), L(d[4])], MerkleTree.Prove(d, 0).Path);
        Assert.Equal([L(d[2]), N(L(d[0]), L(d[1])), L(d[4])], MerkleTree.Prove(d, 3).Path);
        Assert.Equal([left4], MerkleTree.Prove(d, 4).Path);
        var proof = MerkleTree.Prove(d, 2);
        Assert.Equal(2, proof.Index);
        Assert.Equal(5, proof.TreeSize);
    }

    [Fact]
    public void Single_leaf_tree_has_an_empty_path()
    {
        var d = Leaves(1);
        var proof = MerkleTree.Prove(d, 0);
        Assert.Empty(proof.Path);
        Assert.True(proof.Verify(d[0], MerkleTree.Root(d)));
    }

    [Fact]
    public void Prove_refuses_an_index_outside_the_tree()
    {
        var d = Leaves(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(d, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(d, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove([], 0));
    }

    /// <summary>Left/right position of each audit-path sibling, bottom-up, from the RFC 6962 recursive definition.</summary>
    private static List<bool> SiblingOnLeft(int index, int size)
    {
        if (size == 1) return [];
        var k = 1;
        while (k * 2 < size) k *= 2;
        var directions = index < k ? SiblingOnLeft(index, k) : SiblingOnLeft(index - k, size - k);
        directions.Add(index >= k);
        return directions;
    }

    [Fact]
    public void Property_every_proof_verifies_and_every_altered_path_element_fails_for_1_to_70_leaves()
    {
        for (var n = 1; n <= 70; n++)
        {
            var leaves = All[..n];
            var root = Roots[n];
            for (var i = 0; i < n; i++)
            {
                var proof = Proofs[n][i];
                Assert.Equal(i, proof.Index);
                Assert.Equal(n, proof.TreeSize);
                Assert.Equal(SiblingOnLeft(i, n).Count, proof.Path.Count);
                Assert.True(proof.Verify(leaves[i], root), $"leaf {i} of {n} does not verify");
                Assert.Equal(root, proof.ComputeRoot(leaves[i]));
                for (var p = 0; p < proof.Path.Count; p++)
                {
                    var path = proof.Path.Select(x => (byte[])x.Clone()).ToArray();
                    path[p][p % 32] ^= 0x01;
                    Assert.False((proof with { Path = path }).Verify(leaves[i], root), $"leaf {i} of {n}: altered path element {p} verifies");
                }
                Assert.False((proof with { Path = [.. proof.Path, root] }).Verify(leaves[i], root));
                if (proof.Path.Count > 0)
                    Assert.False((proof with { Path = proof.Path.Take(proof.Path.Count - 1).ToArray() }).Verify(leaves[i], root));
            }
        }
    }

    // Every tree of 1..70 leaves with all its proofs, computed once for the sampled properties.
    private static readonly byte[][] All = Leaves(70);
    private static readonly byte[][] Roots = Enumerable.Range(0, 71).Select(n => MerkleTree.Root(All[..n])).ToArray();
    private static readonly MerkleProof[][] Proofs =
        Enumerable.Range(0, 71).Select(n => Enumerable.Range(0, n).Select(i => MerkleTree.Prove(All[..n], i)).ToArray()).ToArray();

    private static readonly Gen<(int N, int I)> TreeAndIndex = Gen.Int[1, 70].SelectMany(n => Gen.Int[0, n - 1].Select(i => (n, i)));

    [Fact]
    public void Property_a_proof_fails_for_a_different_leaf()
    {
        TreeAndIndex.Select(Gen.Int[0, 69]).Sample((t, other) =>
        {
            var (n, i) = t;
            var proof = Proofs[n][i];
            Assert.True(proof.Verify(All[i], Roots[n]));
            var wrong = other == i ? Sm3.Hash("not a leaf"u8) : All[other];
            Assert.False(proof.Verify(wrong, Roots[n]));
            var flipped = (byte[])All[i].Clone();
            flipped[31] ^= 0x80;
            Assert.False(proof.Verify(flipped, Roots[n]));
        }, iter: 3000);
    }

    [Fact]
    public void Property_a_proof_fails_for_a_different_index()
    {
        TreeAndIndex.Select(Gen.Int[-2, 72]).Sample((t, j) =>
        {
            var (n, i) = t;
            if (j == i) return;
            Assert.False((Proofs[n][i] with { Index = j }).Verify(All[i], Roots[n]), $"leaf {i} of {n} verifies as index {j}");
        }, iter: 5000);
    }

    [Fact]
    public void Property_a_proof_fails_against_the_root_of_a_tree_of_another_size()
    {
        TreeAndIndex.Select(Gen.Int[0, 70]).Sample((t, m) =>
        {
            var (n, i) = t;
            if (m == n) return;
            var proof = Proofs[n][i] with { TreeSize = m };
            Assert.False(proof.Verify(All[i], Roots[m]), $"leaf {i} of {n} verifies in the {m}-leaf tree");
        }, iter: 5000);
    }

    [Fact]
    public void Property_a_different_tree_size_is_accepted_for_the_same_root_only_when_the_path_shape_is_identical()
    {
        // RFC 9162 verification takes the size as input; it cannot tell two sizes apart whose paths have the same
        // shape (e.g. leaf 0 of 3 and leaf 0 of 4). The receipt verifier therefore ties treeSize to header.txCount.
        var shapeCoincidences = 0;
        for (var n = 1; n <= 70; n++)
        {
            var leaves = All[..n];
            var root = Roots[n];
            for (var i = 0; i < n; i++)
            {
                var proof = Proofs[n][i];
                foreach (var m in new[] { 0, i, i + 1, n - 1, n + 1, n + 2, 2 * n, n * 3 / 2 })
                {
                    if (m == n) continue;
                    var sameShape = m > i && SiblingOnLeft(i, m).SequenceEqual(SiblingOnLeft(i, n));
                    if (sameShape) shapeCoincidences++;
                    Assert.Equal(sameShape, (proof with { TreeSize = m }).Verify(leaves[i], root));
                }
            }
        }
        Assert.True(shapeCoincidences > 0);
        var three = All[..3];
        Assert.True((MerkleTree.Prove(three, 0) with { TreeSize = 4 }).Verify(three[0], MerkleTree.Root(three)));
    }
}
