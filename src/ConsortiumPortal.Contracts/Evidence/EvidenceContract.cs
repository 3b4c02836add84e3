using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;

namespace ConsortiumPortal.Contracts.Evidence;

/// <summary>
/// Document evidence: the SM3 hash of a document, its type and labels go on chain (never its contents), so a contract,
/// an inspection report or a work ticket can be proven unaltered years later without trusting whoever kept the file.
/// One record per hash: anchoring the same hash again answers the first record. Documents may need signatures from
/// named organisations (status Pending until all have signed), form version chains, and two kinds carry more rules:
/// inspection reports come only from Regulator-accredited testing laboratories and update the supplier's score;
/// work-ticket steps are signed in order by people holding the step's qualification.
/// </summary>
public sealed partial class EvidenceContract : Contract
{
    public const string ContractName = "evidence";
    public override string Name => ContractName;

    public const int MaxParties = 16;

    public sealed record AnchorArgs(string Hash, string Type, DocumentLabels Labels, IReadOnlyList<string> RequiredSigners, string Custody,
        string? PreviousVersion = null);
    public sealed record SignArgs(string Hash);
    public sealed record AccreditArgs(string OrganisationId, string LabName, IReadOnlyList<string> Categories);
    public sealed record WithdrawAccreditationArgs(string OrganisationId);
    public sealed record InspectionArgs(string Hash, string Supplier, string Category, string BatchNumber, bool Passed, string Title, string Custody);
    public sealed record QualificationArgs(string CertificateId, string Qualification);
    public sealed record IssueTicketArgs(string TicketNumber, string Title, string Location, string WorkLeader, string? DocumentHash = null);
    public sealed record TicketStepArgs(string TicketId, string Step, string? Note = null);

    public sealed record AnchorResult(string DocumentId, bool Created, string Status);

    // ---- documents ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Anchors a document for the caller's organisation (its owner). The anchoring transaction is the anchoring
    /// person's SM2 signature over the hash, so it counts as the owner's signature when the owner is a required signer.
    /// </summary>
    [ContractMethod("anchor")]
    public AnchorResult Anchor(ContractContext ctx, AnchorArgs args)
    {
        RequireHash(args.Hash);
        if (ctx.State.Get<DocumentRecord>(EvidenceKeys.Document(args.Hash)) is { } existing)
            return new AnchorResult(existing.Id, false, existing.Status.ToString());
        RequireActsForOrganisation(ctx);
        ContractContext.Require(DocumentTypes.Anchorable.Contains(args.Type),
            $"type must be one of {string.Join(", ", DocumentTypes.Anchorable)} (inspection reports and work tickets have their own methods)");
        var owner = ctx.Caller.OrganisationId;
        var labels = NormaliseLabels(ctx, args.Labels, owner);
        ContractContext.Require(args.RequiredSigners is not null && args.RequiredSigners.Count <= MaxParties, "at most 16 required signers");
        ContractContext.Require(args.RequiredSigners!.Distinct().Count() == args.RequiredSigners!.Count, "a required signer is named twice");
        foreach (var signer in args.RequiredSigners)
            ContractContext.Require(labels.Parties.Contains(signer), $"required signer \"{signer}\" is not a party of the document");
        ContractContext.Require(DocumentCustody.IsKnown(args.Custody), "custody must be node-store or owner");

        var version = 1;
        if (args.PreviousVersion is { } previousHash)
        {
            var previous = ctx.State.Get<DocumentRecord>(EvidenceKeys.Document(previousHash))
                ?? throw new ContractException($"previous version {previousHash} is not anchored");
            ContractContext.Require(previous.IsParty(owner), "only the owner or a party of a document may anchor its next version");
            ContractContext.Require(previous.NextVersion is null, $"document {previousHash} already has a next version ({previous.NextVersion})");
            ContractContext.Require(previous.Type == args.Type, $"a new version keeps the type \"{previous.Type}\"");
            version = previous.Version + 1;
            ctx.State.Put(EvidenceKeys.Document(previousHash), previous with { NextVersion = args.Hash });
        }

        var signatures = args.RequiredSigners.Contains(owner)
            ? new[] { new DocumentSignature(owner, ctx.Caller.CertificateId, ctx.BlockTime, ctx.Height, ctx.TxId) } : [];
        var record = new DocumentRecord(args.Hash, args.Type, labels, owner, ctx.Caller.CertificateId, ctx.BlockTime, ctx.Height, ctx.TxId,
            args.Custody, [.. args.RequiredSigners.Order(StringComparer.Ordinal)], signatures, StatusOf(args.RequiredSigners, signatures), version,
            args.PreviousVersion, null);
        ctx.State.Put(EvidenceKeys.Document(record.Hash), record);
        ctx.Emit("DocumentAnchored", new { hash = record.Hash, type = record.Type, owner, parties = labels.Parties, version, previousVersion = args.PreviousVersion });
        return new AnchorResult(record.Id, true, record.Status.ToString());
    }

