using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Receivables;
using CsCheck;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;
using static ConsortiumPortal.Contracts.Tests.Receivables.ReceivablesChain;

namespace ConsortiumPortal.Contracts.Tests.Receivables;

/// <summary>
/// Random sequences of issue, accept, split, transfer (offer, accept, decline), financing (apply, quote, accept) and
/// time passing, by right and wrong callers, with amounts that sometimes break the rules. After every transaction:
/// the outstanding parts of every root sum to its face amount, no part is financed twice, a financed part never moves
/// or splits again, and money is conserved. At maturity every root is settled and pays exactly its face amount, in
/// total, to the beneficiaries its parts named just before (holder, or the bank a part was assigned to).
/// </summary>
public sealed class ReceivablesPropertyTests
{
    public enum Kind { Issue, Accept, Split, Offer, AcceptOffer, Decline, Apply, Quote, AcceptQuote, Wait }

    public sealed record Op(Kind Kind, int Actor, int Pick, int Target, long Amount, int Parts, bool Exact)
    {
        public override string ToString() => $"{Kind} actor={Actors[Actor]} pick={Pick} target={Actors[Target]} amount={Amount} parts={Parts} exact={Exact}";
    }

    private static readonly string[] Actors = [Grid, Tier1, Tier2, Tier3, BankA, BankB, "gen-one"];

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency(
            (3, Gen.Const(Kind.Issue)), (3, Gen.Const(Kind.Accept)), (5, Gen.Const(Kind.Split)), (4, Gen.Const(Kind.Offer)),
            (4, Gen.Const(Kind.AcceptOffer)), (1, Gen.Const(Kind.Decline)), (6, Gen.Const(Kind.Apply)), (7, Gen.Const(Kind.Quote)),
            (8, Gen.Const(Kind.AcceptQuote)), (1, Gen.Const(Kind.Wait)))
        from actor in Gen.Frequency((4, Gen.Const(-1)), (1, Gen.Int[0, Actors.Length - 1]))
        from pick in Gen.Int[0, 1_000]
        from target in Gen.Int[0, Actors.Length - 1]
        from amount in Gen.Long[1, 5_000_000]
        from parts in Gen.Int[2, 4]
        from exact in Gen.Frequency((5, Gen.Const(true)), (1, Gen.Const(false)))
        select new Op(kind, actor, pick, target, amount, parts, exact);

