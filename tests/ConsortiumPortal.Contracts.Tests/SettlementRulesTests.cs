using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>
/// Settlement accounts, rule by rule, each test trying to break one: only a bank moves money in and out, only the
/// parties of an escrow settle it, money is never created, lost or spent twice. Every refusal must change no state.
/// </summary>
public sealed class SettlementRulesTests : IDisposable
{
    private const long MaxSafe = CanonicalJson.MaxSafeInteger;
    private readonly TestChain _chain = new();

    public void Dispose() => _chain.Dispose();

    private void Fund(string organisationId, long amount) => TestChain.AssertOk(_chain.CommitOne(_chain.Deposit("bank-a", organisationId, amount)));

    // ---- deposits and withdrawals: banks only ------------------------------------------------------------------

    [Fact]
    public void A_bank_deposits_and_withdraws_and_the_total_follows()
    {
        var results = _chain.Commit(_chain.Deposit("bank-a", "gen-one", 10_000), _chain.Deposit("bank-b", "retail-one", 5_000));
        Assert.All(results, TestChain.AssertOk);
        Assert.Equal("Deposited", Assert.Single(results[0].Events).Name);
        Assert.Equal(10_000, _chain.Balance("gen-one"));
        Assert.Equal(15_000, _chain.Total);

        TestChain.AssertOk(_chain.CommitOne(_chain.Withdraw("bank-b", "gen-one", 4_000)));
        Assert.Equal(6_000, _chain.Balance("gen-one"));
        Assert.Equal(11_000, _chain.Total);

        // Withdrawing the whole balance leaves exactly zero.
        TestChain.AssertOk(_chain.CommitOne(_chain.Withdraw("bank-a", "gen-one", 6_000)));
        Assert.Equal(0, _chain.Balance("gen-one"));
        Assert.Equal(5_000, _chain.Total);
    }

    [Theory]
    [InlineData("gen-one")]
    [InlineData("retail-one")]
    [InlineData("regulator")]
    [InlineData("supplier-one")]
    public void An_organisation_that_is_not_a_bank_cannot_deposit(string signer)
    {
        _chain.Refuse(_chain.Deposit(signer, signer, 1_000), "only a Bank");
        _chain.Refuse(_chain.Deposit(signer, "gen-one", 1_000), "only a Bank");
    }

    [Fact]
    public void A_non_bank_cannot_withdraw_even_its_own_money()
    {
        Fund("gen-one", 1_000);
        _chain.Refuse(_chain.Withdraw("gen-one", "gen-one", 500), "only a Bank");
        _chain.Refuse(_chain.Withdraw("regulator", "gen-one", 500), "only a Bank");
        Assert.Equal(1_000, _chain.Balance("gen-one"));
    }

    [Fact]
    public void A_person_of_a_bank_acts_as_bank_only_with_the_Bank_person_role()
    {
        var teller = _chain.IssuePerson("bank-a", "teller", Roles.Bank);
        var clerk = _chain.IssuePerson("bank-a", "clerk");
        var admin = _chain.IssuePerson("bank-a", "admin", Roles.OrgAdmin);

        TestChain.AssertOk(_chain.CommitOne(_chain.Deposit(teller, "gen-one", 700)));
        _chain.Refuse(_chain.Deposit(clerk, "gen-one", 700), "only a Bank");
        _chain.Refuse(_chain.Deposit(admin, "gen-one", 700), "only a Bank");
        _chain.Refuse(_chain.Withdraw(clerk, "gen-one", 100), "only a Bank");
        _chain.Refuse(_chain.Withdraw(admin, "gen-one", 100), "only a Bank");
        TestChain.AssertOk(_chain.CommitOne(_chain.Withdraw(teller, "gen-one", 100)));
        Assert.Equal(600, _chain.Balance("gen-one"));
    }

