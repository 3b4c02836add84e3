using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Contracts.Vouchers;
using CsCheck;
using static ConsortiumPortal.Contracts.Tests.Vouchers.VoucherTestChain;

namespace ConsortiumPortal.Contracts.Tests.Vouchers;

/// <summary>
/// Random sequences of issue, split, transfer, sell, buy, deal, retire, cancel and expire by random holders (right and
/// wrong), committed through the real ledger. After every block:
/// <list type="bullet">
/// <item>per issuance, the live, retired and expired ranges tile [first, first + quantity) exactly: quantity is
/// conserved and no serial is held by two accounts (nor twice by one);</item>
/// <item>every range's parent is closed and its children tile it (provenance);</item>
/// <item>retired and expired ranges from earlier blocks are unchanged (they never move again);</item>
/// <item>money is conserved (balances plus escrows equal the total) and each trade paid exactly quantity x price from
/// buyer to seller: the change in every organisation's balance equals its trade receipts minus its trade payments.</item>
/// </list>
/// </summary>
public sealed class VoucherPropertyTests
{
    public enum Kind { Issue, Split, Transfer, Sell, Buy, Deal, Accept, Retire, Cancel, Expire, TimeJump }

    public sealed record Op(Kind Kind, int Actor, int Pick, int A, int B, int Price, int Target);

    private static readonly (string Signer, string Org)[] Actors =
    [
        (WindOps, "gen-wind"), (HydroOps, "gen-hydro"), (RetailOne, "retail-one"), (RetailTwo, "retail-two"), (ConsumerOps, "consumer-one"), (WindAdmin, "gen-wind"),
    ];

    private static readonly string[] Orgs = ["gen-wind", "gen-hydro", "retail-one", "retail-two", "consumer-one"];

    private static readonly Gen<Op> OneOp = Gen.Select(
        Gen.Frequency((3, Gen.Const(Kind.Issue)), (3, Gen.Const(Kind.Split)), (4, Gen.Const(Kind.Transfer)), (4, Gen.Const(Kind.Sell)),
            (4, Gen.Const(Kind.Buy)), (2, Gen.Const(Kind.Deal)), (2, Gen.Const(Kind.Accept)), (3, Gen.Const(Kind.Retire)),
            (1, Gen.Const(Kind.Cancel)), (1, Gen.Const(Kind.Expire)), (1, Gen.Const(Kind.TimeJump))),
        Gen.Int[0, Actors.Length - 1], Gen.Int[0, 1000], Gen.Int[-2, 60], Gen.Int[-2, 60], Gen.Int[1, 9], Gen.Int[0, Orgs.Length - 1])
        .Select(t => new Op(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6 * 1_000, t.Item7));

    /// <summary>
    /// Every history starts with these, one block each: wind issues twice, splits, transfers to retail-one, sells to
    /// retail-two's bid, proposes a deal that retail-one accepts, and retires; random operations follow, three to a
    /// block. Without them twelve random histories without a single successful deal were seen in CI (the coverage
    /// check below then failed).
    /// </summary>
    private static readonly Op[] Prologue =
    [
        new(Kind.Issue, 0, 0, 20, 0, 1_000, 0),
        new(Kind.Issue, 0, 0, 20, 0, 1_000, 0),
        new(Kind.Split, 0, 1, 5, 0, 1_000, 0),
        new(Kind.Transfer, 0, 1, 0, 2, 1_000, 2),
        new(Kind.Sell, 0, 2, 0, 2, 3_000, 0),
        new(Kind.Buy, 3, 1, 2, 0, 5_000, 0),
        new(Kind.Deal, 0, 3, 0, 1, 4_000, 2),
        new(Kind.Accept, 2, 0, 0, 0, 1_000, 0),
        new(Kind.Retire, 0, 1, 0, 1, 1_000, 0),
    ];

