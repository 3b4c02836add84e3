using System.Text.Json;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Chain.Execution;

/// <summary>Who signed the transaction: the person's certificate, their organisation and both sets of roles.</summary>
public sealed record CallerIdentity(string CertificateId, string OrganisationId, IReadOnlyList<string> PersonRoles, IReadOnlyList<string> OrganisationRoles)
{
    public static readonly CallerIdentity Genesis = new("genesis", "genesis", [], []);

    /// <summary>Acting in a business role needs both: the organisation holds it and the person was given it.</summary>
    public bool Acts(string role) => OrganisationRoles.Contains(role) && PersonRoles.Contains(role);

    public bool IsOrganisationAdmin => PersonRoles.Contains(Roles.OrgAdmin);

    /// <summary>
    /// Acting for the organisation's business: the person holds at least one of its business roles. A person with
    /// no role, only OrgAdmin, or only the read-only Regulator role cannot commit the organisation (e.g. move its money).
    /// </summary>
    public bool ActsForBusiness => PersonRoles.Any(r => r != Roles.Regulator && r != Roles.OrgAdmin && OrganisationRoles.Contains(r));
}

/// <summary>Everything a contract may see and do while executing one transaction.</summary>
public sealed class ContractContext
{
    private readonly List<ContractEvent> _events = [];

    internal ContractContext(CallerIdentity caller, long height, long blockTime, string txId, StateOverlay state)
    {
        Caller = caller;
        Height = height;
        BlockTime = blockTime;
        TxId = txId;
        State = new ContractState(state);
    }

    public CallerIdentity Caller { get; }
    public long Height { get; }
    /// <summary>The block timestamp (leader's clock, monotonic), ms since the Unix epoch: the only clock a contract has.</summary>
    public long BlockTime { get; }
    public string TxId { get; }
    public ContractState State { get; }
    public IReadOnlyList<ContractEvent> Events => _events;

    public void Emit(string name, object data)
    {
        using var document = JsonDocument.Parse(CanonicalJson.Serialize(data));
        _events.Add(new ContractEvent(name, document.RootElement.Clone()));
    }

    public static void Require(bool condition, string error)
    {
        if (!condition) throw new ContractException(error);
    }

    public void RequireRole(string role)
    {
        if (!Caller.Acts(role)) throw new ContractException($"only a {role} may do this");
    }
}

/// <summary>Typed access to world state; values are stored as canonical JSON.</summary>
public sealed class ContractState(StateOverlay overlay)
{
    public T? Get<T>(string key) where T : class => overlay.Get(key) is { } json ? CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    public long GetInteger(string key) => overlay.Get(key) is { } json ? long.Parse(json, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public bool Exists(string key) => overlay.Get(key) is not null;

    public void Put<T>(string key, T value) => overlay.Set(key, System.Text.Encoding.UTF8.GetString(CanonicalJson.Serialize(value)));

    public void PutInteger(string key, long value) => overlay.Set(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Delete(string key) => overlay.Delete(key);

    public IEnumerable<(string Key, T Value)> Scan<T>(string prefix) where T : class =>
        overlay.Scan(prefix).Select(p => (p.Key, CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(p.Value))));
}
