namespace ConsortiumPortal.Contracts.Evidence;

/// <summary>The kinds of document the consortium anchors. Supply contracts come in several kinds; each is its own type.</summary>
public static class DocumentTypes
{
    public const string HighVoltageSupplyContract = "hv-supply-contract";
    public const string LowVoltageSupplyContract = "lv-supply-contract";
    public const string PowerPurchaseAgreement = "power-purchase-agreement";
    public const string GridConnectionAgreement = "grid-connection-agreement";
    public const string RetailSupplyContract = "retail-supply-contract";
    public const string InspectionReport = "inspection-report";
    public const string WorkTicket = "work-ticket";
    public const string Other = "other";

    /// <summary>Types a person may choose when anchoring; inspection reports and work tickets have their own methods.</summary>
    public static readonly IReadOnlyList<string> Anchorable =
        [HighVoltageSupplyContract, LowVoltageSupplyContract, PowerPurchaseAgreement, GridConnectionAgreement, RetailSupplyContract, Other];

    public static readonly IReadOnlyList<string> All = [.. Anchorable, InspectionReport, WorkTicket];

    public static bool IsSupplyContract(string type) => type is HighVoltageSupplyContract or LowVoltageSupplyContract or PowerPurchaseAgreement
        or GridConnectionAgreement or RetailSupplyContract;
}

/// <summary>Where the file itself is: sealed in a node's document store, or kept by its owner (only the hash is known).</summary>
public static class DocumentCustody
{
    public const string NodeStore = "node-store";
    public const string Owner = "owner";
    public static bool IsKnown(string custody) => custody is NodeStore or Owner;
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<DocumentStatus>))]
public enum DocumentStatus { Pending, Complete }

/// <summary>What is public about a document on chain: identifying labels, never its contents.</summary>
/// <param name="Parties">member organisations the document binds; its contents are visible to them and the Regulator</param>
/// <param name="EffectiveFrom">yyyy-MM-dd or null</param>
public sealed record DocumentLabels(
    string Title, IReadOnlyList<string> Parties, string? ContractNumber, string? MeterNumber, string? AccountNumber,
    string? EffectiveFrom, string? EffectiveTo);

/// <summary>One organisation's signature over a document's hash: the person who signed, when, in which transaction.</summary>
public sealed record DocumentSignature(string OrganisationId, string CertificateId, long SignedAt, long Height, string TxId);

/// <summary>
/// An anchored document, keyed by its SM3 hash (lower-case hex), so the same file can only be anchored once.
/// Versions form a chain: <see cref="PreviousVersion"/> and <see cref="NextVersion"/> are hashes of other records.
/// </summary>
public sealed record DocumentRecord(
    string Hash, string Type, DocumentLabels Labels, string Owner, string AnchoredBy, long AnchoredAt, long AnchoredHeight, string AnchoredTxId,
    string Custody, IReadOnlyList<string> RequiredSigners, IReadOnlyList<DocumentSignature> Signatures, DocumentStatus Status,
    int Version, string? PreviousVersion, string? NextVersion)
{
    /// <summary>The record id: the document's hash (one record per hash).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Id => Hash;

    public bool IsParty(string organisationId) => Owner == organisationId || Labels.Parties.Contains(organisationId);

    public bool HasSigned(string organisationId) => Signatures.Any(s => s.OrganisationId == organisationId);
}

/// <summary>A Regulator's accreditation of a member organisation as a testing laboratory.</summary>
public sealed record TestingLab(string OrganisationId, string LabName, IReadOnlyList<string> Categories, string AccreditedBy, long AccreditedAt,
    long? WithdrawnAt, string? WithdrawnBy);

/// <summary>One inspection of a supplier's batch by an accredited laboratory; the report itself is the anchored document.</summary>
public sealed record InspectionResult(
    string ReportHash, string Supplier, string Category, string BatchNumber, bool Passed, string Lab, string InspectedBy, long InspectedAt, long Height, string TxId);

