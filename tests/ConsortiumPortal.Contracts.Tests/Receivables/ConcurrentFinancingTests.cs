using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Receivables;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;
using static ConsortiumPortal.Contracts.Tests.Receivables.ReceivablesChain;

namespace ConsortiumPortal.Contracts.Tests.Receivables;

/// <summary>
/// 1,000 attempts to finance the same part, signed and admitted concurrently by four people of the holder (accepting
/// the quote, or applying to a second bank), ordered into blocks the way a leader cuts them: exactly one succeeds and
/// the bank pays the proceeds exactly once.
/// </summary>
public sealed class ConcurrentFinancingTests
{
    [Fact]
    public void A_thousand_concurrent_attempts_to_finance_one_part_give_exactly_one_financing()
    {
        using var chain = Create();
        chain.Commit(chain.Deposit(BankA, BankA, 100_000_000), chain.Deposit(BankB, BankB, 100_000_000));
        var clerks = Enumerable.Range(1, 4).Select(i => chain.IssuePerson(Tier1, $"clerk{i}", Roles.Supplier)).ToArray();
        var part = chain.SplitOk(Tier1, chain.IssueAccepted(Tier1, 10_000_000), 6_000_000, 4_000_000)[0];
        var request = chain.Ok<RequestResult>(chain.R(Tier1, "applyFinancing", new ApplyArgs(part, BankA))).RequestId;
        chain.Ok(chain.R(BankA, "quote", new QuoteArgs(request, 400, chain.Now + Day)));
        var holderBefore = chain.Balance(Tier1);
        var banksBefore = chain.Balance(BankA) + chain.Balance(BankB);

        var attempts = new SignedTransaction[1_000];
        Parallel.For(0, attempts.Length, i =>
        {
            var signer = clerks[i % clerks.Length];
            attempts[i] = i % 10 == 9
                ? chain.R(signer, "applyFinancing", new ApplyArgs(part, BankB))
                : chain.R(signer, "acceptQuote", new RequestArgs(request));
            var refusal = chain.Ledger.Admit(attempts[i]);
            Assert.True(refusal is null, refusal?.Message);
        });
        // A leader cuts blocks from its mempool in arrival order: several blocks of a few hundred transactions.
        var order = attempts.OrderBy(_ => Random.Shared.Next()).ToArray();
        var results = order.Chunk(250).SelectMany(chain.CommitWithoutAdmission).ToList();

        Assert.Equal(1_000, results.Count);
        var succeeded = results.Where(r => r.Succeeded).ToList();
        Assert.Single(succeeded);
        var winner = order[results.IndexOf(succeeded[0])];
        var v = chain.Voucher(part);
        Assert.Equal(VoucherStatus.Financed, v.Status);
        Assert.Single(chain.Requests(), r => r.Status == FinancingStatus.Financed);
        var proceeds = chain.Requests().Single(r => r.Status == FinancingStatus.Financed).ProceedsFen!.Value;
        Assert.Equal(holderBefore + proceeds, chain.Balance(Tier1));
        Assert.Equal(banksBefore - proceeds, chain.Balance(BankA) + chain.Balance(BankB));
        Assert.Equal(("acceptQuote", BankA), (winner.Body.Method, v.Financier)); // the quoted request blocks the second application
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Matches("Financed|pledged|open financing request", r.Error!));
    }
}
