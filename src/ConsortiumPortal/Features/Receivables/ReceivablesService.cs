using System.Security.Claims;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Features.Receivables;

/// <summary>Input the portal can reject before signing anything (the contract checks everything again).</summary>
public sealed class ReceivablesInputException(string message) : Exception(message);

/// <summary>What the receivables pages do: each a transaction signed by the acting person; a fake in component tests.</summary>
public interface IReceivablesActions
{
    Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string method, object args);
}

/// <summary>
/// Signs receivables transactions as the signed-in person; an API key acts for its organisation with the organisation's
/// root certificate when this node keeps that key (as the evidence API does).
/// </summary>
public sealed class ReceivablesService(NodeHostedService node, PersonSigner people) : IReceivablesActions
{
    public async Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string method, object args)
    {
        if (user.CertificateId() is not null) return await people.SubmitAsync(user, ContractName, method, args);
        if (user.FindFirst(ApiAuthentication.ApiKeyClaim) is null || user.OrganisationId() is not { } organisation)
            throw new ReceivablesInputException("sign in, or call with your organisation's API key");
        var runtime = await node.Runtime;
        if (!runtime.Keys.Contains(organisation))
            throw new ReceivablesInputException($"this node holds no signing key of \"{organisation}\": submit a transaction signed by one of its people to /api/transactions");
        var tx = new TxBuilder(runtime.Ledger.ChainId, organisation, runtime.Keys.Get(organisation)).Build(ContractName, method, args, runtime.Ledger.Height);
        return await runtime.Node.SubmitAsync(tx);
    }

    /// <summary>A document's SM3 hash as the contract wants it: given as 64 hex digits, or computed from the text (a contract or invoice number).</summary>
    public static string HashOf(string? hashOrText)
    {
        var text = hashOrText?.Trim() ?? "";
        if (text.Length == 0) throw new ReceivablesInputException("a contract and an invoice (number or SM3 hash) are required");
        if (text.Length == 64 && text.All(Uri.IsHexDigit)) return text.ToLowerInvariant();
        return Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    public static IssueArgs Issue(string supplier, long faceFen, long maturityAt, string? contract, string? invoice, long minSplitFen, string? memo) =>
        new(supplier, faceFen, maturityAt, HashOf(contract), HashOf(invoice), minSplitFen, memo ?? "");
}
