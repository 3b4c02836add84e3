using System.Text.Json.Serialization;

namespace ConsortiumPortal.Contracts.Registry;

/// <summary>What kind of market participant an organisation registers as; each needs a matching consortium role.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParticipantType>))]
public enum ParticipantType { Generator, Retailer, LargeConsumer, Aggregator, GridCompany, EnergyStorage }

/// <summary>
/// The lifecycle. Submitted, UnderReview, ChangesRequested, Resubmitted and Disclosure are also the stages a pending
/// version (the first application or a later major change) goes through; Active, Suspended and Exited are the states
/// of a participant whose registration is in force.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParticipantStatus>))]
public enum ParticipantStatus { Submitted, UnderReview, ChangesRequested, Resubmitted, Disclosure, Active, Suspended, Exited }

/// <summary>Initial application, major change (reviewed and disclosed again) or minor change (in force at once).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind { Initial, Major, Minor }

/// <summary>A version is proposed, sent back (changes requested), in force, superseded by a later one, or withdrawn by an exit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VersionStatus>))]
public enum VersionStatus { Proposed, Returned, InForce, Superseded, Withdrawn }

public sealed record Contact(string Name, string Title, string Phone, string Email);

/// <summary>A document kept off chain (qualification certificate, licence, ...) anchored by its SM3 hash (64 lower-case hex).</summary>
public sealed record AnchoredDocument(string Title, string Sm3);

/// <summary>
/// One version of a participant's registration. Major fields: legal name, credit code, type, provinces. Minor fields:
/// capacity or load (kW x 1000; 0 where it does not apply), contacts, documents.
/// </summary>
public sealed record ParticipantDetails(
    string LegalName, string CreditCode, ParticipantType Type, IReadOnlyList<string> Provinces,
    long CapacityKw1000, IReadOnlyList<Contact> Contacts, IReadOnlyList<AnchoredDocument> Documents)
{
    public bool SameMajorFields(ParticipantDetails other) =>
        LegalName == other.LegalName && CreditCode == other.CreditCode && Type == other.Type && Provinces.SequenceEqual(other.Provinces);

    public ParticipantDetails WithMinorFieldsOf(ParticipantDetails other) =>
        this with { CapacityKw1000 = other.CapacityKw1000, Contacts = other.Contacts, Documents = other.Documents };
}

/// <summary>A version going through review and disclosure: the first application or a major change.</summary>
public sealed record PendingReview(int Version, ChangeKind Kind, ParticipantStatus Stage, long? DisclosureEndsAt);

/// <summary>
/// A registered market participant, one record kept in step at every node. <see cref="Details"/> are those in force
/// (for an applicant not yet active: those last submitted); <see cref="RecordHash"/> is the SM3 of the version they
/// belong to.
/// </summary>
public sealed record Participant(
    string Id, string OrganisationId, ParticipantStatus Status, ParticipantDetails Details, string RecordHash,
    int? InForceVersion, int LatestVersion, PendingReview? Pending, int CommentCount,
    long CreatedAt, long UpdatedAt, string? LastReason);

/// <summary>Every version is kept: what it said, who submitted it, its status and its record hash.</summary>
public sealed record ParticipantVersion(
    string ParticipantId, int Version, ChangeKind Kind, VersionStatus Status, ParticipantDetails Details, string RecordHash,
    long SubmittedAt, string SubmittedBy, string TxId, long? EffectiveAt, string? Note);

/// <summary>A comment or objection recorded by any member during public disclosure.</summary>
public sealed record DisclosureComment(
    string ParticipantId, int Seq, int Version, string OrganisationId, string CertificateId, string Text, bool Objection,
    long At, bool Upheld, string? Decision);

/// <summary>Consortium-wide registry settings, changed by governance: bounds of the disclosure period a trading centre sets.</summary>
public sealed record RegistrySettings(long MinDisclosureMs, long DefaultDisclosureMs, long MaxDisclosureMs)
{
    public const long Day = 86_400_000;

    /// <summary>In force until governance changes them: one to thirty days, seven by default.</summary>
    public static readonly RegistrySettings Default = new(Day, 7 * Day, 30 * Day);

    /// <summary>Why settings are invalid, or null.</summary>
    public string? Explain() =>
        MinDisclosureMs < 1 ? "the shortest disclosure period must be at least 1 ms"
        : MinDisclosureMs > DefaultDisclosureMs || DefaultDisclosureMs > MaxDisclosureMs ? "disclosure periods must satisfy min <= default <= max"
        : MaxDisclosureMs > 366 * Day ? "the longest disclosure period is at most 366 days"
        : null;
}

/// <summary>Index of a credit code to the participant that holds (or has proposed) it.</summary>
public sealed record CodeClaim(string ParticipantId);

/// <summary>World-state keys of the registry.</summary>
public static class RegistryKeys
{
    public const string ParticipantPrefix = "registry/participant/";
    public const string VersionPrefix = "registry/version/";
    public const string CodePrefix = "registry/code/";
    public const string CommentPrefix = "registry/comment/";
    public const string Sequence = "registry/seq";
    public const string Settings = "registry/settings";

    public static string Participant(string id) => ParticipantPrefix + id;
    public static string Versions(string id) => $"{VersionPrefix}{id}/";
    public static string Version(string id, int version) => $"{VersionPrefix}{id}/{version:D6}";
    public static string Code(string code) => CodePrefix + code;
    public static string Comments(string id) => $"{CommentPrefix}{id}/";
    public static string Comment(string id, int seq) => $"{CommentPrefix}{id}/{seq:D6}";
}
