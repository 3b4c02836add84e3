using System.Security.Claims;
using System.Text.Json;
using ConsortiumPortal.Identity;

namespace ConsortiumPortal.Features.Explorer;

/// <summary>
/// Who is looking: a Regulator reads every organisation's transactions; anyone else only those signed by their own
/// organisation (its root certificate "org" or its people "org/name").
/// </summary>
public sealed record ExplorerViewer(string? OrganisationId, bool IsRegulator)
{
    public static ExplorerViewer From(ClaimsPrincipal user) =>
        new(user.OrganisationId(), user.IsInRole(Chain.Execution.Roles.Regulator));

    public bool MaySee(string signer) =>
        IsRegulator || (OrganisationId is { Length: > 0 } org && ExplorerText.OrganisationOf(signer) == org);
}

public sealed record PageRequest(int Page, int PageSize, string? SortBy = null, bool Descending = true)
{
    /// <summary>What a CSV export reads at most: the current filter, not the whole chain of a long-lived consortium.</summary>
    public const int ExportLimit = 50_000;

    public static PageRequest Export(string? sortBy, bool descending) => new(0, ExportLimit, sortBy, descending);
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int TotalCount)
{
    public static PagedResult<T> Empty { get; } = new([], 0);
}

public sealed record BlockFilter(long? FromHeight = null, long? ToHeight = null, string? Proposer = null, bool OnlyWithFailures = false);

public sealed record BlockRow(long Height, string Hash, long Timestamp, int TxCount, int FailedCount, string Proposer);

public sealed record TxFilter(
    string? Contract = null, string? Method = null, string? Status = null, string? SignerOrganisation = null,
    long? FromHeight = null, long? ToHeight = null);

/// <summary>One transaction in a list. <see cref="Restricted"/>: of another organisation, so signer and error are withheld.</summary>
public sealed record TxRow(
    string TxId, long Height, int Index, long Timestamp, string Signer, string Contract, string Method, string Status, string? Error,
    bool Restricted)
{
    public string SignerOrganisation => Restricted ? "" : ExplorerText.OrganisationOf(Signer);
}

public sealed record BlockDetail(
    long Height, string Hash, string PrevHash, long Timestamp, string Proposer, string TxRoot, string StateRoot, string ReceiptsRoot,
    string GenesisHash, string HeaderSignature, IReadOnlyList<TxRow> Transactions);

public sealed record TxArgument(string Name, string Value);

public sealed record TxEvent(string Name, string Data);

/// <summary>
/// A transaction's detail. When <see cref="Restricted"/> (another organisation's, and the viewer is no Regulator) only the
/// contract, method, status and block are filled in.
/// </summary>
public sealed record TxDetail(
    string TxId, long Height, int Index, string BlockHash, long Timestamp, string Contract, string Method, string Status, bool Restricted,
    string? Signer, string? SignerName, string? SignerOrganisation, string? SignerOrganisationName, string? Error,
    IReadOnlyList<TxArgument> Arguments, IReadOnlyList<TxEvent> Events, string? Output, string? Nonce, long? ExpiryHeight);

public sealed record StateRow(string Key, string Value, long Height);

public enum SearchTargetKind { Block, Transaction, NotFound, Invalid }

public sealed record SearchTarget(SearchTargetKind Kind, string? Url = null);

public static class ExplorerText
{
    /// <summary>"org/name" belongs to org; an organisation's root certificate id is the organisation id itself.</summary>
    public static string OrganisationOf(string signer)
    {
        var slash = signer.IndexOf('/');
        return slash < 0 ? signer : signer[..slash];
    }

    public static bool IsHash(string text) => text.Length == 64 && text.All(Uri.IsHexDigit);

    public static string Time(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public static string Short(string hash) => hash.Length > 16 ? hash[..16] + "…" : hash;

    /// <summary>A JSON value as a person reads it: strings without quotes, everything else as compact JSON.</summary>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };
}
