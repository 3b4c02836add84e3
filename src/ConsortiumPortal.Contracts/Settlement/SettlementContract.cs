using ConsortiumPortal.Chain.Execution;

namespace ConsortiumPortal.Contracts.Settlement;

/// <summary>
/// Settlement accounts as transactions: banks record deposits and withdrawals; members transfer and escrow.
/// A payer may release its own escrow only after it expires; before that only the payee can release (decline) it,
/// and only the payer can capture (pay) it, so neither side can take the money alone. Moving an organisation's money
/// needs a person acting in one of its business roles: an admin-only, role-less or Regulator person cannot.
/// </summary>
public sealed class SettlementContract : Contract
{
    public const string ContractName = "settlement";
    public override string Name => ContractName;

    public sealed record BankEntryArgs(string OrganisationId, long Amount, string Reference);
    public sealed record TransferArgs(string To, long Amount, string Memo);
    public sealed record HoldArgs(string EscrowId, string Payee, long Amount, long? ExpiresAt, string Memo);
    public sealed record EscrowArgs(string EscrowId);

    [ContractMethod("deposit")]
    public object Deposit(ContractContext ctx, BankEntryArgs args)
    {
        ctx.RequireRole(Roles.Bank);
        RequireReference(args.Reference);
        SettlementAccounts.Mint(ctx.State, args.OrganisationId, args.Amount);
        ctx.Emit("Deposited", new { organisationId = args.OrganisationId, amount = args.Amount, bank = ctx.Caller.OrganisationId, reference = args.Reference });
        return new { balance = SettlementAccounts.Balance(ctx.State, args.OrganisationId) };
    }

    [ContractMethod("withdraw")]
    public object Withdraw(ContractContext ctx, BankEntryArgs args)
    {
        ctx.RequireRole(Roles.Bank);
        RequireReference(args.Reference);
        SettlementAccounts.Burn(ctx.State, args.OrganisationId, args.Amount);
        ctx.Emit("Withdrawn", new { organisationId = args.OrganisationId, amount = args.Amount, bank = ctx.Caller.OrganisationId, reference = args.Reference });
        return new { balance = SettlementAccounts.Balance(ctx.State, args.OrganisationId) };
    }

    [ContractMethod("transfer")]
    public object Transfer(ContractContext ctx, TransferArgs args)
    {
        var from = ctx.Caller.OrganisationId;
        ContractContext.Require(args.Memo.Length <= 256, "memo is at most 256 characters");
        RequireTreasuryRight(ctx);
        SettlementAccounts.Transfer(ctx.State, from, args.To, args.Amount);
        ctx.Emit("Transferred", new { from, to = args.To, amount = args.Amount, memo = args.Memo });
        return new { balance = SettlementAccounts.Balance(ctx.State, from) };
    }

    [ContractMethod("hold")]
    public object Hold(ContractContext ctx, HoldArgs args)
    {
        ContractContext.Require(args.ExpiresAt is null || args.ExpiresAt > ctx.BlockTime, "an escrow must expire in the future");
        ContractContext.Require(args.Memo.Length <= 256, "memo is at most 256 characters");
        RequireTreasuryRight(ctx);
        var escrow = SettlementAccounts.Hold(ctx.State, args.EscrowId, ctx.Caller.OrganisationId, args.Payee, args.Amount, ctx.BlockTime, args.ExpiresAt, args.Memo);
        ctx.Emit("EscrowHeld", new { escrowId = escrow.Id, payer = escrow.Payer, payee = escrow.Payee, amount = escrow.Amount });
        return new { escrowId = escrow.Id };
    }

    [ContractMethod("capture")]
    public object Capture(ContractContext ctx, EscrowArgs args)
    {
        var escrow = SettlementAccounts.GetEscrow(ctx.State, args.EscrowId);
        ContractContext.Require(escrow.Payer == ctx.Caller.OrganisationId, "only the payer may pay out an escrow");
        RequireTreasuryRight(ctx);
        SettlementAccounts.Capture(ctx.State, args.EscrowId);
        ctx.Emit("EscrowCaptured", new { escrowId = escrow.Id, payee = escrow.Payee, amount = escrow.Amount });
        return new { escrowId = escrow.Id };
    }

    [ContractMethod("release")]
    public object Release(ContractContext ctx, EscrowArgs args)
    {
        var escrow = SettlementAccounts.GetEscrow(ctx.State, args.EscrowId);
        var caller = ctx.Caller.OrganisationId;
        var payerAfterExpiry = caller == escrow.Payer && escrow.ExpiresAt is { } expiry && ctx.BlockTime >= expiry;
        ContractContext.Require(caller == escrow.Payee || payerAfterExpiry,
            "only the payee may release an escrow, or the payer once it has expired");
        RequireTreasuryRight(ctx);
        SettlementAccounts.Release(ctx.State, args.EscrowId);
        ctx.Emit("EscrowReleased", new { escrowId = escrow.Id, payer = escrow.Payer, amount = escrow.Amount });
        return new { escrowId = escrow.Id };
    }

    /// <summary>Only a person acting in one of the organisation's business roles moves its money.</summary>
    private static void RequireTreasuryRight(ContractContext ctx) =>
        ContractContext.Require(ctx.Caller.ActsForBusiness,
            "only a person holding one of the organisation's business roles may move its money (not an admin or regulator role alone)");

    private static void RequireReference(string reference) =>
        ContractContext.Require(!string.IsNullOrWhiteSpace(reference) && reference.Length <= 128, "a bank reference of 1..128 characters is required");
}
