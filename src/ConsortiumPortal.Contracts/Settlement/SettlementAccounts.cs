using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;

namespace ConsortiumPortal.Contracts.Settlement;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<EscrowStatus>))]
public enum EscrowStatus { Held, Released, Captured }

/// <summary>Money set aside by a payer for a payee: released back to the payer or captured by the payee.</summary>
public sealed record Escrow(string Id, string Payer, string Payee, long Amount, EscrowStatus Status, long CreatedAt, long? ExpiresAt, string Memo);

/// <summary>
/// Settlement accounts in fen, one per member organisation. The only code that moves money: every application
/// contract calls these helpers inside its own transaction, so a payout and the state change that justifies it
/// commit together. Invariants: a balance never goes negative; only deposits and withdrawals change the money in
/// the system (total = sum of balances + sum of held escrows).
/// </summary>
public static class SettlementAccounts
{
    public const string BalancePrefix = "settlement/balance/";
    public const string EscrowPrefix = "settlement/escrow/";
    public const string TotalKey = "settlement/total";

    public static string BalanceKey(string organisationId) => BalancePrefix + organisationId;
    public static string EscrowKey(string escrowId) => EscrowPrefix + escrowId;

    public static long Balance(ContractState state, string organisationId) => state.GetInteger(BalanceKey(organisationId));

    public static long Total(ContractState state) => state.GetInteger(TotalKey);

    public static void RequireMember(ContractState state, string organisationId) =>
        ContractContext.Require(state.Exists(MembershipContract.Keys.Organisation(organisationId)), $"organisation \"{organisationId}\" is not a member");

    /// <summary>Money enters the system: a bank recorded a deposit.</summary>
    public static void Mint(ContractState state, string organisationId, long amount)
    {
        RequirePositive(amount);
        RequireMember(state, organisationId);
        // Amounts are canonical-JSON integers (at most 2^53-1): bounding the total bounds every balance too.
        var total = Total(state);
        ContractContext.Require(amount <= CanonicalJson.MaxSafeInteger - total,
            $"the money in the system would exceed {CanonicalJson.MaxSafeInteger} fen, the largest amount the ledger records");
        state.PutInteger(BalanceKey(organisationId), checked(Balance(state, organisationId) + amount));
        state.PutInteger(TotalKey, total + amount);
    }

    /// <summary>Money leaves the system: a bank paid it out.</summary>
    public static void Burn(ContractState state, string organisationId, long amount)
    {
        Debit(state, organisationId, amount);
        state.PutInteger(TotalKey, checked(Total(state) - amount));
    }

    public static void Transfer(ContractState state, string from, string to, long amount)
    {
        ContractContext.Require(from != to, "payer and payee are the same organisation");
        RequireMember(state, to);
        Debit(state, from, amount);
        Credit(state, to, amount);
    }

    public static Escrow Hold(ContractState state, string escrowId, string payer, string payee, long amount, long now, long? expiresAt, string memo)
    {
        ContractContext.Require(IsValidId(escrowId), "escrow id must be 1..64 characters of [a-z0-9._:/-]");
        ContractContext.Require(!state.Exists(EscrowKey(escrowId)), $"escrow \"{escrowId}\" already exists");
        ContractContext.Require(payer != payee, "payer and payee are the same organisation");
        RequireMember(state, payee);
        Debit(state, payer, amount);
        var escrow = new Escrow(escrowId, payer, payee, amount, EscrowStatus.Held, now, expiresAt, memo);
        state.Put(EscrowKey(escrowId), escrow);
        return escrow;
    }

    /// <summary>Pays a held escrow to its payee.</summary>
    public static Escrow Capture(ContractState state, string escrowId) => Settle(state, escrowId, EscrowStatus.Captured);

    /// <summary>Returns a held escrow to its payer.</summary>
    public static Escrow Release(ContractState state, string escrowId) => Settle(state, escrowId, EscrowStatus.Released);

    public static Escrow GetEscrow(ContractState state, string escrowId) =>
        state.Get<Escrow>(EscrowKey(escrowId)) ?? throw new ContractException($"escrow \"{escrowId}\" does not exist");

    private static Escrow Settle(ContractState state, string escrowId, EscrowStatus outcome)
    {
        var escrow = GetEscrow(state, escrowId);
        ContractContext.Require(escrow.Status == EscrowStatus.Held, $"escrow \"{escrowId}\" is already {escrow.Status.ToString().ToLowerInvariant()}");
        Credit(state, outcome == EscrowStatus.Captured ? escrow.Payee : escrow.Payer, escrow.Amount);
        var settled = escrow with { Status = outcome };
        state.Put(EscrowKey(escrowId), settled);
        return settled;
    }

    private static void Debit(ContractState state, string organisationId, long amount)
    {
        RequirePositive(amount);
        var balance = Balance(state, organisationId);
        ContractContext.Require(balance >= amount, $"insufficient funds: balance {balance} fen, needed {amount} fen");
        state.PutInteger(BalanceKey(organisationId), balance - amount);
    }

    private static void Credit(ContractState state, string organisationId, long amount) =>
        state.PutInteger(BalanceKey(organisationId), checked(Balance(state, organisationId) + amount));

    private static void RequirePositive(long amount) => ContractContext.Require(amount > 0, "amount must be a positive number of fen");

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or ':' or '/' or '-');
}
