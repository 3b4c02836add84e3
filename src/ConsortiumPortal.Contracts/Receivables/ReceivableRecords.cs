using System.Text.Json.Serialization;

namespace ConsortiumPortal.Contracts.Receivables;

/// <summary>
/// Where a voucher (a root issued by the core enterprise, or a part split from one) stands.
/// Pending: issued, waiting for the named supplier. Active: held, may be split, transferred or financed.
/// Transferring: offered to another organisation, waiting for it. Financed: assigned to the bank that discounted it
/// (cannot be split or transferred). Split: replaced by its parts (retired, holds nothing). Settled: paid at maturity.
/// Overdue: the core enterprise could not pay it in full at maturity. Rejected/Cancelled: an issue that never took effect.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<VoucherStatus>))]
public enum VoucherStatus { Pending, Active, Transferring, Financed, Split, Settled, Overdue, Rejected, Cancelled }

/// <summary>
/// A receivable voucher. Every part inherits issuer, maturity, hashes and minimum split amount from its root;
/// <see cref="RootId"/> and <see cref="ParentId"/> give the lineage. Amounts in fen, times in ms (block time).
/// <see cref="Holder"/> is the organisation that holds (or, once financed, assigned) the part;
/// <see cref="Financier"/> the bank it was assigned to, which is paid at maturity instead.
/// </summary>
public sealed record Voucher(
    string Id, string RootId, string? ParentId, int Depth, string Issuer, string Holder, long FaceFen, long MaturityAt,
    string ContractHash, string InvoiceHash, long MinSplitFen, VoucherStatus Status, long IssuedAt, long UpdatedAt, string Memo,
    IReadOnlyList<string> Children, string? OfferedTo = null, string? PendingFinancing = null, string? Financier = null,
    string? FinancingId = null, long PaidFen = 0, long OverdueFen = 0, long? SettledAt = null)
{
    /// <summary>Who the core enterprise pays at maturity.</summary>
    public string Beneficiary => Financier ?? Holder;

    /// <summary>A part that still represents money owed (not retired by a split, not void, not yet settled).</summary>
    public bool IsOutstandingLeaf => Status is VoucherStatus.Active or VoucherStatus.Transferring or VoucherStatus.Financed;
}

/// <summary>One settlement batch of a root voucher: what was due, paid and left overdue, and to whom.</summary>
public sealed record SettlementReport(string RootId, string Issuer, long MaturityAt, long SettledAt, string TxId, long DueFen, long PaidFen,
    long OverdueFen, IReadOnlyList<SettlementLine> Lines);

public sealed record SettlementLine(string VoucherId, string Holder, string Beneficiary, long FaceFen, long PaidFen, long OverdueFen);

[JsonConverter(typeof(JsonStringEnumConverter<FinancingStatus>))]
public enum FinancingStatus { Applied, Quoted, Financed, Withdrawn, Declined }

/// <summary>
/// A holder's application to a bank to discount a voucher, the bank's quote (discount rate in basis points per year of
/// 360 days) and, once accepted, the proceeds paid. Proceeds are computed at acceptance (the days left then).
/// </summary>
public sealed record FinancingRequest(
    string Id, string VoucherId, string RootId, string Holder, string Bank, long FaceFen, long MaturityAt, FinancingStatus Status,
    long AppliedAt, long? DiscountBps = null, long? QuotedAt = null, long? QuoteValidUntil = null, long? QuotedProceedsFen = null,
    long? FinancedAt = null, long? Days = null, long? ProceedsFen = null, string? Note = null);

public static class ReceivableKeys
{
    public const string VoucherPrefix = "receivables/voucher/";
    public const string FinancingPrefix = "receivables/financing/";
    public const string ReportPrefix = "receivables/report/";
    public const string InvoicePrefix = "receivables/invoice/";
    public const string FinancedPrefix = "receivables/financed/";
    public const string VoucherSequence = "receivables/seq/voucher";
    public const string FinancingSequence = "receivables/seq/financing";

    public static string Voucher(string id) => VoucherPrefix + id;
    public static string Financing(string id) => FinancingPrefix + id;
    public static string Report(string rootId) => ReportPrefix + rootId;
    public static string Invoice(string invoiceHash) => InvoicePrefix + invoiceHash;
    /// <summary>The face amount an organisation has financed and not yet seen settled (what its credit limit bounds).</summary>
    public static string Financed(string organisationId) => FinancedPrefix + organisationId;

    public static string VoucherId(long seq) => $"RV{seq:D6}";
    public static string FinancingId(long seq) => $"RF{seq:D6}";
}