    /// <summary>A person of a required signer organisation signs the document's hash (the hash is in the signed arguments).</summary>
    [ContractMethod("sign")]
    public object Sign(ContractContext ctx, SignArgs args)
    {
        RequireHash(args.Hash);
        var record = ctx.State.Get<DocumentRecord>(EvidenceKeys.Document(args.Hash)) ?? throw new ContractException($"document {args.Hash} is not anchored");
        var organisation = ctx.Caller.OrganisationId;
        ContractContext.Require(record.RequiredSigners.Contains(organisation), $"organisation \"{organisation}\" is not a required signer of this document");
        ContractContext.Require(!record.HasSigned(organisation), $"organisation \"{organisation}\" has already signed this document");
        RequireActsForOrganisation(ctx);
        var signatures = record.Signatures.Append(new DocumentSignature(organisation, ctx.Caller.CertificateId, ctx.BlockTime, ctx.Height, ctx.TxId)).ToArray();
        var updated = record with { Signatures = signatures, Status = StatusOf(record.RequiredSigners, signatures) };
        ctx.State.Put(EvidenceKeys.Document(record.Hash), updated);
        ctx.Emit("DocumentSigned", new { hash = record.Hash, organisationId = organisation, certificateId = ctx.Caller.CertificateId, status = updated.Status.ToString() });
        return new { documentId = record.Id, status = updated.Status.ToString() };
    }

    // ---- testing laboratories and inspection reports ------------------------------------------------------------

    [ContractMethod("accreditLab")]
    public object AccreditLab(ContractContext ctx, AccreditArgs args)
    {
        ctx.RequireRole(Roles.Regulator);
        RequireMember(ctx, args.OrganisationId);
        RequireText(args.LabName, "lab name", 128);
        ContractContext.Require(args.Categories is { Count: > 0 } && args.Categories.All(ProductCategories.All.Contains) && args.Categories.Distinct().Count() == args.Categories.Count,
            $"categories must be distinct values of {string.Join(", ", ProductCategories.All)}");
        var existing = ctx.State.Get<TestingLab>(EvidenceKeys.Lab(args.OrganisationId));
        ContractContext.Require(existing is null || existing.WithdrawnAt is not null, $"\"{args.OrganisationId}\" is already accredited");
        var lab = new TestingLab(args.OrganisationId, args.LabName, [.. args.Categories.Order(StringComparer.Ordinal)], ctx.Caller.CertificateId, ctx.BlockTime, null, null);
        ctx.State.Put(EvidenceKeys.Lab(args.OrganisationId), lab);
        ctx.Emit("LabAccredited", new { organisationId = lab.OrganisationId, labName = lab.LabName, categories = lab.Categories });
        return new { organisationId = lab.OrganisationId };
    }

    [ContractMethod("withdrawAccreditation")]
    public object WithdrawAccreditation(ContractContext ctx, WithdrawAccreditationArgs args)
    {
        ctx.RequireRole(Roles.Regulator);
        var lab = ctx.State.Get<TestingLab>(EvidenceKeys.Lab(args.OrganisationId));
        ContractContext.Require(lab is { WithdrawnAt: null }, $"\"{args.OrganisationId}\" is not an accredited laboratory");
        ctx.State.Put(EvidenceKeys.Lab(args.OrganisationId), lab! with { WithdrawnAt = ctx.BlockTime, WithdrawnBy = ctx.Caller.CertificateId });
        ctx.Emit("AccreditationWithdrawn", new { organisationId = args.OrganisationId });
        return new { organisationId = args.OrganisationId };
    }

