using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>
/// A follower does not verify again the signatures it verified at admission. The shortcut must hold only for the exact
/// signature bytes it checked: a block carrying the same transaction body (same id) with other signature bytes is
/// verified as usual, and refused when that signature is bad.
/// </summary>
public sealed class VerifiedSignaturesTests
{
    [Fact]
    public void A_block_carrying_an_admitted_transaction_with_other_signature_bytes_is_still_verified()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var honest = chain.Increment(chain.AdminA, "k");
        Assert.Null(follower.Admit(honest));                     // the follower verified these signature bytes

        // A faulty leader puts the same body (same tx id) with a broken signature in a block it signs; it skipped the
        // check itself (the flag stands for "already verified here").
        var forged = SignedTransaction.Create(honest.Body, honest.Signature.Select((b, i) => i == 10 ? (byte)(b ^ 1) : b).ToArray());
        Assert.Equal(honest.IdHex, forged.IdHex);
        forged.SignatureVerified = true;
        var block = chain.Ledger.Propose([forged], TestChain.NodeId, chain.NodeKey, chain.NextTime(), []);

        var refused = Assert.Throws<InvalidBlockException>(() => follower.Apply(block.Serialize()));
        Assert.Contains("invalid signature", refused.Message);
        Assert.Equal(0, follower.Height);
    }

    [Fact]
    public void A_block_carrying_the_admitted_signature_bytes_applies_and_matches_the_leader()
    {
        using var chain = new TestChain();
        using var follower = chain.NewFollower("follower");
        var tx = chain.Increment(chain.AdminA, "k", 5);
        Assert.Null(follower.Admit(tx));
        var block = chain.Commit(tx);

        Assert.True(follower.Apply(block.Serialize()));
        Assert.Equal(chain.Ledger.Store.HeadStateRoot, follower.Store.HeadStateRoot);
        Assert.Equal("5", follower.Store.Get(CounterContract.CounterKey("k")));
    }
}