    [Fact]
    public void Random_supply_chains_conserve_face_finance_once_never_move_pledged_parts_and_settle_exactly()
    {
        OpGen.Array[25, 50].Sample(ops =>
        {
            using var chain = Create();
            chain.Commit(chain.Deposit(BankA, Grid, 10_000_000_000), chain.Deposit(BankA, BankA, 1_000_000_000), chain.Deposit(BankB, BankB, 1_000_000_000));
            var total = chain.Total;
            var pledged = new Dictionary<string, (string Holder, string Bank, long Face)>();
            var invoice = 0;
            foreach (var op in ops)
            {
                var tx = Build(chain, op, ref invoice);
                if (tx is null) continue;
                chain.CommitOne(tx);
                Check(chain, pledged, total);
            }

            // Maturity: everything issued matures within 120 days.
            chain.Now += 121 * Day;
            var roots = chain.Vouchers().Where(v => v.ParentId is null && v.Status is not (VoucherStatus.Pending or VoucherStatus.Rejected or VoucherStatus.Cancelled)).ToList();
            if (roots.Count == 0) return;
            var due = new Dictionary<string, long>();
            foreach (var root in roots)
                foreach (var leaf in Leaves(chain, root).Where(l => l.IsOutstandingLeaf))
                    due[leaf.Beneficiary] = due.GetValueOrDefault(leaf.Beneficiary) + leaf.FaceFen;
            var before = chain.Balances();
            TestChain.AssertOk(chain.CommitOne(chain.R(Tier1, "settle", new SettleArgs(roots.Select(r => r.Id).ToList()))));
            var faceTotal = roots.Sum(r => r.FaceFen);
            Assert.Equal(before[Grid] - faceTotal, chain.Balance(Grid));
            foreach (var (org, amount) in due) Assert.Equal(before.GetValueOrDefault(org) + amount, chain.Balance(org));
            Assert.All(roots, r => Assert.Equal((r.FaceFen, 0L), (chain.Report(r.Id)!.PaidFen, chain.Report(r.Id)!.OverdueFen)));
            Assert.All(chain.Vouchers().Where(v => v.Children.Count == 0 && roots.Any(r => r.Id == v.RootId)), v => Assert.Equal(VoucherStatus.Settled, v.Status));
            Check(chain, pledged, total);
        }, iter: 30, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
    }

    private static SignedTransaction? Build(TestChain chain, Op op, ref int invoice)
    {
        var vouchers = chain.Vouchers();
        var requests = chain.Requests();
        T? Pick<T>(IReadOnlyList<T> list) where T : class => list.Count == 0 ? null : list[op.Pick % list.Count];
        string Actor(string rightful) => op.Actor < 0 ? rightful : Actors[op.Actor];
        var target = Actors[op.Target];
        switch (op.Kind)
        {
            case Kind.Issue:
                invoice++;
                var minSplit = op.Exact ? op.Amount / 10 : 0;
                return chain.R(Actor(Grid), "issue", new IssueArgs(Actors[1 + op.Target % 3], op.Amount * 10, chain.Now + (30 + op.Pick % 90) * Day,
                    Hash("contract " + invoice), Hash("invoice " + invoice), minSplit, ""));
            case Kind.Accept:
                return Pick(vouchers.Where(v => v.Status == VoucherStatus.Pending).ToList()) is { } p ? chain.R(Actor(p.Holder), "acceptIssue", new VoucherArgs(p.Id)) : null;
            case Kind.Split:
                if (Pick(vouchers.Where(v => v.Status is not (VoucherStatus.Pending or VoucherStatus.Split)).ToList()) is not { } s) return null;
                var amounts = Enumerable.Repeat(s.FaceFen / op.Parts, op.Parts).ToArray();
                amounts[0] += s.FaceFen - amounts.Sum() + (op.Exact ? 0 : 1);
                return chain.R(Actor(s.Holder), "split", new SplitArgs(s.Id, amounts));
            case Kind.Offer:
                return Pick(vouchers.Where(v => v.Children.Count == 0 && v.Status is not VoucherStatus.Pending).ToList()) is { } o
                    ? chain.R(Actor(o.Holder), "transfer", new TransferArgs(o.Id, op.Exact ? Actors[1 + op.Target % 3] : target)) : null;
            case Kind.AcceptOffer:
                return Pick(vouchers.Where(v => v.Status == VoucherStatus.Transferring).ToList()) is { } a ? chain.R(Actor(a.OfferedTo!), "acceptTransfer", new VoucherArgs(a.Id)) : null;
            case Kind.Decline:
                return Pick(vouchers.Where(v => v.Status == VoucherStatus.Transferring).ToList()) is { } d ? chain.R(Actor(d.OfferedTo!), "declineTransfer", new VoucherArgs(d.Id)) : null;
            case Kind.Apply:
                return Pick(vouchers.Where(v => v.Children.Count == 0 && v.Status is not VoucherStatus.Pending).ToList()) is { } f
                    ? chain.R(Actor(f.Holder), "applyFinancing", new ApplyArgs(f.Id, op.Target % 2 == 0 ? BankA : BankB)) : null;
            case Kind.Quote:
                var open = requests.Where(r => r.Status is FinancingStatus.Applied or FinancingStatus.Quoted).ToList();
                return Pick(op.Exact && open.Count > 0 ? open : requests) is { } q ? chain.R(Actor(q.Bank), "quote", new QuoteArgs(q.Id, 100 + op.Pick, chain.Now + Day)) : null;
            case Kind.AcceptQuote:
                // Mostly a quote waiting for its holder; sometimes one already financed (a second financing must fail).
                var quoted = requests.Where(r => r.Status == FinancingStatus.Quoted).ToList();
                return Pick(op.Exact && quoted.Count > 0 ? quoted : requests) is { } r ? chain.R(Actor(r.Holder), "acceptQuote", new RequestArgs(r.Id)) : null;
            default:
                chain.Now += (op.Pick % 5) * Day;
                return null;
        }
    }

    private static IEnumerable<Voucher> Leaves(TestChain chain, Voucher root) =>
        root.Children.Count == 0 ? [root] : root.Children.SelectMany(c => Leaves(chain, chain.Voucher(c)));

    private static void Check(TestChain chain, Dictionary<string, (string Holder, string Bank, long Face)> pledged, long total)
    {
        var vouchers = chain.Vouchers();
        foreach (var root in vouchers.Where(v => v.ParentId is null && v.Status != VoucherStatus.Pending))
            Assert.Equal(root.FaceFen, Leaves(chain, root).Sum(l => l.FaceFen));
        foreach (var parent in vouchers.Where(v => v.Children.Count > 0))
            Assert.Equal(parent.FaceFen, parent.Children.Sum(c => chain.Voucher(c).FaceFen));

        var financed = chain.Requests().Where(r => r.Status == FinancingStatus.Financed).ToList();
        Assert.Equal(financed.Count, financed.Select(r => r.VoucherId).Distinct().Count());
        foreach (var r in financed)
        {
            var v = chain.Voucher(r.VoucherId);
            Assert.Equal(r.Id, v.FinancingId);
            if (!pledged.ContainsKey(v.Id)) pledged[v.Id] = (v.Holder, r.Bank, v.FaceFen);
        }
        foreach (var (id, (holder, bank, face)) in pledged)
        {
            var v = chain.Voucher(id);
            Assert.Equal((holder, bank, face, 0), (v.Holder, v.Financier, v.FaceFen, v.Children.Count));
            Assert.Contains(v.Status, new[] { VoucherStatus.Financed, VoucherStatus.Settled });
            Assert.Null(v.OfferedTo);
        }
        Assert.Equal(total, chain.Total);
        Assert.Equal(total, chain.Balances().Values.Sum());
    }
}