    /// <summary>
    /// An accredited laboratory anchors an inspection report for a supplier's batch. A report counts once: its hash
    /// must be new (anchoring it twice would count its result twice in the supplier's score).
    /// </summary>
    [ContractMethod("anchorInspection")]
    public object AnchorInspection(ContractContext ctx, InspectionArgs args)
    {
        RequireHash(args.Hash);
        RequireActsForOrganisation(ctx);
        var labId = ctx.Caller.OrganisationId;
        var lab = ctx.State.Get<TestingLab>(EvidenceKeys.Lab(labId));
        ContractContext.Require(lab is { WithdrawnAt: null }, $"organisation \"{labId}\" is not an accredited testing laboratory");
        ContractContext.Require(lab!.Categories.Contains(args.Category), $"laboratory \"{labId}\" is not accredited for category \"{args.Category}\"");
        var supplier = ctx.State.Get<Organisation>(MembershipContract.Keys.Organisation(args.Supplier))
            ?? throw new ContractException($"organisation \"{args.Supplier}\" is not a member");
        ContractContext.Require(supplier.Roles.Contains(Roles.Supplier), $"organisation \"{args.Supplier}\" is not a Supplier");
        ContractContext.Require(args.Supplier != labId, "a laboratory cannot inspect its own organisation's products");
        RequireCode(args.BatchNumber, "batch number");
        ContractContext.Require(DocumentCustody.IsKnown(args.Custody), "custody must be node-store or owner");
        ContractContext.Require(!ctx.State.Exists(EvidenceKeys.Document(args.Hash)), $"report {args.Hash} is already anchored: a report counts once");

        var labels = new DocumentLabels(RequireText(args.Title, "title", 128), [.. new[] { labId, args.Supplier }.Order(StringComparer.Ordinal)], args.BatchNumber, null, null, null, null);
        var record = new DocumentRecord(args.Hash, DocumentTypes.InspectionReport, labels, labId, ctx.Caller.CertificateId, ctx.BlockTime, ctx.Height, ctx.TxId,
            args.Custody, [], [], DocumentStatus.Complete, 1, null, null);
        ctx.State.Put(EvidenceKeys.Document(args.Hash), record);

        var supplierRecord = ctx.State.Get<SupplierRecord>(EvidenceKeys.Supplier(args.Supplier)) ?? new SupplierRecord(args.Supplier, [], 0, 0, SupplierScore.Of(0, 0));
        var category = supplierRecord.Categories.FirstOrDefault(c => c.Category == args.Category) ?? new CategoryRecord(args.Category, 0, 0, 0);
        var sequence = category.Passed + category.Failed + 1;
        category = args.Passed ? category with { Passed = category.Passed + 1 } : category with { Failed = category.Failed + 1 };
        category = category with { Score = SupplierScore.Of(category.Passed, category.Failed) };
        var categories = supplierRecord.Categories.Where(c => c.Category != args.Category).Append(category).OrderBy(c => c.Category, StringComparer.Ordinal).ToArray();
        int passed = categories.Sum(c => c.Passed), failed = categories.Sum(c => c.Failed);
        var updated = new SupplierRecord(args.Supplier, categories, passed, failed, SupplierScore.Of(passed, failed));
        ctx.State.Put(EvidenceKeys.Supplier(args.Supplier), updated);
        ctx.State.Put(EvidenceKeys.Inspection(args.Supplier, args.Category, sequence),
            new InspectionResult(args.Hash, args.Supplier, args.Category, args.BatchNumber, args.Passed, labId, ctx.Caller.CertificateId, ctx.BlockTime, ctx.Height, ctx.TxId));
        ctx.Emit("InspectionAnchored", new { hash = args.Hash, supplier = args.Supplier, category = args.Category, batchNumber = args.BatchNumber, passed = args.Passed, lab = labId });
        return new { documentId = args.Hash, categoryScore = category.Score, score = updated.Score };
    }

