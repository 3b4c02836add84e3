using ConsortiumPortal.Contracts.DemandResponse;
using CsCheck;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

public sealed class ProRataTests
{
    [Fact]
    public void Largest_remainders_get_the_leftover_fen()
    {
        // 100 fen over 1:1:1 -> 33 each and one left, which goes to the smallest id among equal remainders.
        Assert.Equal([("a", 34L), ("b", 33L), ("c", 33L)], ProRata.Split(100, [("c", 1), ("a", 1), ("b", 1)]));
        // 10 fen over 2:3:5 Wh... 7 fen over 1:2:4: 1, 2, 4 exactly.
        Assert.Equal([("x", 1L), ("y", 2L), ("z", 4L)], ProRata.Split(7, [("x", 1), ("y", 2), ("z", 4)]));
        // 10 over 1:1:1:7 -> 1.0(r1) 1.0 1.0 7.0: exact; 11 over the same: floors 1,1,1,7 =10, remainders 1,1,1,7 -> z gets it.
        Assert.Equal([("a", 1L), ("b", 1L), ("c", 1L), ("z", 8L)], ProRata.Split(11, [("a", 1), ("b", 1), ("c", 1), ("z", 7)]));
    }

    [Fact]
    public void Shares_always_sum_to_the_amount_and_stay_within_a_fen_of_the_exact_share()
    {
        Gen.Select(Gen.Long[0, 1_000_000_000_000], Gen.Long[0, 10_000_000_000].Array[1, 40]).Sample((amount, weights) =>
        {
            var parties = weights.Select((w, i) => ($"p{i:D3}", w)).ToList();
            var shares = ProRata.Split(amount, parties);
            Assert.Equal(amount, shares.Sum(s => s.Amount));
            var total = weights.Sum();
            if (total == 0) return;
            foreach (var (party, share) in shares)
            {
                var exact = (decimal)amount * parties.First(p => p.Item1 == party).w / total;
                Assert.True(share >= Math.Floor(exact) && share <= Math.Floor(exact) + 1, $"{party}: {share} vs {exact}");
            }
        });
    }
}
