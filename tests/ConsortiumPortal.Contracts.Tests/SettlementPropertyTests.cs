using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using CsCheck;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>
/// Random sequences of settlement operations by random callers (right and wrong ones), with random amounts
/// (0, negative, huge up to 2^53-1, exactly the balance, one more than it) and escrow ids that repeat, committed
/// through the real ledger in blocks of one or several transactions. After every block: no balance is negative,
/// balances plus held escrows equal the recorded total, which equals what the successful deposits minus withdrawals
/// put in; every transaction's outcome matches a reference model of the rules; a block of failures changes nothing.
/// </summary>
public sealed class SettlementPropertyTests
{
    private const long MaxSafe = CanonicalJson.MaxSafeInteger;

    public enum Kind { Deposit, Withdraw, Transfer, Hold, Capture, Release }

    public enum AmountKind { Raw, ExactBalance, BalancePlusOne }

    /// <summary>
    /// One operation. Caller and Target index <see cref="Callers"/> and <see cref="Targets"/>; Party picks the escrow and caller of
    /// a capture/release: 0 an existing escrow by its payer, 1 by its payee, 2 by Caller, 3 EscrowIds[Escrow] by Caller; Expiry: 0 none, 1 past, 2 the block time
    /// itself, 3 two blocks ahead, 4 far ahead.
    /// </summary>
    public sealed record Op(Kind Kind, int Caller, int Party, int Target, AmountKind AmountKind, long Amount, int Escrow, int Expiry,
        bool BadText, bool EndsBlock)
    {
        public override string ToString() =>
            $"{Kind} caller={Callers[Caller].Id} party={Party} target={Targets[Target]} amount={AmountKind}:{Amount} escrow={EscrowIds[Escrow]} " +
            $"expiry={Expiry}{(BadText ? " badText" : "")}{(EndsBlock ? " |" : "")}";
    }

    /// <param name="MovesMoney">holds one of its organisation's business roles (not only OrgAdmin or Regulator)</param>
    private sealed record Caller(string Id, string Organisation, bool ActsAsBank, bool MovesMoney);

    private static readonly OrgSpec[] Organisations =
    [
        new("bank-a", Roles.Bank), new("bank-b", Roles.Bank), new("gen-one", Roles.Generator),
        new("retail-one", Roles.Retailer), new("consumer-one", Roles.Consumer), new("regulator", Roles.Regulator),
    ];

    private static readonly string[] Targets = [.. Organisations.Select(o => o.Id), TestChain.NonMember];

    private static readonly Caller[] Callers =
    [
        new("bank-a", "bank-a", true, true),
        new("bank-b", "bank-b", true, true),
        new("bank-a/teller", "bank-a", true, true),      // Bank person role
        new("bank-a/clerk", "bank-a", false, false),     // a bank's person without any role
        new("bank-b/admin", "bank-b", false, false),     // a bank's admin without the Bank role
        new("gen-one", "gen-one", false, true),
        new("gen-one/ops", "gen-one", false, true),
        new("retail-one", "retail-one", false, true),
        new("consumer-one", "consumer-one", false, true),
        new("regulator", "regulator", false, false),     // read-only: may not move even its own money
    ];

    private static readonly string[] EscrowIds = ["e-1", "e-2", "e-3", "e-4", "Bad Id"];

    private static readonly Gen<long> RawAmount = Gen.Frequency(
        (8, (IGen<long>)Gen.Long[1, 10_000]),
        (3, Gen.Long[10_001, 10_000_000_000]),
        (1, Gen.Const(0L)),
        (1, Gen.Long[-10_000, -1]),
        (1, Gen.Long[-MaxSafe, -1]),
        (1, Gen.Long[MaxSafe - 1_000, MaxSafe]),
        (1, Gen.Long[1, MaxSafe]));

    // Deposits are mostly large enough to pay for the operations that follow, with the same edge cases.
    private static readonly Gen<long> DepositAmount = Gen.Frequency(
        (12, (IGen<long>)Gen.Long[10_000, 100_000_000]),
        (1, Gen.Const(0L)),
        (1, Gen.Long[-MaxSafe, -1]),
        (1, Gen.Long[MaxSafe - 1_000, MaxSafe]),
        (1, Gen.Long[1, MaxSafe]));

