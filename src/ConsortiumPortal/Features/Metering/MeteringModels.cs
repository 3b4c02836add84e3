using ConsortiumPortal.Contracts.Metering;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// One reading as a member system or a CSV file states it. Fields are optional here so that a row missing one is
/// reported as rejected (with its row number) instead of failing the whole request.
/// </summary>
/// <param name="Line">the CSV line (or 1-based position in a JSON batch) the row came from</param>
public sealed record ReadingRow(int Line, string? MeterId, DateTimeOffset? IntervalStart, long? Wh);

/// <summary>A row that was not submitted, and why.</summary>
public sealed record RejectedRow(int Line, string? MeterId, DateTimeOffset? IntervalStart, string Reason);

/// <summary>One transaction an import submitted and what became of it.</summary>
public sealed record BatchTransaction(string TxId, int Readings, long? Height, string Status, string? Error);

/// <summary>
/// What an import did, row by row: how many readings were recorded, how many were already recorded with the same value
/// (resubmitting a file is harmless), which rows were rejected and why, and the transactions it took.
/// </summary>
public sealed record IngestReport(int Rows, int Accepted, int AlreadyRecorded, IReadOnlyList<RejectedRow> Rejected, IReadOnlyList<BatchTransaction> Transactions)
{
    public static readonly IngestReport Empty = new(0, 0, 0, [], []);
    public bool Clean => Rejected.Count == 0;
}

/// <summary>Progress of a long import: rows validated, readings committed so far, of how many.</summary>
public sealed record IngestProgress(string Stage, int Done, int Total);

/// <summary>A meter as pages and the API show it.</summary>
public sealed record MeterView(
    string MeterId, string OrganisationId, string SiteId, string Type, string? Technology, long CapacityW, string Province,
    string Location, string FeederId, string GridCompanyId, long RegisteredAt)
{
    public static MeterView From(Meter m) => new(m.MeterId, m.OrganisationId, m.SiteId, m.Type, m.Technology, m.CapacityW, m.Province,
        m.Location, m.FeederId, m.GridCompanyId, m.RegisteredAt);
}

/// <summary>A recorded interval as the API returns it.</summary>
public sealed record ReadingView(DateTimeOffset IntervalStart, long Wh, long? OriginalWh, int Corrections);

/// <summary>A filter and page of the meters list (0-based page).</summary>
public sealed record MeterFilter(string? OrganisationId = null, string? Province = null, string? Type = null, string? Search = null,
    int Page = 0, int PageSize = 25, string? SortBy = null, bool Descending = false);

public sealed record MeterPage(IReadOnlyList<MeterView> Items, int Total);

/// <summary>An outage as pages and the API show it.</summary>
public sealed record OutageView(string OutageId, string GridCompanyId, string? FeederId, IReadOnlyList<string> MeterIds,
    DateTimeOffset Start, DateTimeOffset? End, bool Planned, string Cause)
{
    public static OutageView From(Outage o) => new(o.OutageId, o.GridCompanyId, o.FeederId, o.MeterIds,
        DateTimeOffset.FromUnixTimeMilliseconds(o.Start), o.End is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null, o.Planned, o.Cause);

    public TimeSpan? Duration => End - Start;
}