    // ---- qualifications and work tickets -----------------------------------------------------------------------

    /// <summary>An OrgAdmin records that a person of their organisation holds a work-ticket qualification.</summary>
    [ContractMethod("grantQualification")]
    public object GrantQualification(ContractContext ctx, QualificationArgs args)
    {
        var (certificate, current) = QualificationTarget(ctx, args);
        ContractContext.Require(!current.Contains(args.Qualification), $"\"{args.CertificateId}\" already holds \"{args.Qualification}\"");
        var updated = new PersonQualifications(certificate.Id, certificate.OrganisationId, [.. current.Append(args.Qualification).Order(StringComparer.Ordinal)],
            ctx.BlockTime, ctx.Caller.CertificateId);
        ctx.State.Put(EvidenceKeys.Qualification(certificate.Id), updated);
        ctx.Emit("QualificationGranted", new { certificateId = certificate.Id, qualification = args.Qualification });
        return new { certificateId = certificate.Id, qualifications = updated.Qualifications };
    }

    [ContractMethod("revokeQualification")]
    public object RevokeQualification(ContractContext ctx, QualificationArgs args)
    {
        var (certificate, current) = QualificationTarget(ctx, args);
        ContractContext.Require(current.Contains(args.Qualification), $"\"{args.CertificateId}\" does not hold \"{args.Qualification}\"");
        var updated = new PersonQualifications(certificate.Id, certificate.OrganisationId, [.. current.Where(q => q != args.Qualification)],
            ctx.BlockTime, ctx.Caller.CertificateId);
        ctx.State.Put(EvidenceKeys.Qualification(certificate.Id), updated);
        ctx.Emit("QualificationRevoked", new { certificateId = certificate.Id, qualification = args.Qualification });
        return new { certificateId = certificate.Id, qualifications = updated.Qualifications };
    }

    /// <summary>
    /// A ticket issuer of the organisation issues a work ticket (its first step) naming the work leader. As in the
    /// safety rules, the issuer cannot be the ticket's work leader.
    /// </summary>
    [ContractMethod("issueWorkTicket")]
    public object IssueWorkTicket(ContractContext ctx, IssueTicketArgs args)
    {
        RequireQualification(ctx, Qualifications.TicketIssuer);
        var organisation = ctx.Caller.OrganisationId;
        RequireCode(args.TicketNumber, "ticket number");
        var id = $"{organisation}:{args.TicketNumber}";
        ContractContext.Require(!ctx.State.Exists(EvidenceKeys.Ticket(id)), $"work ticket \"{id}\" already exists");
        var title = RequireText(args.Title, "title", 128);
        var location = RequireText(args.Location, "location", 128);
        var leader = ctx.State.Get<Certificate>(MembershipContract.Keys.Certificate(args.WorkLeader));
        ContractContext.Require(leader is { IsRevoked: false }, $"work leader \"{args.WorkLeader}\" has no valid certificate");
        ContractContext.Require(Holds(ctx, args.WorkLeader, Qualifications.WorkLeader), $"\"{args.WorkLeader}\" does not hold the qualification \"{Qualifications.WorkLeader}\"");
        ContractContext.Require(args.WorkLeader != ctx.Caller.CertificateId, "the ticket issuer cannot be the ticket's work leader");
        if (args.DocumentHash is { } hash)
        {
            RequireHash(hash);
            ContractContext.Require(!ctx.State.Exists(EvidenceKeys.Document(hash)), $"document {hash} is already anchored");
            var labels = new DocumentLabels(title, [organisation], args.TicketNumber, null, null, null, null);
            ctx.State.Put(EvidenceKeys.Document(hash), new DocumentRecord(hash, DocumentTypes.WorkTicket, labels, organisation, ctx.Caller.CertificateId,
                ctx.BlockTime, ctx.Height, ctx.TxId, DocumentCustody.Owner, [], [], DocumentStatus.Complete, 1, null, null));
        }
        var ticket = new WorkTicket(id, organisation, args.TicketNumber, title, location, args.WorkLeader, args.DocumentHash,
            [new WorkTicketStep(WorkTicketSteps.Issued, ctx.Caller.CertificateId, organisation, ctx.BlockTime, ctx.Height, ctx.TxId, null)]);
        ctx.State.Put(EvidenceKeys.Ticket(id), ticket);
        ctx.Emit("WorkTicketIssued", new { ticketId = id, workLeader = args.WorkLeader, issuer = ctx.Caller.CertificateId });
        return new { ticketId = id, step = WorkTicketSteps.Issued };
    }