    private static readonly Gen<Op> OneOp =
        from kind in Gen.Frequency((3, Kind.Deposit), (2, Kind.Withdraw), (3, Kind.Transfer), (5, Kind.Hold), (3, Kind.Capture), (3, Kind.Release))
        from caller in Gen.Frequency((2, (IGen<int>)Gen.Int[0, 2]), (3, Gen.Int[0, Callers.Length - 1])) // banks a bit more often
        from party in Gen.Int[0, 3]
        from target in Gen.Int[0, Targets.Length - 1]
        from amountKind in Gen.Frequency((6, AmountKind.Raw), (2, AmountKind.ExactBalance), (1, AmountKind.BalancePlusOne))
        from amount in kind == Kind.Deposit ? DepositAmount : RawAmount
        from escrow in Gen.Int[0, EscrowIds.Length - 1]
        from expiry in Gen.Frequency((4, 0), (1, 1), (1, 2), (3, 3), (1, 4))
        from badText in Gen.Int[0, 14].Select(i => i == 0)
        from endsBlock in Gen.Bool
        select new Op(kind, caller, party, target, amountKind, amount, escrow, expiry, badText, endsBlock);

    [Fact]
    public void Money_is_conserved_never_negative_and_failed_transactions_change_nothing()
    {
        var successes = new ConcurrentDictionary<Kind, int>();
        // Opening deposits (0 = none) for each organisation, then the operations.
        var opening = Gen.Frequency((1, (IGen<long>)Gen.Const(0L)), (3, Gen.Long[1, 100_000_000])).Array[Organisations.Length];
        Gen.Select(opening, OneOp.Array[20, 40]).Sample((deposits, ops) => Run(deposits, ops, successes), iter: 50,
            print: t => $"opening: {string.Join(", ", t.Item1)}\n{string.Join("\n", t.Item2.Select(o => o.ToString()))}");
        // The property means something only if every kind of operation also succeeded now and then.
        Assert.All(Enum.GetValues<Kind>(), kind => Assert.True(successes.GetValueOrDefault(kind) > 0, $"no {kind} ever succeeded"));
    }

    private static void Run(long[] opening, Op[] ops, ConcurrentDictionary<Kind, int> successes)
    {
        using var chain = new TestChain(Organisations);
        var people = chain.Commit(
            chain.IssueCertificate("bank-a", "bank-a/teller", [Roles.Bank]),
            chain.IssueCertificate("bank-a", "bank-a/clerk", []),
            chain.IssueCertificate("bank-b", "bank-b/admin", [Roles.OrgAdmin]),
            chain.IssueCertificate("gen-one", "gen-one/ops", [Roles.Generator]));
        Assert.All(people, TestChain.AssertOk);

        var model = new Model();
        long deposited = 0, withdrawn = 0;
        var openingDeposits = Organisations.Select((o, i) => (o.Id, Amount: opening[i])).Where(d => d.Amount > 0).ToArray();
        if (openingDeposits.Length > 0)
        {
            var results = chain.Commit([.. openingDeposits.Select(d => chain.Deposit("bank-b", d.Id, d.Amount, "OPEN"))]);
            Assert.All(results, TestChain.AssertOk);
            foreach (var d in openingDeposits) Assert.True(model.Deposit(true, d.Id, d.Amount, true));
            deposited = openingDeposits.Sum(d => d.Amount);
            AssertInvariants(chain, model, deposited);
        }
        var block = new List<(Op Op, SignedTransaction Tx, bool Predicted, long Amount)>();
        for (var i = 0; i < ops.Length; i++)
        {
            var blockTime = chain.Now;
            block.Add(Build(chain, model, ops[i], blockTime));
            if (!ops[i].EndsBlock && i != ops.Length - 1) continue;

            var before = chain.State();
            var results = chain.Commit([.. block.Select(b => b.Tx)]);
            Assert.Equal(blockTime, chain.LastBlockTime);
            for (var j = 0; j < results.Length; j++)
            {
                var (op, _, predicted, amount) = block[j];
                Assert.True(predicted == results[j].Succeeded,
                    $"{op} (amount {amount}): the model predicted {(predicted ? "success" : "failure")}, the ledger said {results[j].Status} {results[j].Error}");
                if (!results[j].Succeeded) Assert.Empty(results[j].Events);
                if (results[j].Succeeded) successes.AddOrUpdate(op.Kind, 1, (_, n) => n + 1);
                if (results[j].Succeeded && op.Kind == Kind.Deposit) deposited = checked(deposited + amount);
                if (results[j].Succeeded && op.Kind == Kind.Withdraw) withdrawn = checked(withdrawn + amount);
            }
            var after = chain.State();
            if (results.All(r => !r.Succeeded)) Assert.Equal(before, after);
            // Settlement touches nothing but its own keys, and only those three kinds of them.
            Assert.Equal(before.Where(p => !p.Key.StartsWith("settlement/", StringComparison.Ordinal)),
                after.Where(p => !p.Key.StartsWith("settlement/", StringComparison.Ordinal)));
            Assert.All(after.Keys.Where(k => k.StartsWith("settlement/", StringComparison.Ordinal)), k => Assert.True(
                k == SettlementAccounts.TotalKey || k.StartsWith(SettlementAccounts.BalancePrefix, StringComparison.Ordinal)
                || k.StartsWith(SettlementAccounts.EscrowPrefix, StringComparison.Ordinal), k));
            AssertInvariants(chain, model, deposited - withdrawn);
            block.Clear();
        }
    }

