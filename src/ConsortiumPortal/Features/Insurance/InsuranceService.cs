using System.Security.Claims;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Insurance;

/// <summary>Everything a person does in insurance is a transaction signed with their own key; the contract decides.</summary>
public interface IInsuranceActions
{
    Task<TxOutcome> PublishAsync(ClaimsPrincipal user, string productId, ProductTerms terms);
    Task<TxOutcome> SetOnSaleAsync(ClaimsPrincipal user, string productId, bool onSale);
    Task<TxOutcome> ApplyAsync(ClaimsPrincipal user, InsuranceContract.ApplyArgs args);
    Task<TxOutcome> PayPremiumAsync(ClaimsPrincipal user, string policyId);
    Task<TxOutcome> ActivateAsync(ClaimsPrincipal user, string policyId, bool acceptBackdated);
    Task<TxOutcome> DeclineAsync(ClaimsPrincipal user, string policyId, string reason);
    Task<TxOutcome> CancelAsync(ClaimsPrincipal user, string policyId);
    Task<TxOutcome> CloseAsync(ClaimsPrincipal user, string policyId);
    Task<TxOutcome> EvaluateAsync(ClaimsPrincipal user, string outageId, string? cursor);
    Task<TxOutcome> PayUnpaidAsync(ClaimsPrincipal user, string insurerId);
    Task<TxOutcome> ContestAsync(ClaimsPrincipal user, string policyId, string outageId, string evidence, string? evidenceSm3);
    Task<TxOutcome> AnswerAsync(ClaimsPrincipal user, string policyId, string outageId, bool uphold, long amountFen, string answer);
}

/// <summary>The caller cannot sign on this node (an API key of an organisation whose key this node does not hold).</summary>
public sealed class InsuranceSigningException(string message) : Exception(message);

/// <summary>
/// Signs as the person (portal) or, for an organisation's API key, as the organisation's root certificate - the same
/// resolution the metering API uses (<see cref="MeteringSigner"/>).
/// </summary>
public sealed class InsuranceService(MeteringSigner signer, NodeHostedService node) : IInsuranceActions
{
    private async Task<TxOutcome> Submit(ClaimsPrincipal user, string method, object args)
    {
        var (certificate, problem) = await signer.ResolveAsync(user);
        if (certificate is null) throw new InsuranceSigningException(problem!);
        var tx = await signer.SignAsync(certificate, InsuranceContract.ContractName, method, args);
        return await (await node.Runtime).Node.SubmitAsync(tx);
    }

    public Task<TxOutcome> PublishAsync(ClaimsPrincipal user, string productId, ProductTerms terms) =>
        Submit(user, "publishProduct", new InsuranceContract.PublishProductArgs(productId, terms));

    public Task<TxOutcome> SetOnSaleAsync(ClaimsPrincipal user, string productId, bool onSale) =>
        Submit(user, "setProductOnSale", new InsuranceContract.ProductOnSaleArgs(productId, onSale));

    public Task<TxOutcome> ApplyAsync(ClaimsPrincipal user, InsuranceContract.ApplyArgs args) => Submit(user, "apply", args);

    public Task<TxOutcome> PayPremiumAsync(ClaimsPrincipal user, string policyId) => Submit(user, "payPremium", new InsuranceContract.PolicyArgs(policyId));

    public Task<TxOutcome> ActivateAsync(ClaimsPrincipal user, string policyId, bool acceptBackdated) =>
        Submit(user, "activate", new InsuranceContract.ActivateArgs(policyId, acceptBackdated));

    public Task<TxOutcome> DeclineAsync(ClaimsPrincipal user, string policyId, string reason) =>
        Submit(user, "decline", new InsuranceContract.DeclinePolicyArgs(policyId, reason));

    public Task<TxOutcome> CancelAsync(ClaimsPrincipal user, string policyId) => Submit(user, "cancel", new InsuranceContract.PolicyArgs(policyId));

    public Task<TxOutcome> CloseAsync(ClaimsPrincipal user, string policyId) => Submit(user, "close", new InsuranceContract.PolicyArgs(policyId));

    public Task<TxOutcome> EvaluateAsync(ClaimsPrincipal user, string outageId, string? cursor) =>
        Submit(user, "evaluateOutage", new InsuranceContract.EvaluateOutageArgs(outageId, cursor));

    public Task<TxOutcome> PayUnpaidAsync(ClaimsPrincipal user, string insurerId) => Submit(user, "payUnpaid", new InsuranceContract.PayUnpaidArgs(insurerId));

    public Task<TxOutcome> ContestAsync(ClaimsPrincipal user, string policyId, string outageId, string evidence, string? evidenceSm3) =>
        Submit(user, "contest", new InsuranceContract.ContestArgs(policyId, outageId, evidence, string.IsNullOrWhiteSpace(evidenceSm3) ? null : evidenceSm3.Trim().ToLowerInvariant()));

    public Task<TxOutcome> AnswerAsync(ClaimsPrincipal user, string policyId, string outageId, bool uphold, long amountFen, string answer) =>
        Submit(user, "answer", new InsuranceContract.AnswerArgs(policyId, outageId, uphold, amountFen, answer));
}
