using System.Security.Claims;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Features.Settlement;

public sealed record MemberOrganisation(string Id, string Name);

/// <summary>A settlement transaction seen from an organisation: what it did, between whom, for how much.</summary>
public sealed record SettlementTx(
    string TxId, long Height, long Timestamp, string Signer, string Method, string? Counterparty,
    long? Amount, string? Memo, bool Succeeded, string? Error);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>The payments page's reads of committed state; an interface so component tests can feed the page.</summary>
public interface ISettlementQueries
{
    /// <summary>The organisation's settlement balance in fen (0 when it never had money).</summary>
    Task<long> BalanceAsync(string organisationId);

    Task<IReadOnlyList<MemberOrganisation>> MembersAsync();

    /// <summary>Settlement transactions the organisation signed or that name it (payee, account), newest first unless <paramref name="oldestFirst"/>.</summary>
    Task<Page<SettlementTx>> TransactionsAsync(string organisationId, int skip, int take, bool oldestFirst);

    /// <summary>Escrows still held where the organisation is payer or payee.</summary>
    Task<Page<Escrow>> HeldEscrowsAsync(string organisationId, int skip, int take);
}

/// <summary>Submits a transfer as a transaction signed by the person; a seam so the form can be tested without a node.</summary>
public interface IPaymentSubmitter
{
    Task<TxOutcome> TransferAsync(ClaimsPrincipal user, string to, long amountFen, string memo);
}

public sealed class PersonSignerPaymentSubmitter(Identity.PersonSigner signer) : IPaymentSubmitter
{
    public Task<TxOutcome> TransferAsync(ClaimsPrincipal user, string to, long amountFen, string memo) =>
        signer.SubmitAsync(user, SettlementContract.ContractName, "transfer", new { to, amount = amountFen, memo });
}