    private static (Op, SignedTransaction, bool, long) Build(TestChain chain, Model model, Op op, long blockTime)
    {
        var caller = Callers[op.Caller];
        var target = Targets[op.Target];
        var text = op.BadText ? "" : "REF-1";
        var memo = op.BadText ? new string('m', 257) : "memo";
        var escrowId = EscrowIds[op.Escrow];

        long Amount(string accountOf)
        {
            var balance = model.Balance(accountOf);
            var amount = op.AmountKind switch
            {
                AmountKind.ExactBalance => balance,
                AmountKind.BalancePlusOne => balance + 1,
                _ => op.Amount,
            };
            return amount is > MaxSafe or < -MaxSafe ? op.Amount : amount;
        }

        switch (op.Kind)
        {
            case Kind.Deposit:
            {
                var amount = op.Amount;
                var ok = model.Deposit(caller.ActsAsBank, target, amount, !op.BadText);
                return (op, chain.Deposit(caller.Id, target, amount, text), ok, amount);
            }
            case Kind.Withdraw:
            {
                var amount = Amount(target);
                var ok = model.Withdraw(caller.ActsAsBank, target, amount, !op.BadText);
                return (op, chain.Withdraw(caller.Id, target, amount, text), ok, amount);
            }
            case Kind.Transfer:
            {
                var amount = Amount(caller.Organisation);
                var ok = caller.MovesMoney && model.Transfer(caller.Organisation, target, amount, !op.BadText);
                return (op, chain.Transfer(caller.Id, target, amount, op.BadText ? memo : ""), ok, amount);
            }
            case Kind.Hold:
            {
                var amount = Amount(caller.Organisation);
                long? expiresAt = op.Expiry switch
                {
                    1 => blockTime - 1 - op.Escrow * 1_000L,
                    2 => blockTime,
                    3 => blockTime + 1_500,
                    4 => blockTime + 1_000_000_000,
                    _ => null,
                };
                var ok = caller.MovesMoney && model.Hold(caller.Organisation, escrowId, target, amount, expiresAt, !op.BadText, blockTime);
                return (op, chain.Hold(caller.Id, escrowId, target, amount, expiresAt, op.BadText ? memo : "memo"), ok, amount);
            }
            default:
            {
                // Capture and release are mostly tried by the escrow's own parties, so that they sometimes succeed.
                var signer = caller.Id;
                var organisation = caller.Organisation;
                if (op.Party != 3 && model.Escrows.Count > 0)
                {
                    var existing = model.Escrows.Keys.Order(StringComparer.Ordinal).ToArray();
                    escrowId = existing[op.Escrow % existing.Length];
                    var escrow = model.Escrows[escrowId];
                    if (op.Party is 0 or 1) signer = organisation = op.Party == 0 ? escrow.Payer : escrow.Payee;
                }
                var movesMoney = Callers.Single(c => c.Id == signer).MovesMoney;
                var ok = movesMoney && (op.Kind == Kind.Capture ? model.Capture(organisation, escrowId) : model.Release(organisation, escrowId, blockTime));
                var tx = op.Kind == Kind.Capture ? chain.Capture(signer, escrowId) : chain.Release(signer, escrowId);
                return (op, tx, ok, 0);
            }
        }
    }

