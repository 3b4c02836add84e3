using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>
/// The leader proposes block h+1 while block h is still being replicated: the proposal must build on h's writes,
/// and a follower applying both must reach the same head and state root.
/// </summary>
public sealed class LedgerPipelineTests
{
    [Fact]
    public void A_proposal_builds_on_the_unapplied_block_below_it()
    {
        using var chain = new TestChain();
        var first = chain.Propose(chain.Increment(chain.AdminA, "k", 2));
        // Not applied yet: the next block reads the counter as 2, not 0, and links to the first block.
        var second = chain.Propose(chain.Increment(chain.AdminA, "k", 3));
        Assert.Equal(first.Height + 1, second.Height);
        Assert.Equal(first.Header.HashHex(), second.Header.PrevHash);
        Assert.Equal(0, chain.Counter("k"));

        Assert.True(chain.Ledger.Apply(first));
        Assert.True(chain.Ledger.Apply(second));
        Assert.Equal(5, chain.Counter("k"));

        using var follower = chain.NewFollower("follower");
        Assert.True(follower.Apply(first));
        Assert.True(follower.Apply(second));
        Assert.Equal(chain.Ledger.Store.HeadHash, follower.Store.HeadHash);
        Assert.Equal(chain.Ledger.Store.HeadStateRoot, follower.Store.HeadStateRoot);
        Assert.True(chain.Ledger.Audit().IsValid);
    }

    [Fact]
    public void A_transaction_in_the_unapplied_block_is_not_proposed_again()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "k");
        chain.Propose(tx);
        var dropped = new List<(SignedTransaction Tx, AdmissionError Reason)>();
        var again = chain.Ledger.Propose([tx], TestChain.NodeId, chain.NodeKey, chain.NextTime(), dropped);
        Assert.Empty(again.Transactions);
        Assert.Equal("duplicate", Assert.Single(dropped).Reason.Code);
    }

    [Fact]
    public void After_an_abandoned_proposal_the_next_one_builds_on_the_committed_head()
    {
        using var chain = new TestChain();
        var lost = chain.Propose(chain.Increment(chain.AdminA, "k", 7));
        chain.Ledger.Abandon(lost);
        var next = chain.Propose(chain.Increment(chain.AdminA, "k", 1));
        Assert.Equal(lost.Height, next.Height);
        Assert.Equal(chain.Ledger.Store.HeadHash, next.Header.PrevHash);
        Assert.True(chain.Ledger.Apply(next));
        Assert.Equal(1, chain.Counter("k"));
    }

    [Fact]
    public void An_empty_proposal_is_not_built_upon()
    {
        using var chain = new TestChain();
        var empty = chain.Ledger.Propose([], TestChain.NodeId, chain.NodeKey, chain.NextTime(), []);
        var next = chain.Propose(chain.Increment(chain.AdminA, "k"));
        Assert.Equal(empty.Height, next.Height);
        Assert.True(chain.Ledger.Apply(next));
    }
}