    [Fact]
    public void Random_voucher_histories_conserve_quantity_money_and_provenance()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        OneOp.Array[25, 45].Sample(ops => Run(ops, seen), iter: 12, threads: 1);
        // The histories really exercised what the properties are about, not only refusals.
        foreach (var e in new[] { "VouchersIssued", "VouchersSplit", "VouchersTransferred", "TradeExecuted", "VouchersRetired", "DealProposed" })
            Assert.True(seen.GetValueOrDefault(e) > 0, $"no {e} in any history: {string.Join(", ", seen)}");
    }

    private static void Run(Op[] ops, Dictionary<string, int> seen)
    {
        using var chain = Create();
        foreach (var org in Orgs) chain.Fund(org, 500_000);
        var hour = 0;
        var frozen = new Dictionary<string, string>(StringComparer.Ordinal);
        var expectedDelta = Orgs.ToDictionary(o => o, _ => 0L);
        var startBalances = Orgs.ToDictionary(o => o, chain.Balance);

        foreach (var chunk in Prologue.Select(op => new[] { op }).Concat(ops.Chunk(3)))
        {
            var txs = chunk.Select(op => Build(chain, op, ref hour)).OfType<SignedTransaction>().ToArray();
            if (txs.Length == 0) continue;
            var tradesBefore = chain.Trades().Count;
            foreach (var result in chain.CommitWithoutAdmission(txs))
                foreach (var e in result.Events) seen[e.Name] = seen.GetValueOrDefault(e.Name) + 1;
            foreach (var trade in chain.Trades().Skip(tradesBefore))
            {
                Assert.Equal(trade.Quantity * trade.PriceFen, trade.AmountFen);
                expectedDelta[trade.Buyer] -= trade.AmountFen;
                expectedDelta[trade.Seller] += trade.AmountFen;
            }
            Check(chain, frozen);
            foreach (var org in Orgs) Assert.Equal(startBalances[org] + expectedDelta[org], chain.Balance(org));
        }
    }

    private static SignedTransaction? Build(TestChain chain, Op op, ref int hour)
    {
        var (signer, org) = Actors[op.Actor];
        var mine = chain.HoldingsOf(org).Where(r => r.Status == RangeStatuses.Active).ToList();
        var any = chain.AllRanges();
        // Mostly the actor's own active ranges; sometimes anybody's range, closed, retired or expired ones too.
        VoucherRange? Pick() => mine.Count > 0 && op.Pick % 5 != 0 ? mine[op.Pick % mine.Count] : any.Count > 0 ? any[op.Pick % any.Count] : null;
        // Mostly a valid sub-range; one time in four the raw offsets, which may lie outside the range or be empty.
        (long, long) Part(VoucherRange r)
        {
            if (op.Pick % 4 == 0) return (r.Start + op.A, r.Start + op.A + op.B);
            var start = r.Start + Math.Abs(op.A) % r.Quantity;
            return (start, Math.Min(r.End, start + 1 + Math.Abs(op.B) % r.Quantity));
        }
        var target = Orgs[op.Target];
        switch (op.Kind)
        {
            case Kind.Issue:
                if (hour >= 24 * 200) return null;
                var h = hour++;
                return chain.IssueFile(op.Pick % 2 == 0 ? WindMeter : HydroMeter, Day + h * Hour, Day + (h + 1) * Hour, (op.A + 3) * 1_000_000L + op.B * 10_000L);
            // Like Part: mostly a split point inside the range, one in four raw (often outside it: a refusal case). Raw
            // points alone made a history without any successful split likely (seen in CI).
            case Kind.Split when Pick() is { } r:
                return chain.SplitRange(signer, r.Id, op.Pick % 4 == 0 ? r.Start + op.A : r.Start + 1 + Math.Abs(op.A) % Math.Max(1, r.Quantity - 1));
            case Kind.Transfer when Pick() is { } r: var (ts, te) = Part(r); return chain.TransferRange(signer, r.Id, ts, te, target);
            case Kind.Sell when Pick() is { } r: var (ss, se) = Part(r); return chain.Sell(signer, r.Id, ss, se, op.Price);
            case Kind.Buy: return chain.Buy(signer, Math.Max(1, op.A), op.Price, op.Pick % 3 == 0 ? VoucherClasses.Hydro : null);
            case Kind.Deal when Pick() is { } r: var (ds, de) = Part(r); return chain.ProposeDeal(signer, r.Id, ds, de, target, op.Price);
            case Kind.Accept:
                var deals = VoucherState.ReadAll<VoucherDeal>(chain.Ledger.Store, VoucherState.DealPrefix).ToList();
                return deals.Count == 0 ? null : chain.AcceptDeal(signer, deals[op.Pick % deals.Count].Id);
            case Kind.Retire when Pick() is { } r:
                var (rs, re) = Part(r);
                return op.Pick % 2 == 0 ? chain.RetireRange(signer, r.Id, rs, re) : chain.RetireRange(signer, r.Id, rs, re, RetirementPurposes.Voluntary, beneficiary: "b");
            case Kind.Cancel:
                var orders = VoucherState.ReadAll<VoucherOrder>(chain.Ledger.Store, VoucherState.OrderPrefix).ToList();
                return orders.Count == 0 ? null : chain.CancelOrder(signer, orders[op.Pick % orders.Count].Id);
            case Kind.Expire:
                var due = any.Where(r => RangeStatuses.IsLive(r.Status) && r.ExpiresAt <= chain.Now).Select(r => r.Id).Take(10).ToArray();
                return due.Length == 0 ? (any.Count > 0 ? chain.Expire(Issuer, any[op.Pick % any.Count].Id) : null) : chain.Expire(Issuer, due);
            case Kind.TimeJump:
                // Late in a history, move past the vouchers' expiry (end of 2026) so expiry is exercised.
                if (op.Pick % 4 == 0) chain.Now = Math.Max(chain.Now, VoucherState.StartOfYear(2027) + 1_000);
                return null;
            default: return null;
        }
    }

    private static void Check(TestChain chain, Dictionary<string, string> frozen)
    {
        var store = chain.Ledger.Store;
        var ranges = chain.AllRanges();
        var byId = ranges.ToDictionary(r => r.Id);
        foreach (var issuance in chain.Issuances())
        {
            var held = ranges.Where(r => r.IssuanceId == issuance.Id && r.Status != RangeStatuses.Closed).OrderBy(r => r.Start).ToList();
            var next = issuance.FirstSerial;
            foreach (var r in held)
            {
                Assert.Equal(next, r.Start); // no gap, no overlap: each serial in exactly one held range
                Assert.True(r.End > r.Start);
                next = r.End;
            }
            Assert.Equal(issuance.FirstSerial + issuance.Quantity, next);
        }
        foreach (var r in ranges)
        {
            if (r.ParentId is { } parentId)
            {
                var parent = byId[parentId];
                Assert.Equal(RangeStatuses.Closed, parent.Status);
                Assert.Contains(r.Id, parent.Children!);
            }
            if (r.Status == RangeStatuses.Closed)
            {
                var children = r.Children!.Select(c => byId[c]).OrderBy(c => c.Start).ToList();
                Assert.Equal(r.Start, children[0].Start);
                Assert.Equal(r.End, children[^1].End);
                Assert.Equal(r.Quantity, children.Sum(c => c.Quantity));
            }
            // The holdings index lists exactly the ranges that are not closed, under their owner.
            Assert.Equal(r.Status != RangeStatuses.Closed, store.Get(VoucherState.HoldingKey(r.Owner, r.Id)) is not null);
            var json = store.Get(VoucherState.RangeKey(r.Id))!;
            if (r.Status is RangeStatuses.Retired or RangeStatuses.Expired)
            {
                if (frozen.TryGetValue(r.Id, out var before)) Assert.Equal(before, json); // never moves again
                else frozen[r.Id] = json;
            }
        }
        Assert.Equal(chain.Total, chain.Balances().Values.Sum() + chain.Escrows().Where(e => e.Status == EscrowStatus.Held).Sum(e => e.Amount));
    }
}