/// <summary>A supplier's pass/fail counts in one product category and the score derived from them (<see cref="SupplierScore"/>).</summary>
public sealed record CategoryRecord(string Category, int Passed, int Failed, int Score);

/// <summary>A supplier's quality record: per product category and overall.</summary>
public sealed record SupplierRecord(string Supplier, IReadOnlyList<CategoryRecord> Categories, int Passed, int Failed, int Score);

/// <summary>Qualifications a person holds, granted by their organisation's OrgAdmin (e.g. who may issue a work ticket).</summary>
public sealed record PersonQualifications(string CertificateId, string OrganisationId, IReadOnlyList<string> Qualifications, long UpdatedAt, string UpdatedBy);

public static class Qualifications
{
    public const string TicketIssuer = "ticket-issuer";
    public const string WorkPermitter = "work-permitter";
    public const string WorkLeader = "work-leader";

    public static readonly IReadOnlyList<string> All = [TicketIssuer, WorkPermitter, WorkLeader];
}

/// <summary>Product categories a supplier's batch is inspected in.</summary>
public static class ProductCategories
{
    public static readonly IReadOnlyList<string> All = ["cable", "meter", "transformer", "switchgear", "insulator", "conductor", "other"];
}

/// <summary>
/// The steps of a work ticket (工作票), in the only order they may happen, each with the qualification its signer needs.
/// The work leader named on the ticket signs "started" and "finished" personally.
/// </summary>
public static class WorkTicketSteps
{
    public const string Issued = "issued";
    public const string SafetyMeasuresDone = "safety-measures-done";
    public const string WorkStarted = "work-started";
    public const string WorkFinished = "work-finished";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> Order = [Issued, SafetyMeasuresDone, WorkStarted, WorkFinished, Closed];

    public static string QualificationFor(string step) => step switch
    {
        Issued => Qualifications.TicketIssuer,
        SafetyMeasuresDone or Closed => Qualifications.WorkPermitter,
        WorkStarted or WorkFinished => Qualifications.WorkLeader,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "not a work-ticket step"),
    };
}

public sealed record WorkTicketStep(string Step, string CertificateId, string OrganisationId, long SignedAt, long Height, string TxId, string? Note);

/// <summary>A work ticket of an organisation: what, where, who leads, and its signed steps so far.</summary>
public sealed record WorkTicket(
    string Id, string OrganisationId, string TicketNumber, string Title, string Location, string WorkLeader, string? DocumentHash,
    IReadOnlyList<WorkTicketStep> Steps)
{
    /// <summary>The last signed step.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string State => Steps.Count == 0 ? "" : Steps[^1].Step;

    /// <summary>The step that may be signed next, or null once closed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? NextStep => Steps.Count < WorkTicketSteps.Order.Count ? WorkTicketSteps.Order[Steps.Count] : null;
}

/// <summary>World-state keys of the evidence application.</summary>
public static class EvidenceKeys
{
    public const string DocumentPrefix = "evidence/document/";
    public const string LabPrefix = "evidence/lab/";
    public const string InspectionPrefix = "evidence/inspection/";
    public const string SupplierPrefix = "evidence/supplier/";
    public const string QualificationPrefix = "evidence/qualification/";
    public const string TicketPrefix = "evidence/ticket/";

    public static string Document(string hash) => DocumentPrefix + hash;
    public static string Lab(string organisationId) => LabPrefix + organisationId;
    /// <summary>Inspections by supplier, then category, then sequence: a prefix scan lists one supplier's history in order.</summary>
    public static string Inspection(string supplier, string category, int sequence) => $"{InspectionPrefix}{supplier}/{category}/{sequence:D8}";
    public static string InspectionsOf(string supplier) => $"{InspectionPrefix}{supplier}/";
    public static string Supplier(string supplier) => SupplierPrefix + supplier;
    public static string Qualification(string certificateId) => QualificationPrefix + certificateId;
    public static string Ticket(string ticketId) => TicketPrefix + ticketId;
}
