namespace ConsortiumPortal.Contracts.Vouchers;

/// <summary>Hydro or non-hydro: the two classes the consumption quota weighs separately.</summary>
public static class VoucherClasses
{
    public const string Hydro = "hydro";
    public const string NonHydro = "non-hydro";
    public static readonly IReadOnlyList<string> All = [Hydro, NonHydro];
}

/// <summary>What state a serial range is in. Only Active ranges move; Listed ones are locked by an order or a deal.</summary>
public static class RangeStatuses
{
    public const string Active = "active";
    public const string Listed = "listed";
    public const string Retired = "retired";
    public const string Expired = "expired";
    /// <summary>Replaced by its children (split, transfer, trade): kept for provenance, held by nobody.</summary>
    public const string Closed = "closed";

    public static bool IsLive(string status) => status is Active or Listed;
}

/// <summary>
/// One issuance: the MWh of one meter over one production period (whole hours), serials [FirstSerial, FirstSerial+Quantity).
/// EnergyWh is what was metered; CarriedInWh the remainder below 1 MWh from the meter's earlier periods, CarriedOutWh what
/// is left for its next one. The trading centre's signature is the signature of transaction <see cref="TxId"/>.
/// </summary>
public sealed record VoucherIssuance(
    string Id, string MeterId, string ProducerId, string Technology, string VoucherClass, string Province,
    long PeriodStart, long PeriodEnd, long FirstSerial, long Quantity, long EnergyWh, long CarriedInWh, long CarriedOutWh,
    string Source, string? SettlementFileSm3, long IssuedAt, long ExpiresAt, string IssuedBy, string IssuerOrganisationId, string TxId);

/// <summary>
/// A range of serials [Start, End) of one issuance held by one organisation. A range never changes its serials: splitting,
/// transferring or trading part of it closes it and creates children (ParentId = this Id), so every range traces back to
/// its issuance and the children's quantities sum to the parent's.
/// </summary>
public sealed record VoucherRange(
    string Id, string IssuanceId, string? ParentId, long Start, long End, string Owner, string Status, string Origin,
    string VoucherClass, string Province, string Technology, long PeriodStart, long ExpiresAt,
    string? LockedBy, long CreatedAt, string TxId, string? ChangedTxId, IReadOnlyList<string>? Children)
{
    public long Quantity => End - Start;
}

/// <summary>What the holdings index keeps per range: enough for a page of holdings without reading each range.</summary>
public sealed record HoldingEntry(string RangeId, long Start, long End, string Status, string VoucherClass, string Province, string Technology, long PeriodStart, long ExpiresAt);

/// <summary>A retirement (claim), irreversible: toward the beneficiary's consumption quota of a year, or voluntary.</summary>
public sealed record VoucherRetirement(
    string RangeId, string Owner, long Start, long End, string Purpose, string Beneficiary, string Reason, int Year,
    string VoucherClass, long RetiredAt, string RetiredBy, string TxId);

public static class RetirementPurposes
{
    public const string Quota = "quota";
    public const string Voluntary = "voluntary";
}

public static class OrderSides
{
    public const string Buy = "buy";
    public const string Sell = "sell";
}

public static class OrderStatuses
{
    public const string Open = "open";
    public const string Filled = "filled";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// A limit order in fen per MWh. A sell order locks its range (Listed, <see cref="RangeId"/> is what is still for sale);
/// a buy order names a class (or any) and is paid from the buyer's settlement account as it fills.
/// </summary>
public sealed record VoucherOrder(
    string Id, string Side, string Owner, long PriceFen, long Quantity, long Remaining, string? VoucherClass, string? Province,
    string? RangeId, string Status, long Sequence, long PlacedAt, string PlacedBy, string TxId, string? CancelReason);

/// <summary>A fill: Quantity MWh of serials [Start, End) delivered against AmountFen paid, in the same transaction.</summary>
public sealed record VoucherTrade(
    string Id, string Buyer, string Seller, string? BuyOrderId, string? SellOrderId, string? DealId, string RangeId,
    string IssuanceId, long Start, long End, long PriceFen, long AmountFen, string VoucherClass, string Province, long At, string TxId)
{
    public long Quantity => End - Start;
}

public static class DealStatuses
{
    public const string Proposed = "proposed";
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string Withdrawn = "withdrawn";
}

/// <summary>A negotiated deal: the seller proposes (locking the range), the named buyer accepts (paying) or declines.</summary>
public sealed record VoucherDeal(
    string Id, string Seller, string Buyer, string RangeId, long PriceFen, long Quantity, string Status,
    long ProposedAt, string ProposedBy, string ProposeTxId, string? ClosedBy, string? CloseTxId);

/// <summary>The regulator's minimum consumption weights of a province and year, in basis points (1/10,000).</summary>
public sealed record QuotaPolicy(string Province, int Year, long TotalWeightBp, long NonHydroWeightBp, string SetBy, string TxId);

/// <summary>
/// An obligated entity's consumption of a year (MWh), reported by its grid company or the regulator: the inputs of the
/// completion formula that are not on this ledger. Retired vouchers come from the ledger itself.
/// </summary>
public sealed record EntityConsumption(
    string OrganisationId, int Year, string Province, long ConsumptionMWh, long ExemptMWh, long RenewableMWh,
    long NonHydroRenewableMWh, long GreenCertificatesMWh, long ExcessSoldMWh, long NonHydroExcessSoldMWh, string ReportedBy, string TxId);

/// <summary>How long vouchers stay valid: until the end of the ValidityYears-th year after production (1 = the following year).</summary>
public sealed record VoucherConfig(int ValidityYears);