    /// <summary>
    /// The next step of a ticket, signed by a person holding its qualification: the permitter (of the ticket's
    /// organisation, never the work leader) for safety measures and closing, the named work leader for start and finish.
    /// </summary>
    [ContractMethod("signWorkTicketStep")]
    public object SignWorkTicketStep(ContractContext ctx, TicketStepArgs args)
    {
        var ticket = ctx.State.Get<WorkTicket>(EvidenceKeys.Ticket(args.TicketId)) ?? throw new ContractException($"work ticket \"{args.TicketId}\" does not exist");
        ContractContext.Require(WorkTicketSteps.Order.Contains(args.Step), $"step must be one of {string.Join(", ", WorkTicketSteps.Order)}");
        ContractContext.Require(ticket.NextStep is not null, $"work ticket \"{ticket.Id}\" is closed");
        ContractContext.Require(args.Step == ticket.NextStep, $"step \"{args.Step}\" is out of order: the next step of \"{ticket.Id}\" is \"{ticket.NextStep}\"");
        ContractContext.Require(args.Note is null || args.Note.Length <= 256, "a note is at most 256 characters");
        var qualification = WorkTicketSteps.QualificationFor(args.Step);
        RequireQualification(ctx, qualification);
        var caller = ctx.Caller.CertificateId;
        if (qualification == Qualifications.WorkLeader)
            ContractContext.Require(caller == ticket.WorkLeader, $"only the ticket's work leader \"{ticket.WorkLeader}\" may sign \"{args.Step}\"");
        else
        {
            ContractContext.Require(ctx.Caller.OrganisationId == ticket.OrganisationId, $"only a person of \"{ticket.OrganisationId}\" may sign \"{args.Step}\"");
            ContractContext.Require(caller != ticket.WorkLeader, "the work leader cannot also be the ticket's work permitter");
        }
        var updated = ticket with { Steps = [.. ticket.Steps, new WorkTicketStep(args.Step, caller, ctx.Caller.OrganisationId, ctx.BlockTime, ctx.Height, ctx.TxId, args.Note)] };
        ctx.State.Put(EvidenceKeys.Ticket(ticket.Id), updated);
        ctx.Emit("WorkTicketStepSigned", new { ticketId = ticket.Id, step = args.Step, certificateId = caller });
        return new { ticketId = ticket.Id, step = args.Step };
    }

    // ---- rules shared by the methods ---------------------------------------------------------------------------

    private static DocumentStatus StatusOf(IReadOnlyList<string> required, IReadOnlyList<DocumentSignature> signatures) =>
        required.All(r => signatures.Any(s => s.OrganisationId == r)) ? DocumentStatus.Complete : DocumentStatus.Pending;

    /// <summary>Acting for an organisation: a person holding one of its roles (Regulator included); OrgAdmin alone administers only.</summary>
    private static void RequireActsForOrganisation(ContractContext ctx) =>
        ContractContext.Require(ctx.Caller.PersonRoles.Any(r => r != Roles.OrgAdmin && ctx.Caller.OrganisationRoles.Contains(r)),
            "only a person holding one of the organisation's roles may anchor or sign for it (not an admin role alone)");

