using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Contracts.Insurance;

/// <summary>
/// Where insurance lives in world state, and read helpers for the portal and jobs (committed state). Claims are keyed
/// by policy then outage, so one policy's claims are one prefix scan and a claim for a (policy, outage) pair exists at most once.
/// </summary>
public static class InsuranceState
{
    public const string Prefix = "insurance/";
    public const string ProductPrefix = "insurance/product/";
    public const string ProductVersionPrefix = "insurance/product-version/";
    public const string PolicyPrefix = "insurance/policy/";
    public const string MeterPolicyPrefix = "insurance/meter-policy/";
    public const string ClaimPrefix = "insurance/claim/";
    public const string OutageClaimPrefix = "insurance/outage-claim/";
    public const string UnpaidPrefix = "insurance/unpaid/";

    /// <summary>The obligation an insurer holds while a policy it sold is in force (registry: it cannot exit meanwhile).</summary>
    public const string ObligationKind = "insurance-policy";

    public static string ProductKey(string productId) => ProductPrefix + productId;
    public static string ProductVersionKey(string productId, int version) => $"{ProductVersionPrefix}{productId}/{version:D4}";
    public static string PolicyKey(string policyId) => PolicyPrefix + policyId;
    public static string MeterPolicyKey(string meterId, string policyId) => $"{MeterPolicyPrefix}{meterId}/{policyId}";
    public static string ClaimsOfPolicyPrefix(string policyId) => $"{ClaimPrefix}{policyId}/";
    public static string ClaimKey(string policyId, string outageId) => $"{ClaimPrefix}{policyId}/{outageId}";
    public static string OutageClaimsPrefix(string outageId) => $"{OutageClaimPrefix}{outageId}/";
    public static string OutageClaimKey(string outageId, string policyId) => $"{OutageClaimPrefix}{outageId}/{policyId}";
    public static string UnpaidOfInsurerPrefix(string insurerId) => $"{UnpaidPrefix}{insurerId}/";
    public static string UnpaidKey(string insurerId, string policyId, string outageId) => $"{UnpaidPrefix}{insurerId}/{policyId}/{outageId}";

    /// <summary>The escrow holding a policy's premium until the insurer accepts or declines (settlement escrow id rules).</summary>
    public static string PremiumEscrowId(string policyId) => "ins:prem:" + policyId;

    // ---- committed state ----------------------------------------------------------------------------------------

    public static ProductHead? GetProduct(IStateReader state, string productId) => Read<ProductHead>(state.Get(ProductKey(productId)));

    public static IEnumerable<ProductHead> Products(IStateReader state) => state.Scan(ProductPrefix).Select(p => Parse<ProductHead>(p.Value));

    public static ProductVersion? GetVersion(IStateReader state, string productId, int version) =>
        Read<ProductVersion>(state.Get(ProductVersionKey(productId, version)));

    public static IEnumerable<ProductVersion> Versions(IStateReader state, string productId) =>
        state.Scan($"{ProductVersionPrefix}{productId}/").Select(p => Parse<ProductVersion>(p.Value));

    public static Policy? GetPolicy(IStateReader state, string policyId) => Read<Policy>(state.Get(PolicyKey(policyId)));

    public static IEnumerable<Policy> Policies(IStateReader state) => state.Scan(PolicyPrefix).Select(p => Parse<Policy>(p.Value));

    public static IEnumerable<Claim> Claims(IStateReader state) => state.Scan(ClaimPrefix).Select(p => Parse<Claim>(p.Value));

    public static IEnumerable<Claim> ClaimsOf(IStateReader state, string policyId) =>
        state.Scan(ClaimsOfPolicyPrefix(policyId)).Select(p => Parse<Claim>(p.Value));

    public static Claim? GetClaim(IStateReader state, string policyId, string outageId) => Read<Claim>(state.Get(ClaimKey(policyId, outageId)));

    private static T? Read<T>(string? json) where T : class => json is null ? null : Parse<T>(json);

    private static T Parse<T>(string json) => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));
}