    private static void AssertInvariants(TestChain chain, Model model, long netDeposits)
    {
        var balances = chain.Balances();
        var escrows = chain.Escrows();
        Assert.All(balances, b => Assert.True(b.Value >= 0, $"balance of {b.Key} is {b.Value}"));
        Assert.All(balances.Keys, k => Assert.Contains(k, Organisations.Select(o => o.Id)));
        var held = escrows.Where(e => e.Status == EscrowStatus.Held).Sum(e => e.Amount);
        Assert.Equal(chain.Total, checked(balances.Values.Sum() + held));
        Assert.Equal(netDeposits, chain.Total);

        foreach (var organisation in Targets)
            Assert.True(model.Balance(organisation) == chain.Balance(organisation),
                $"{organisation}: model {model.Balance(organisation)}, ledger {chain.Balance(organisation)}");
        Assert.Equal(model.Escrows.Values.OrderBy(e => e.Id, StringComparer.Ordinal), escrows.OrderBy(e => e.Id, StringComparer.Ordinal));
        Assert.Equal(model.Total, chain.Total);
    }

    /// <summary>The settlement rules written out plainly, applied in the same order the block applies them.</summary>
    private sealed class Model
    {
        private readonly Dictionary<string, long> _balances = new(StringComparer.Ordinal);
        public Dictionary<string, Escrow> Escrows { get; } = new(StringComparer.Ordinal);
        public long Total { get; private set; }

        public long Balance(string organisation) => _balances.GetValueOrDefault(organisation);

        private static bool IsMember(string organisation) => Organisations.Any(o => o.Id == organisation);

        private static bool IsValidEscrowId(string id) =>
            id.Length is > 0 and <= 64 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or ':' or '/' or '-');

        public bool Deposit(bool actsAsBank, string organisation, long amount, bool referenceOk)
        {
            if (!actsAsBank || !referenceOk || amount <= 0 || !IsMember(organisation)) return false;
            // Amounts are canonical-JSON integers: the money in the system never exceeds 2^53-1 fen.
            if (Total + amount > MaxSafe) return false;
            _balances[organisation] = Balance(organisation) + amount;
            Total += amount;
            return true;
        }

        public bool Withdraw(bool actsAsBank, string organisation, long amount, bool referenceOk)
        {
            if (!actsAsBank || !referenceOk || amount <= 0 || Balance(organisation) < amount) return false;
            _balances[organisation] = Balance(organisation) - amount;
            Total -= amount;
            return true;
        }

        public bool Transfer(string from, string to, long amount, bool memoOk)
        {
            if (!memoOk || from == to || !IsMember(to) || amount <= 0 || Balance(from) < amount) return false;
            _balances[from] = Balance(from) - amount;
            _balances[to] = Balance(to) + amount;
            return true;
        }

        public bool Hold(string payer, string escrowId, string payee, long amount, long? expiresAt, bool memoOk, long blockTime)
        {
            if (expiresAt is { } e && e <= blockTime) return false;
            if (!memoOk || !IsValidEscrowId(escrowId) || Escrows.ContainsKey(escrowId) || payer == payee || !IsMember(payee)) return false;
            if (amount <= 0 || Balance(payer) < amount) return false;
            _balances[payer] = Balance(payer) - amount;
            Escrows[escrowId] = new Escrow(escrowId, payer, payee, amount, EscrowStatus.Held, blockTime, expiresAt, "memo");
            return true;
        }

        public bool Capture(string caller, string escrowId)
        {
            if (!Escrows.TryGetValue(escrowId, out var escrow) || escrow.Payer != caller || escrow.Status != EscrowStatus.Held) return false;
            _balances[escrow.Payee] = Balance(escrow.Payee) + escrow.Amount;
            Escrows[escrowId] = escrow with { Status = EscrowStatus.Captured };
            return true;
        }

        public bool Release(string caller, string escrowId, long blockTime)
        {
            if (!Escrows.TryGetValue(escrowId, out var escrow) || escrow.Status != EscrowStatus.Held) return false;
            var payerAfterExpiry = caller == escrow.Payer && escrow.ExpiresAt is { } expiry && blockTime >= expiry;
            if (caller != escrow.Payee && !payerAfterExpiry) return false;
            _balances[escrow.Payer] = Balance(escrow.Payer) + escrow.Amount;
            Escrows[escrowId] = escrow with { Status = EscrowStatus.Released };
            return true;
        }
    }
}
