using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Vouchers;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>1,000 transactions racing for the same range, signed and admitted concurrently: exactly one wins.</summary>
public sealed class VoucherConcurrencyTests
{
    [Fact]
    public void Of_1000_concurrent_attempts_to_sell_or_transfer_the_same_range_exactly_one_succeeds()
    {
        using var chain = Create();
        var range = chain.IssueHour(0, 100);
        var admitted = new ConcurrentBag<SignedTransaction>();
        Parallel.For(0, 1_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var tx = (i % 3) switch
            {
                0 => chain.TransferRange(WindOps, range.Id, range.Start, range.End, i % 2 == 0 ? "retail-one" : "retail-two"),
                1 => chain.Sell(WindOps, range.Id, range.Start, range.End, 1_000 + i),
                _ => chain.ProposeDeal(WindOps, range.Id, range.Start, range.End, "retail-one", 1_000 + i),
            };
            Assert.Null(chain.Ledger.Admit(tx));
            admitted.Add(tx);
        });

        // The leader orders them as they arrive: blocks of 100 in arrival order.
        var results = admitted.Chunk(100).SelectMany(chain.CommitWithoutAdmission).ToList();
        Assert.Equal(1_000, results.Count);
        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Matches("is (closed|listed)", r.Error!));

        // The 100 MWh are still exactly once somewhere: with their new holder, or listed by the seller.
        var live = chain.AllRanges().Where(r => RangeStatuses.IsLive(r.Status)).ToList();
        Assert.Equal(100, live.Sum(r => r.Quantity));
        Assert.Single(live);
        Assert.Equal(winner.Events.Count(e => e.Name == "VouchersTransferred") == 1 ? 0 : 100, chain.Held("gen-wind", RangeStatuses.Listed));
    }
}