    private static DocumentLabels NormaliseLabels(ContractContext ctx, DocumentLabels labels, string owner)
    {
        ContractContext.Require(labels is not null, "labels are required");
        var title = RequireText(labels!.Title, "title", 128);
        ContractContext.Require(labels.Parties is not null, "parties are required");
        var parties = labels.Parties!.Append(owner).Distinct().Order(StringComparer.Ordinal).ToArray();
        ContractContext.Require(parties.Length <= MaxParties, "at most 16 parties");
        foreach (var party in parties) RequireMember(ctx, party);
        foreach (var (value, name) in new[] { (labels.ContractNumber, "contract number"), (labels.MeterNumber, "meter number"), (labels.AccountNumber, "account number") })
            if (value is not null) RequireCode(value, name);
        RequireDate(labels.EffectiveFrom, "effective from");
        RequireDate(labels.EffectiveTo, "effective to");
        ContractContext.Require(labels.EffectiveFrom is null || labels.EffectiveTo is null || string.CompareOrdinal(labels.EffectiveFrom, labels.EffectiveTo) <= 0,
            "effective from must not be after effective to");
        return labels with { Title = title, Parties = parties };
    }

    private static (Certificate Certificate, IReadOnlyList<string> Current) QualificationTarget(ContractContext ctx, QualificationArgs args)
    {
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin, "only an organisation admin may grant or revoke qualifications");
        ContractContext.Require(Qualifications.All.Contains(args.Qualification), $"qualification must be one of {string.Join(", ", Qualifications.All)}");
        var certificate = ctx.State.Get<Certificate>(MembershipContract.Keys.Certificate(args.CertificateId))
            ?? throw new ContractException($"certificate \"{args.CertificateId}\" does not exist");
        ContractContext.Require(certificate.OrganisationId == ctx.Caller.OrganisationId, "qualifications are granted only to people of the admin's own organisation");
        ContractContext.Require(certificate.Id != certificate.OrganisationId, "qualifications are granted to people, not to an organisation's root certificate");
        ContractContext.Require(!certificate.IsRevoked, $"certificate \"{args.CertificateId}\" is revoked");
        var current = ctx.State.Get<PersonQualifications>(EvidenceKeys.Qualification(certificate.Id))?.Qualifications ?? [];
        return (certificate, current);
    }

    private static bool Holds(ContractContext ctx, string certificateId, string qualification) =>
        ctx.State.Get<PersonQualifications>(EvidenceKeys.Qualification(certificateId))?.Qualifications.Contains(qualification) == true;

    private static void RequireQualification(ContractContext ctx, string qualification) =>
        ContractContext.Require(Holds(ctx, ctx.Caller.CertificateId, qualification),
            $"\"{ctx.Caller.CertificateId}\" does not hold the qualification \"{qualification}\"");

    private static void RequireMember(ContractContext ctx, string organisationId) =>
        ContractContext.Require(organisationId is not null && ctx.State.Exists(MembershipContract.Keys.Organisation(organisationId)),
            $"organisation \"{organisationId}\" is not a member");

    /// <summary>A document hash: SM3, 64 lower-case hex characters (one spelling, so one record per document).</summary>
    public static bool IsHash(string? hash) => hash is not null && HashPattern().IsMatch(hash);

    private static void RequireHash(string hash) => ContractContext.Require(IsHash(hash), "a document hash is 64 lower-case hex characters (SM3)");

    private static string RequireText(string text, string name, int max)
    {
        ContractContext.Require(!string.IsNullOrWhiteSpace(text) && text.Length <= max, $"{name} must be 1..{max} characters");
        return text.Trim();
    }

    private static void RequireCode(string code, string name) =>
        ContractContext.Require(code is not null && CodePattern().IsMatch(code), $"{name} must be 1..64 characters of letters, digits and ._:/-");

    private static void RequireDate(string? date, string name) =>
        ContractContext.Require(date is null || (DatePattern().IsMatch(date) && DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)), $"{name} must be a date yyyy-MM-dd");

    [GeneratedRegex("^[0-9a-f]{64}$")] private static partial Regex HashPattern();
    [GeneratedRegex("^[A-Za-z0-9._:/-]{1,64}$")] private static partial Regex CodePattern();
    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] private static partial Regex DatePattern();
}
