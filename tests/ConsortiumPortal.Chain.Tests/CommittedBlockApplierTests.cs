using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>
/// The Raft apply path of a follower that is behind: a committed block above Height + 1 must not make the applier wait
/// for block sync (DotNext holds its WAL lock while applying, so waiting silenced the follower towards its leader); the
/// gap is fetched in the background, later blocks raise the target, and the ledger converges with every block checked.
/// </summary>
public sealed class CommittedBlockApplierTests
{
    [Fact]
    public async Task A_block_above_a_gap_returns_at_once_and_the_gap_is_filled_from_peers_in_the_background()
    {
        using var chain = new TestChain();
        var blocks = Enumerable.Range(0, 8).Select(i => chain.Commit(chain.Increment(chain.AdminA, "k", i + 1))).ToList();
        using var followerLedger = chain.NewFollower("follower");
        var source = new GatedBlockSource(chain.Ledger);
        using var sync = new BlockSync(followerLedger, source, () => ["http://leader"]);
        var applier = new CommittedBlockApplier(followerLedger, () => sync, NullLogger.Instance);

        // Blocks 1-5 came in a snapshot (height only); Raft delivers 6 and 7 while the peers have not answered yet.
        applier.OnSnapshot(5);
        var applying = Task.Run(() =>
        {
            applier.Apply(blocks[5].Serialize());
            applier.Apply(blocks[6].Serialize());
        });
        await applying.WaitAsync(TimeSpan.FromSeconds(10)); // would hang (and fail) if the applier waited for the peers
        Assert.Equal(0, followerLedger.Height);
        Assert.Equal(7, applier.AppliedHeight);               // what a Raft snapshot taken now records
        Assert.True(sync.IsBehind);

        source.Open();
        await WaitUntilAsync(() => followerLedger.Height == 7);
        Assert.False(sync.IsBehind);

        // Caught up: the next committed block applies directly, without the network.
        var requests = source.Requests;
        applier.Apply(blocks[7].Serialize());
        Assert.Equal(8, followerLedger.Height);
        Assert.Equal(requests, source.Requests);
        Assert.Equal(chain.Ledger.Store.HeadHash, followerLedger.Store.HeadHash);
        Assert.Equal(chain.Ledger.Store.HeadStateRoot, followerLedger.Store.HeadStateRoot);
    }

    [Fact]
    public async Task A_target_raised_while_a_catch_up_finishes_is_still_reached()
    {
        using var chain = new TestChain();
        var blocks = Enumerable.Range(0, 30).Select(i => chain.Commit(chain.Increment(chain.AdminA, "k"))).ToList();
        using var followerLedger = chain.NewFollower("follower");
        var source = new GatedBlockSource(chain.Ledger, maxPerAnswer: 3);
        source.Open();
        using var sync = new BlockSync(followerLedger, source, () => ["http://leader"]);
        var applier = new CommittedBlockApplier(followerLedger, () => sync, NullLogger.Instance);

        // Raft delivers each block while the catch-up of the ones before it is running: the last one must be reached
        // even though no further block arrives (a quiet chain).
        foreach (var block in blocks.Skip(1)) applier.Apply(block.Serialize());
        await WaitUntilAsync(() => followerLedger.Height == 30);
        Assert.Equal(chain.Ledger.Store.HeadHash, followerLedger.Store.HeadHash);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the follower did not catch up within 30 s");
            await Task.Delay(20);
        }
    }

    /// <summary>A peer that serves the leader's committed blocks, but only once opened (until then its answers hang).</summary>
    private sealed class GatedBlockSource(Ledger leader, int maxPerAnswer = 200) : IBlockSource
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public void Open() => _open.TrySetResult();

        public async Task<IReadOnlyList<byte[]>> GetBlocksAsync(string peerUrl, long from, int max, CancellationToken token)
        {
            await _open.Task.WaitAsync(token);
            Interlocked.Increment(ref _requests);
            var blocks = new List<byte[]>();
            for (var h = from; h < from + Math.Min(max, maxPerAnswer) && leader.Store.GetBlock(h) is { } stored; h++)
                blocks.Add(stored.Block.Serialize());
            return blocks;
        }
    }
}