    [Fact]
    public void A_non_bank_organisation_cannot_give_its_people_the_Bank_role()
    {
        // The only way to act as a bank would be a person certificate with the Bank role: it cannot be issued.
        var refused = _chain.Refuse(_chain.IssueCertificate("gen-one", "gen-one/fake-teller", [Roles.Bank]), "is not held by organisation");
        Assert.Null(_chain.Certificate("gen-one/fake-teller"));
        Assert.False(refused.Succeeded);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-MaxSafe)]
    public void Deposits_and_withdrawals_must_be_positive(long amount)
    {
        Fund("gen-one", 1_000);
        _chain.Refuse(_chain.Deposit("bank-a", "gen-one", amount), "amount must be a positive");
        _chain.Refuse(_chain.Withdraw("bank-a", "gen-one", amount), "amount must be a positive");
    }

    [Fact]
    public void Withdrawing_more_than_the_balance_is_refused()
    {
        Fund("gen-one", 1_000);
        _chain.Refuse(_chain.Withdraw("bank-a", "gen-one", 1_001), "insufficient funds");
        _chain.Refuse(_chain.Withdraw("bank-a", "retail-one", 1), "insufficient funds");
        _chain.Refuse(_chain.Withdraw("bank-a", TestChain.NonMember, 1), "insufficient funds");
        Assert.Equal(1_000, _chain.Balance("gen-one"));
    }

    [Fact]
    public void A_deposit_needs_a_member_account_and_a_bank_reference()
    {
        _chain.Refuse(_chain.Deposit("bank-a", TestChain.NonMember, 1_000), "is not a member");
        _chain.Refuse(_chain.Deposit("bank-a", "gen-one", 1_000, reference: ""), "bank reference");
        _chain.Refuse(_chain.Deposit("bank-a", "gen-one", 1_000, reference: "   "), "bank reference");
        _chain.Refuse(_chain.Deposit("bank-a", "gen-one", 1_000, reference: new string('r', 129)), "bank reference");
    }

    [Fact]
    public void The_largest_safe_amount_is_accepted_and_moves_like_any_other()
    {
        TestChain.AssertOk(_chain.CommitOne(_chain.Deposit("bank-a", "gen-one", MaxSafe)));
        Assert.Equal(MaxSafe, _chain.Balance("gen-one"));
        TestChain.AssertOk(_chain.CommitOne(_chain.Transfer("gen-one", "retail-one", MaxSafe - 1)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("retail-one", "big", "consumer-one", MaxSafe - 1)));
        TestChain.AssertOk(_chain.CommitOne(_chain.Capture("retail-one", "big")));
        TestChain.AssertOk(_chain.CommitOne(_chain.Withdraw("bank-b", "consumer-one", MaxSafe - 1)));
        Assert.Equal(1, _chain.Balance("gen-one"));
        Assert.Equal(1, _chain.Total);
    }

    [Fact]
    public void The_money_in_the_system_stays_within_the_ledgers_integer_range()
    {
        // Amounts are canonical-JSON integers, at most 2^53-1 fen. If the money in the system could grow past that,
        // a balance could too, and its owner could no longer spend it: every transfer returns the new balance,
        // which would no longer be encodable.
        TestChain.AssertOk(_chain.CommitOne(_chain.Deposit("bank-a", "gen-one", MaxSafe)));
        _chain.Refuse(_chain.Deposit("bank-a", "gen-one", 1), "");
        var second = _chain.CommitOne(_chain.Deposit("bank-b", "retail-one", 1));
        Assert.True(_chain.Total <= MaxSafe, $"the total is {_chain.Total} fen, beyond 2^53-1 (the second deposit {second.Status})");
        Assert.False(second.Succeeded, "a deposit that takes the money in the system past 2^53-1 must be refused");

        // Whatever happened above, every balance must remain spendable.
        if (_chain.Balance("retail-one") > 0) _chain.CommitOne(_chain.Transfer("retail-one", "gen-one", 1));
        TestChain.AssertOk(_chain.CommitOne(_chain.Transfer("gen-one", "consumer-one", 1)));
    }

    // ---- transfers ---------------------------------------------------------------------------------------------

    [Fact]
    public void A_transfer_moves_money_between_members_and_keeps_the_total()
    {
        Fund("gen-one", 1_000);
        var result = _chain.CommitOne(_chain.Transfer("gen-one", "retail-one", 400, "PPA 2026-01"));
        TestChain.AssertOk(result);
        Assert.Equal(600, _chain.Balance("gen-one"));
        Assert.Equal(400, _chain.Balance("retail-one"));
        Assert.Equal(1_000, _chain.Total);

        // The whole balance may be transferred, to the last fen.
        TestChain.AssertOk(_chain.CommitOne(_chain.Transfer("gen-one", "consumer-one", 600)));
        Assert.Equal(0, _chain.Balance("gen-one"));
        _chain.Refuse(_chain.Transfer("gen-one", "consumer-one", 1), "insufficient funds");
    }

    [Fact]
    public void Only_a_person_in_a_business_role_moves_the_organisations_money()
    {
        Fund("gen-one", 1_000);
        Fund("regulator", 1_000);
        var clerk = _chain.IssuePerson("gen-one", "clerk");                    // no role at all
        var admin = _chain.IssuePerson("gen-one", "admin", Roles.OrgAdmin);    // administers people, not money
        const string refused = "only a person holding one of the organisation's business roles";
        _chain.Refuse(_chain.Transfer(clerk, "retail-one", 10), refused);
        _chain.Refuse(_chain.Transfer(admin, "retail-one", 10), refused);
        _chain.Refuse(_chain.Hold(clerk, "clerk-hold", "retail-one", 10), refused);
        _chain.Refuse(_chain.Transfer("regulator", "retail-one", 10), refused);  // read-only role, even its own money
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-9", "retail-one", 10)));
        _chain.Refuse(_chain.Capture(clerk, "order-9"), refused);
        Assert.Equal(990, _chain.Balance("gen-one"));
        Assert.Equal(1_000, _chain.Balance("regulator"));
    }

    [Fact]
    public void A_person_transfers_from_their_own_organisation_only()
    {
        Fund("gen-one", 1_000);
        Fund("retail-one", 1_000);
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        TestChain.AssertOk(_chain.CommitOne(_chain.Transfer(ops, "retail-one", 300)));
        Assert.Equal(700, _chain.Balance("gen-one"));
        Assert.Equal(1_300, _chain.Balance("retail-one"));
    }

    [Fact]
    public void Transfers_to_a_non_member_to_oneself_or_of_a_non_positive_amount_are_refused()
    {
        Fund("gen-one", 1_000);
        _chain.Refuse(_chain.Transfer("gen-one", TestChain.NonMember, 10), "is not a member");
        _chain.Refuse(_chain.Transfer("gen-one", "gen-one", 10), "same organisation");
        _chain.Refuse(_chain.Transfer("gen-one", "retail-one", 0), "amount must be a positive");
        _chain.Refuse(_chain.Transfer("gen-one", "retail-one", -10), "amount must be a positive");
        _chain.Refuse(_chain.Transfer("gen-one", "retail-one", -MaxSafe), "amount must be a positive");
        _chain.Refuse(_chain.Transfer("gen-one", "retail-one", 1_001), "insufficient funds");
        _chain.Refuse(_chain.Transfer("gen-one", "retail-one", 10, new string('m', 257)), "memo");
        // A person of the same organisation cannot transfer to it either.
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        _chain.Refuse(_chain.Transfer(ops, "gen-one", 10), "same organisation");
        Assert.Equal(1_000, _chain.Balance("gen-one"));
    }

    [Fact]
    public void Two_spends_of_the_same_balance_in_one_block_cannot_both_succeed()
    {
        Fund("gen-one", 1_000);
        var results = _chain.Commit(
            _chain.Transfer("gen-one", "retail-one", 1_000),
            _chain.Transfer("gen-one", "consumer-one", 1_000),
            _chain.Hold("gen-one", "double-spend", "consumer-one", 1_000),
            _chain.Withdraw("bank-a", "gen-one", 1_000));
        TestChain.AssertOk(results[0]);
        Assert.All(results.Skip(1), r => Assert.Contains("insufficient funds", r.Error));
        Assert.Equal(0, _chain.Balance("gen-one"));
        Assert.Equal(1_000, _chain.Balance("retail-one"));
        Assert.Equal(0, _chain.Balance("consumer-one"));
        Assert.Null(_chain.Escrow("double-spend"));
        Assert.Equal(1_000, _chain.Total);
    }

    [Fact]
    public void A_replayed_transfer_is_refused_at_admission_and_dropped_by_the_proposer()
    {
        Fund("gen-one", 1_000);
        var transfer = _chain.Transfer("gen-one", "retail-one", 100);
        TestChain.AssertOk(_chain.CommitOne(transfer));

        var refusal = _chain.Ledger.Admit(transfer);
        Assert.Equal("duplicate", refusal?.Code);

        var dropped = new List<(ConsortiumPortal.Chain.Model.SignedTransaction Tx, ConsortiumPortal.Chain.AdmissionError Reason)>();
        var block = _chain.Ledger.Propose([transfer], _chain.NodeId, _chain.KeyOf("node:" + _chain.NodeId), _chain.Now, dropped);
        Assert.Empty(block.Transactions);
        Assert.Equal("duplicate", Assert.Single(dropped).Reason.Code);

        // The same signed transaction twice in one candidate list is included once.
        var second = _chain.Transfer("gen-one", "retail-one", 100);
        dropped.Clear();
        block = _chain.Ledger.Propose([second, second], _chain.NodeId, _chain.KeyOf("node:" + _chain.NodeId), _chain.Now, dropped);
        Assert.Single(block.Transactions);
        Assert.Single(dropped);
        Assert.True(_chain.Ledger.Apply(block));
        Assert.Equal(800, _chain.Balance("gen-one"));
        Assert.Equal(200, _chain.Balance("retail-one"));
    }

    [Fact]
    public void Malformed_arguments_fail_without_changing_state()
    {
        Fund("gen-one", 1_000);
        // Missing memo, an unknown field, a string amount: the contract never runs.
        _chain.Refuse(_chain.Tx("gen-one", SettlementContract.ContractName, "transfer", new { to = "retail-one", amount = 10 }), "invalid arguments");
        _chain.Refuse(_chain.Tx("gen-one", SettlementContract.ContractName, "transfer", new { to = "retail-one", amount = 10, memo = "", extra = 1 }), "invalid arguments");
        _chain.Refuse(_chain.Tx("gen-one", SettlementContract.ContractName, "transfer", new { to = "retail-one", amount = "10", memo = "" }), "invalid arguments");
        _chain.Refuse(_chain.Tx("bank-a", SettlementContract.ContractName, "deposit", new { organisationId = "gen-one", amount = 10, reference = (string?)null }), "invalid arguments");
        _chain.Refuse(_chain.Tx("gen-one", SettlementContract.ContractName, "hold", new { escrowId = "x", payee = (string?)null, amount = 10, expiresAt = (long?)null, memo = "" }), "invalid arguments");
    }

    // ---- escrow ------------------------------------------------------------------------------------------------

    [Fact]
    public void Hold_moves_money_out_of_the_payers_balance_into_a_held_escrow()
    {
        Fund("gen-one", 1_000);
        var result = _chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300, memo: "cable order"));
        TestChain.AssertOk(result);
        var escrow = _chain.Escrow("order-1")!;
        Assert.Equal(new Escrow("order-1", "gen-one", "supplier-one", 300, EscrowStatus.Held, _chain.LastBlockTime, null, "cable order"), escrow);
        Assert.Equal(700, _chain.Balance("gen-one"));
        Assert.Equal(0, _chain.Balance("supplier-one"));
        Assert.Equal(1_000, _chain.Total);
    }

    [Fact]
    public void Only_the_payer_captures_and_only_once()
    {
        Fund("gen-one", 1_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300)));

        _chain.Refuse(_chain.Capture("supplier-one", "order-1"), "only the payer");
        _chain.Refuse(_chain.Capture("retail-one", "order-1"), "only the payer");
        _chain.Refuse(_chain.Capture("regulator", "order-1"), "only the payer");
        _chain.Refuse(_chain.Capture("bank-a", "order-1"), "only the payer");

        TestChain.AssertOk(_chain.CommitOne(_chain.Capture("gen-one", "order-1")));
        Assert.Equal(EscrowStatus.Captured, _chain.Escrow("order-1")!.Status);
        Assert.Equal(300, _chain.Balance("supplier-one"));
        Assert.Equal(700, _chain.Balance("gen-one"));

        _chain.Refuse(_chain.Capture("gen-one", "order-1"), "already captured");
        _chain.Refuse(_chain.Release("supplier-one", "order-1"), "already captured");
        Assert.Equal(1_000, _chain.Total);
    }

    [Fact]
    public void A_person_of_the_payer_organisation_captures_for_it()
    {
        Fund("gen-one", 1_000);
        var ops = _chain.IssuePerson("gen-one", "ops", Roles.Generator);
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold(ops, "order-1", "supplier-one", 300)));
        Assert.Equal("gen-one", _chain.Escrow("order-1")!.Payer);
        var supplierClerk = _chain.IssuePerson("supplier-one", "clerk");
        _chain.Refuse(_chain.Capture(supplierClerk, "order-1"), "only the payer");
        TestChain.AssertOk(_chain.CommitOne(_chain.Capture("gen-one", "order-1")));
        Assert.Equal(300, _chain.Balance("supplier-one"));
    }

    [Fact]
    public void Only_the_payee_releases_before_expiry_and_only_once()
    {
        Fund("gen-one", 1_000);
        var expiresAt = _chain.Now + 60_000;
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300, expiresAt)));

        _chain.Refuse(_chain.Release("gen-one", "order-1"), "only the payee");
        _chain.Refuse(_chain.Release("retail-one", "order-1"), "only the payee");
        _chain.Refuse(_chain.Release("regulator", "order-1"), "only the payee");

        TestChain.AssertOk(_chain.CommitOne(_chain.Release("supplier-one", "order-1")));
        Assert.Equal(EscrowStatus.Released, _chain.Escrow("order-1")!.Status);
        Assert.Equal(1_000, _chain.Balance("gen-one"));
        Assert.Equal(0, _chain.Balance("supplier-one"));

        _chain.Refuse(_chain.Release("supplier-one", "order-1"), "already released");
        _chain.Refuse(_chain.Capture("gen-one", "order-1"), "already released");
        _chain.Now = expiresAt + 1;
        _chain.Refuse(_chain.Release("gen-one", "order-1"), "already released");
        Assert.Equal(1_000, _chain.Total);
    }

    [Fact]
    public void The_payer_releases_its_own_escrow_from_the_block_time_of_expiry_on()
    {
        Fund("gen-one", 1_000);
        var expiresAt = _chain.Now + 10_000;
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300, expiresAt)));

        _chain.Now = expiresAt - 1;
        _chain.Refuse(_chain.Release("gen-one", "order-1"), "only the payee");
        Assert.Equal(expiresAt - 1, _chain.LastBlockTime);

        _chain.Now = expiresAt;
        TestChain.AssertOk(_chain.CommitOne(_chain.Release("gen-one", "order-1")));
        Assert.Equal(expiresAt, _chain.LastBlockTime);
        Assert.Equal(1_000, _chain.Balance("gen-one"));
        Assert.Equal(EscrowStatus.Released, _chain.Escrow("order-1")!.Status);
    }

    [Fact]
    public void Without_an_expiry_the_payer_can_never_take_the_money_back_alone()
    {
        Fund("gen-one", 1_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300)));
        _chain.Now += 10L * 365 * 24 * 3600 * 1000;
        _chain.Refuse(_chain.Release("gen-one", "order-1"), "only the payee");
    }

    [Fact]
    public void The_payer_clock_is_the_block_time_not_the_transaction_timestamp()
    {
        Fund("gen-one", 1_000);
        var expiresAt = _chain.Now + 60_000;
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300, expiresAt)));
        // The payer claims a timestamp past the expiry; the block is earlier, so the release is refused.
        var release = _chain.As("gen-one").Build(SettlementContract.ContractName, "release",
            new SettlementContract.EscrowArgs("order-1"), _chain.Ledger.Height, timestamp: expiresAt + 1_000_000);
        _chain.Refuse(release, "only the payee");
    }

    [Fact]
    public void An_escrow_id_is_never_reused_even_after_settlement()
    {
        Fund("gen-one", 1_000);
        Fund("retail-one", 1_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 300)));
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "supplier-one", 300), "already exists");
        _chain.Refuse(_chain.Hold("retail-one", "order-1", "gen-one", 10), "already exists");
        TestChain.AssertOk(_chain.CommitOne(_chain.Capture("gen-one", "order-1")));
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "supplier-one", 300), "already exists");
        _chain.Refuse(_chain.Hold("retail-one", "order-1", "gen-one", 10), "already exists");
        Assert.Equal(new Escrow("order-1", "gen-one", "supplier-one", 300, EscrowStatus.Captured, _chain.Escrow("order-1")!.CreatedAt, null, ""),
            _chain.Escrow("order-1"));
    }

    [Fact]
    public void Reusing_an_escrow_id_within_one_block_is_refused_too()
    {
        Fund("gen-one", 1_000);
        Fund("retail-one", 1_000);
        var results = _chain.Commit(
            _chain.Hold("gen-one", "order-1", "supplier-one", 300),
            _chain.Hold("retail-one", "order-1", "supplier-one", 500),
            _chain.Capture("gen-one", "order-1"),
            _chain.Capture("gen-one", "order-1"),
            _chain.Release("supplier-one", "order-1"));
        TestChain.AssertOk(results[0]);
        Assert.Contains("already exists", results[1].Error);
        TestChain.AssertOk(results[2]);
        Assert.Contains("already captured", results[3].Error);
        Assert.Contains("already captured", results[4].Error);
        Assert.Equal(1_000, _chain.Balance("retail-one"));
        Assert.Equal(700, _chain.Balance("gen-one"));
        Assert.Equal(300, _chain.Balance("supplier-one"));
        Assert.Equal(2_000, _chain.Total);
    }

    [Fact]
    public void A_hold_must_expire_in_the_future_of_its_block()
    {
        Fund("gen-one", 1_000);
        _chain.Refuse(_chain.Hold("gen-one", "past", "supplier-one", 300, TestChain.GenesisTime), "expire in the future");
        var blockTime = _chain.Now;
        _chain.Refuse(_chain.Hold("gen-one", "now", "supplier-one", 300, blockTime), "expire in the future");
        Assert.Equal(blockTime, _chain.LastBlockTime);
        _chain.Refuse(_chain.Hold("gen-one", "negative", "supplier-one", 300, -1), "expire in the future");
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "soon", "supplier-one", 300, _chain.Now + 1)));
        Assert.Equal(700, _chain.Balance("gen-one"));
    }

    [Fact]
    public void Holds_need_a_valid_id_a_member_payee_other_than_the_payer_and_a_covered_positive_amount()
    {
        Fund("gen-one", 1_000);
        _chain.Refuse(_chain.Hold("gen-one", "", "supplier-one", 10), "escrow id");
        _chain.Refuse(_chain.Hold("gen-one", "Order-1", "supplier-one", 10), "escrow id");
        _chain.Refuse(_chain.Hold("gen-one", "order 1", "supplier-one", 10), "escrow id");
        _chain.Refuse(_chain.Hold("gen-one", new string('e', 65), "supplier-one", 10), "escrow id");
        _chain.Refuse(_chain.Hold("gen-one", "order-1", TestChain.NonMember, 10), "is not a member");
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "gen-one", 10), "same organisation");
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "supplier-one", 0), "amount must be a positive");
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "supplier-one", -300), "amount must be a positive");
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "supplier-one", 1_001), "insufficient funds");
        _chain.Refuse(_chain.Hold("gen-one", "order-1", "supplier-one", 10, memo: new string('m', 257)), "memo");
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", new string('e', 64), "supplier-one", 1_000)));
        Assert.Equal(0, _chain.Balance("gen-one"));
    }

    [Fact]
    public void Settling_an_unknown_escrow_is_refused()
    {
        _chain.Refuse(_chain.Capture("gen-one", "nope"), "does not exist");
        _chain.Refuse(_chain.Release("gen-one", "nope"), "does not exist");
    }

    [Fact]
    public void Money_held_in_escrow_cannot_be_transferred_or_withdrawn()
    {
        Fund("gen-one", 1_000);
        TestChain.AssertOk(_chain.CommitOne(_chain.Hold("gen-one", "order-1", "supplier-one", 800)));
        _chain.Refuse(_chain.Transfer("gen-one", "retail-one", 201), "insufficient funds");
        _chain.Refuse(_chain.Withdraw("bank-a", "gen-one", 201), "insufficient funds");
        _chain.Refuse(_chain.Hold("gen-one", "order-2", "supplier-one", 201), "insufficient funds");
        // The payee does not have the money before capture either.
        _chain.Refuse(_chain.Transfer("supplier-one", "retail-one", 1), "insufficient funds");
        _chain.Refuse(_chain.Withdraw("bank-a", "supplier-one", 1), "insufficient funds");
        Assert.Equal(1_000, _chain.Total);
    }
}
