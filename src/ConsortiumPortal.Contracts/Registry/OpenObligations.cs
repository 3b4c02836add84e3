using ConsortiumPortal.Chain.Execution;

namespace ConsortiumPortal.Contracts.Registry;

/// <summary>An obligation an organisation still has to meet (a voucher on sale, an unsettled receivable, an enrolled event).</summary>
public sealed record OpenObligation(string OrganisationId, string Kind, string Id);

/// <summary>
/// Open obligations per organisation, written by the contracts that create them (inside their own transaction) and
/// read by the registry: a participant cannot exit while its organisation has any. Open when the obligation arises,
/// Close when it is met; opening the same one twice or closing one that is not open is refused.
/// </summary>
public static class OpenObligations
{
    public const string Prefix = "registry/obligation/";
    public const string CountPrefix = "registry/obligations/";

    public static string Key(string organisationId, string kind, string id) => $"{Prefix}{organisationId}/{kind}/{id}";
    public static string CountKey(string organisationId) => CountPrefix + organisationId;

    public static void Open(ContractState state, string organisationId, string kind, string id)
    {
        RequireValid(organisationId, kind, id);
        var key = Key(organisationId, kind, id);
        ContractContext.Require(!state.Exists(key), $"obligation {kind} \"{id}\" of \"{organisationId}\" is already open");
        state.Put(key, new OpenObligation(organisationId, kind, id));
        state.PutInteger(CountKey(organisationId), Count(state, organisationId) + 1);
    }

    public static void Close(ContractState state, string organisationId, string kind, string id)
    {
        RequireValid(organisationId, kind, id);
        var key = Key(organisationId, kind, id);
        ContractContext.Require(state.Exists(key), $"obligation {kind} \"{id}\" of \"{organisationId}\" is not open");
        state.Delete(key);
        var remaining = Count(state, organisationId) - 1;
        if (remaining == 0) state.Delete(CountKey(organisationId)); else state.PutInteger(CountKey(organisationId), remaining);
    }

    public static long Count(ContractState state, string organisationId) => state.GetInteger(CountKey(organisationId));

    public static bool IsOpen(ContractState state, string organisationId, string kind, string id) => state.Exists(Key(organisationId, kind, id));

    public static IReadOnlyList<OpenObligation> List(ContractState state, string organisationId) =>
        state.Scan<OpenObligation>($"{Prefix}{organisationId}/").Select(p => p.Value).ToList();

    private static void RequireValid(string organisationId, string kind, string id)
    {
        ContractContext.Require(!string.IsNullOrEmpty(organisationId) && !organisationId.Contains('/'), "an obligation needs an organisation id");
        ContractContext.Require(kind is { Length: > 0 and <= 32 } && !kind.Contains('/'), "an obligation kind is 1..32 characters without '/'");
        ContractContext.Require(id is { Length: > 0 and <= 128 }, "an obligation id is 1..128 characters");
    }
}
