using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Credit;

namespace ConsortiumPortal.Contracts.Registry;

/// <summary>
/// Market participant registration, one record shared by every trading centre of the consortium. The lifecycle is
/// enforced here (docs/registry.md has the diagram): an organisation applies; a TradingCenter starts the review and
/// either requests changes (the applicant resubmits) or approves; the record is then disclosed publicly for a period
/// the trading centre sets within the governed bounds, during which any member may comment or object (an upheld
/// objection sends it back); after the period has elapsed by block time it becomes active. A TradingCenter suspends
/// and reinstates; the participant (or a TradingCenter) exits it, only while its organisation has no open obligations.
/// Major changes go through review and disclosure again while the version in force stays in force; minor changes are
/// in force at once. Every version is kept with its record hash.
/// </summary>
public sealed class RegistryContract : Contract
{
    public const string ContractName = "registry";
    public override string Name => ContractName;

    public const int MaxReasonLength = 512;
    public const int MaxCommentLength = 1_000;
    public const long MaxCapacityKw1000 = 1_000_000_000_000; // 1,000 GW: far above any single participant

    public sealed record ApplyArgs(ParticipantDetails Details);
    public sealed record ParticipantArgs(string ParticipantId);
    public sealed record DecisionArgs(string ParticipantId, string Reason);
    public sealed record DetailsArgs(string ParticipantId, ParticipantDetails Details);
    public sealed record ApproveArgs(string ParticipantId, long DisclosurePeriodMs);
    public sealed record CommentArgs(string ParticipantId, string Text, bool Objection);
    public sealed record UpholdArgs(string ParticipantId, int CommentSeq, string Reason);
    public sealed record MinorChangeArgs(string ParticipantId, long CapacityKw1000, IReadOnlyList<Contact> Contacts, IReadOnlyList<AnchoredDocument> Documents);

    [ContractMethod("apply")]
    public object Apply(ContractContext ctx, ApplyArgs args)
    {
        RequireActsForOrganisation(ctx);
        var details = Validate(ctx, args.Details, ctx.Caller.OrganisationId);
        RequireCodeFree(ctx.State, details.CreditCode, null);
        var sequence = ctx.State.GetInteger(RegistryKeys.Sequence) + 1;
        ctx.State.PutInteger(RegistryKeys.Sequence, sequence);
        var id = $"P{sequence:D6}";
        var hash = WriteVersion(ctx, id, 1, ChangeKind.Initial, VersionStatus.Proposed, details, null, null);
        ctx.State.Put(RegistryKeys.Code(details.CreditCode), new CodeClaim(id));
        var participant = new Participant(id, ctx.Caller.OrganisationId, ParticipantStatus.Submitted, details, hash,
            null, 1, new PendingReview(1, ChangeKind.Initial, ParticipantStatus.Submitted, null), 0, ctx.BlockTime, ctx.BlockTime, null);
        ctx.State.Put(RegistryKeys.Participant(id), participant);
        ctx.State.Put(ParticipantDirectory.ByOrganisationKey(participant.OrganisationId, id), new CodeClaim(id));
        ctx.Emit("ParticipantApplied", new { participantId = id, organisationId = participant.OrganisationId, creditCode = details.CreditCode, type = details.Type, recordHash = hash });
        return new { participantId = id, version = 1, recordHash = hash };
    }

    [ContractMethod("startReview")]
    public object StartReview(ContractContext ctx, ParticipantArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        var p = Load(ctx, args.ParticipantId);
        var pending = RequireStage(p, ParticipantStatus.Submitted, ParticipantStatus.Resubmitted);
        Save(ctx, p, pending with { Stage = ParticipantStatus.UnderReview }, null);
        ctx.Emit("ReviewStarted", new { participantId = p.Id, version = pending.Version, reviewer = ctx.Caller.OrganisationId });
        return new { participantId = p.Id, stage = ParticipantStatus.UnderReview };
    }

    [ContractMethod("requestChanges")]
    public object RequestChanges(ContractContext ctx, DecisionArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        RequireReason(args.Reason);
        var p = Load(ctx, args.ParticipantId);
        var pending = RequireStage(p, ParticipantStatus.UnderReview);
        SetVersionStatus(ctx, p.Id, pending.Version, VersionStatus.Returned, null, args.Reason);
        Save(ctx, p, pending with { Stage = ParticipantStatus.ChangesRequested }, args.Reason);
        ctx.Emit("ChangesRequested", new { participantId = p.Id, version = pending.Version, reason = args.Reason });
        return new { participantId = p.Id, stage = ParticipantStatus.ChangesRequested };
    }

    /// <summary>The applicant answers a request for changes with a new version (its minor fields stay those in force for a major change).</summary>
    [ContractMethod("resubmit")]
    public object Resubmit(ContractContext ctx, DetailsArgs args)
    {
        var p = Load(ctx, args.ParticipantId);
        RequireApplicant(ctx, p);
        var pending = RequireStage(p, ParticipantStatus.ChangesRequested);
        var details = Validate(ctx, args.Details, p.OrganisationId);
        var previous = Version(ctx, p.Id, pending.Version);
        if (pending.Kind == ChangeKind.Major)
        {
            var inForce = Version(ctx, p.Id, p.InForceVersion!.Value).Details;
            details = details.WithMinorFieldsOf(inForce);
            ContractContext.Require(!details.SameMajorFields(inForce), "a major change must change the name, credit code, type or provinces");
        }
        ReclaimCode(ctx, p, previous.Details.CreditCode, details.CreditCode);
        var version = p.LatestVersion + 1;
        var hash = WriteVersion(ctx, p.Id, version, pending.Kind, VersionStatus.Proposed, details, null, null);
        var updated = p with { LatestVersion = version };
        if (p.InForceVersion is null) updated = updated with { Details = details, RecordHash = hash };
        Save(ctx, updated, new PendingReview(version, pending.Kind, ParticipantStatus.Resubmitted, null), null);
        ctx.Emit("Resubmitted", new { participantId = p.Id, version, recordHash = hash });
        return new { participantId = p.Id, version, recordHash = hash };
    }

    [ContractMethod("approve")]
    public object Approve(ContractContext ctx, ApproveArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        var p = Load(ctx, args.ParticipantId);
        var pending = RequireStage(p, ParticipantStatus.UnderReview);
        var settings = Settings(ctx.State);
        ContractContext.Require(args.DisclosurePeriodMs >= settings.MinDisclosureMs && args.DisclosurePeriodMs <= settings.MaxDisclosureMs,
            $"the disclosure period must be between {settings.MinDisclosureMs} and {settings.MaxDisclosureMs} ms");
        var endsAt = checked(ctx.BlockTime + args.DisclosurePeriodMs);
        Save(ctx, p, pending with { Stage = ParticipantStatus.Disclosure, DisclosureEndsAt = endsAt }, null);
        ctx.Emit("DisclosureStarted", new { participantId = p.Id, version = pending.Version, endsAt });
        return new { participantId = p.Id, disclosureEndsAt = endsAt };
    }

    /// <summary>Any member may comment or object while the disclosure period runs.</summary>
    [ContractMethod("comment")]
    public object Comment(ContractContext ctx, CommentArgs args)
    {
        ContractContext.Require(!string.IsNullOrWhiteSpace(args.Text) && args.Text.Length <= MaxCommentLength, $"a comment is 1..{MaxCommentLength} characters");
        var p = Load(ctx, args.ParticipantId);
        var pending = RequireStage(p, ParticipantStatus.Disclosure);
        ContractContext.Require(ctx.BlockTime < pending.DisclosureEndsAt, "the disclosure period has ended");
        var seq = p.CommentCount + 1;
        ctx.State.Put(RegistryKeys.Comment(p.Id, seq), new DisclosureComment(p.Id, seq, pending.Version, ctx.Caller.OrganisationId,
            ctx.Caller.CertificateId, args.Text, args.Objection, ctx.BlockTime, false, null));
        ctx.State.Put(RegistryKeys.Participant(p.Id), p with { CommentCount = seq, UpdatedAt = ctx.BlockTime });
        ctx.Emit(args.Objection ? "ObjectionRecorded" : "CommentRecorded", new { participantId = p.Id, seq, organisationId = ctx.Caller.OrganisationId });
        return new { participantId = p.Id, seq };
    }

    /// <summary>A TradingCenter upholds an objection: the version goes back to the applicant for changes.</summary>
    [ContractMethod("upholdObjection")]
    public object UpholdObjection(ContractContext ctx, UpholdArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        RequireReason(args.Reason);
        var p = Load(ctx, args.ParticipantId);
        var pending = RequireStage(p, ParticipantStatus.Disclosure);
        var comment = ctx.State.Get<DisclosureComment>(RegistryKeys.Comment(p.Id, args.CommentSeq))
                      ?? throw new ContractException($"comment {args.CommentSeq} of \"{p.Id}\" does not exist");
        ContractContext.Require(comment.Objection, "only an objection can be upheld");
        ContractContext.Require(comment.Version == pending.Version, "the objection was made against an earlier version");
        ctx.State.Put(RegistryKeys.Comment(p.Id, comment.Seq), comment with { Upheld = true, Decision = args.Reason });
        SetVersionStatus(ctx, p.Id, pending.Version, VersionStatus.Returned, null, args.Reason);
        Save(ctx, p, pending with { Stage = ParticipantStatus.ChangesRequested, DisclosureEndsAt = null }, args.Reason);
        ctx.Emit("ObjectionUpheld", new { participantId = p.Id, seq = comment.Seq, reason = args.Reason });
        return new { participantId = p.Id, stage = ParticipantStatus.ChangesRequested };
    }

    /// <summary>After the disclosure period has elapsed (by block time), the version comes into force.</summary>
    [ContractMethod("activate")]
    public object Activate(ContractContext ctx, ParticipantArgs args)
    {
        var p = Load(ctx, args.ParticipantId);
        ContractContext.Require(ctx.Caller.Acts(Roles.TradingCenter) || IsApplicant(ctx, p), "only a TradingCenter or the applicant may activate a registration");
        var pending = RequireStage(p, ParticipantStatus.Disclosure);
        ContractContext.Require(ctx.BlockTime >= pending.DisclosureEndsAt, $"the disclosure period runs until {pending.DisclosureEndsAt}");
        var proposed = Version(ctx, p.Id, pending.Version);
        var details = proposed.Details;
        if (p.InForceVersion is { } current)
        {
            var inForce = Version(ctx, p.Id, current);
            // Minor changes made while the major change was under review stay: the change only replaces major fields.
            details = details.WithMinorFieldsOf(inForce.Details);
            SetVersionStatus(ctx, p.Id, current, VersionStatus.Superseded, null, null);
            if (inForce.Details.CreditCode != details.CreditCode) ctx.State.Delete(RegistryKeys.Code(inForce.Details.CreditCode));
        }
        var hash = SetVersionStatus(ctx, p.Id, pending.Version, VersionStatus.InForce, ctx.BlockTime, null, details);
        var status = p.Status == ParticipantStatus.Suspended ? ParticipantStatus.Suspended : ParticipantStatus.Active;
        var activated = p with { Status = status, Details = details, RecordHash = hash, InForceVersion = pending.Version, Pending = null, UpdatedAt = ctx.BlockTime };
        ctx.State.Put(RegistryKeys.Participant(p.Id), activated);
        ctx.Emit("ParticipantActivated", new { participantId = p.Id, version = pending.Version, kind = pending.Kind, recordHash = hash });
        return new { participantId = p.Id, version = pending.Version, recordHash = hash };
    }

    [ContractMethod("suspend")]
    public object Suspend(ContractContext ctx, DecisionArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        RequireReason(args.Reason);
        var p = Load(ctx, args.ParticipantId);
        RequireStatus(p, ParticipantStatus.Active);
        ctx.State.Put(RegistryKeys.Participant(p.Id), p with { Status = ParticipantStatus.Suspended, LastReason = args.Reason, UpdatedAt = ctx.BlockTime });
        ctx.Emit("ParticipantSuspended", new { participantId = p.Id, reason = args.Reason });
        return new { participantId = p.Id, status = ParticipantStatus.Suspended };
    }

    [ContractMethod("reinstate")]
    public object Reinstate(ContractContext ctx, DecisionArgs args)
    {
        ctx.RequireRole(Roles.TradingCenter);
        RequireReason(args.Reason);
        var p = Load(ctx, args.ParticipantId);
        RequireStatus(p, ParticipantStatus.Suspended);
        ctx.State.Put(RegistryKeys.Participant(p.Id), p with { Status = ParticipantStatus.Active, LastReason = args.Reason, UpdatedAt = ctx.BlockTime });
        ctx.Emit("ParticipantReinstated", new { participantId = p.Id, reason = args.Reason });
        return new { participantId = p.Id, status = ParticipantStatus.Active };
    }

    /// <summary>
    /// The participant leaves the market (or a TradingCenter removes it: a forced exit, which counts against its credit).
    /// Refused while its organisation has open obligations. A pending major change is withdrawn with it.
    /// </summary>
    [ContractMethod("exit")]
    public object Exit(ContractContext ctx, DecisionArgs args)
    {
        RequireReason(args.Reason);
        var p = Load(ctx, args.ParticipantId);
        var byApplicant = IsApplicant(ctx, p);
        ContractContext.Require(byApplicant || ctx.Caller.Acts(Roles.TradingCenter), "only the participant or a TradingCenter may exit a registration");
        RequireStatus(p, ParticipantStatus.Active, ParticipantStatus.Suspended);
        var open = OpenObligations.Count(ctx.State, p.OrganisationId);
        ContractContext.Require(open == 0, $"organisation \"{p.OrganisationId}\" has {open} open obligation(s): settle them before exiting");
        if (p.Pending is { } pending)
        {
            var withdrawn = Version(ctx, p.Id, pending.Version);
            SetVersionStatus(ctx, p.Id, pending.Version, VersionStatus.Withdrawn, null, "withdrawn by the exit");
            if (withdrawn.Details.CreditCode != p.Details.CreditCode) ctx.State.Delete(RegistryKeys.Code(withdrawn.Details.CreditCode));
        }
        ctx.State.Put(RegistryKeys.Participant(p.Id), p with { Status = ParticipantStatus.Exited, Pending = null, LastReason = args.Reason, UpdatedAt = ctx.BlockTime });
        CreditEvents.Record(ctx.State, p.OrganisationId, CreditEventKind.Exit, byApplicant ? 0 : 1, $"registry:{p.Id}", ctx.BlockTime, ctx.Caller.CertificateId);
        ctx.Emit("ParticipantExited", new { participantId = p.Id, reason = args.Reason, forced = !byApplicant });
        return new { participantId = p.Id, status = ParticipantStatus.Exited };
    }

    /// <summary>Capacity, contacts and documents: a new version in force at once.</summary>
    [ContractMethod("changeMinor")]
    public object ChangeMinor(ContractContext ctx, MinorChangeArgs args)
    {
        var p = Load(ctx, args.ParticipantId);
        RequireApplicant(ctx, p);
        RequireStatus(p, ParticipantStatus.Active, ParticipantStatus.Suspended);
        var current = Version(ctx, p.Id, p.InForceVersion!.Value);
        var details = Validate(ctx, current.Details with { CapacityKw1000 = args.CapacityKw1000, Contacts = args.Contacts, Documents = args.Documents }, p.OrganisationId);
        ContractContext.Require(CanonicalJson.SerializeToString(details) != CanonicalJson.SerializeToString(current.Details), "nothing changed");
        SetVersionStatus(ctx, p.Id, current.Version, VersionStatus.Superseded, null, null);
        var version = p.LatestVersion + 1;
        var hash = WriteVersion(ctx, p.Id, version, ChangeKind.Minor, VersionStatus.InForce, details, ctx.BlockTime, null);
        ctx.State.Put(RegistryKeys.Participant(p.Id), p with { Details = details, RecordHash = hash, InForceVersion = version, LatestVersion = version, UpdatedAt = ctx.BlockTime });
        ctx.Emit("MinorChangeInForce", new { participantId = p.Id, version, recordHash = hash });
        return new { participantId = p.Id, version, recordHash = hash };
    }

    /// <summary>Name, credit code, type or provinces: reviewed and disclosed again; the version in force stays in force meanwhile.</summary>
    [ContractMethod("proposeChange")]
    public object ProposeChange(ContractContext ctx, DetailsArgs args)
    {
        var p = Load(ctx, args.ParticipantId);
        RequireApplicant(ctx, p);
        RequireStatus(p, ParticipantStatus.Active, ParticipantStatus.Suspended);
        ContractContext.Require(p.Pending is null, $"version {p.Pending?.Version} of \"{p.Id}\" is already under review");
        var current = Version(ctx, p.Id, p.InForceVersion!.Value);
        var details = Validate(ctx, args.Details, p.OrganisationId).WithMinorFieldsOf(current.Details);
        ContractContext.Require(!details.SameMajorFields(current.Details), "a major change must change the name, credit code, type or provinces");
        ReclaimCode(ctx, p, current.Details.CreditCode, details.CreditCode);
        var version = p.LatestVersion + 1;
        var hash = WriteVersion(ctx, p.Id, version, ChangeKind.Major, VersionStatus.Proposed, details, null, null);
        Save(ctx, p with { LatestVersion = version }, new PendingReview(version, ChangeKind.Major, ParticipantStatus.Submitted, null), null);
        ctx.Emit("MajorChangeProposed", new { participantId = p.Id, version, recordHash = hash });
        return new { participantId = p.Id, version, recordHash = hash };
    }

    // ---- rules ---------------------------------------------------------------------------------------------------

    public static RegistrySettings Settings(ContractState state) => state.Get<RegistrySettings>(RegistryKeys.Settings) ?? RegistrySettings.Default;

    /// <summary>Governance changes the settings (Governance/GovernanceContract executes the proposal).</summary>
    public static void SetSettings(ContractContext ctx, RegistrySettings settings)
    {
        if (settings.Explain() is { } error) throw new ContractException(error);
        ctx.State.Put(RegistryKeys.Settings, settings);
        ctx.Emit("RegistrySettingsChanged", settings);
    }

    /// <summary>The participant type each consortium role may register as.</summary>
    public static string RoleFor(ParticipantType type) => type switch
    {
        ParticipantType.Generator => Roles.Generator,
        ParticipantType.Retailer => Roles.Retailer,
        ParticipantType.LargeConsumer => Roles.Consumer,
        ParticipantType.Aggregator => Roles.Aggregator,
        ParticipantType.GridCompany => Roles.GridCompany,
        ParticipantType.EnergyStorage => Roles.Generator,
        _ => throw new ContractException($"unknown participant type {type}"),
    };

    /// <summary>Types that trade a physical quantity must state their capacity or load.</summary>
    public static bool NeedsCapacity(ParticipantType type) => type is not (ParticipantType.Retailer or ParticipantType.GridCompany);

    private static ParticipantDetails Validate(ContractContext ctx, ParticipantDetails? details, string organisationId)
    {
        ContractContext.Require(details is not null, "registration details are required");
        var d = details!;
        ContractContext.Require(!string.IsNullOrWhiteSpace(d.LegalName) && d.LegalName.Length <= 200 && d.LegalName.Trim() == d.LegalName,
            "the legal name is 1..200 characters without leading or trailing spaces");
        if (UnifiedSocialCreditCode.Explain(d.CreditCode) is { } codeError) throw new ContractException($"invalid credit code: {codeError}");
        ContractContext.Require(Enum.IsDefined(d.Type), "unknown participant type");
        var organisation = ctx.State.Get<ConsortiumPortal.Chain.Membership.Organisation>(ConsortiumPortal.Chain.Membership.MembershipContract.Keys.Organisation(organisationId))
                           ?? throw new ContractException($"organisation \"{organisationId}\" is not a member");
        var role = RoleFor(d.Type);
        ContractContext.Require(organisation.Roles.Contains(role), $"a {d.Type} must be registered by an organisation holding the {role} role");
        ContractContext.Require(d.Provinces is { Count: > 0 }, "at least one province is required");
        foreach (var province in d.Provinces!) ContractContext.Require(Provinces.IsKnown(province), $"unknown province \"{province}\"");
        ContractContext.Require(d.Provinces.Distinct().Count() == d.Provinces.Count, "a province is listed twice");
        ContractContext.Require(d.CapacityKw1000 >= 0 && d.CapacityKw1000 <= MaxCapacityKw1000, "capacity must be between 0 and 1,000 GW");
        ContractContext.Require(!NeedsCapacity(d.Type) || d.CapacityKw1000 > 0, $"a {d.Type} must state its capacity or load");
        ContractContext.Require(d.Contacts is { Count: > 0 and <= 10 }, "one to ten contacts are required");
        foreach (var c in d.Contacts!)
            ContractContext.Require(!string.IsNullOrWhiteSpace(c.Name) && c.Name.Length <= 100 && c.Title.Length <= 100 && c.Phone.Length <= 40
                                    && c.Email.Length <= 200 && (c.Phone.Length > 0 || c.Email.Contains('@')), "each contact needs a name and a phone number or e-mail address");
        ContractContext.Require(d.Documents is { Count: <= 50 }, "at most 50 documents");
        foreach (var doc in d.Documents!)
            ContractContext.Require(!string.IsNullOrWhiteSpace(doc.Title) && doc.Title.Length <= 200 && IsSm3Hex(doc.Sm3),
                "each document needs a title and its SM3 hash as 64 lower-case hex characters");
        // Provinces are a set: stored sorted so the same registration always has the same record hash.
        return d with { Provinces = d.Provinces.Order(StringComparer.Ordinal).ToArray() };
    }

    private static bool IsSm3Hex(string? hash) => hash is { Length: 64 } && hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>SM3 of the canonical JSON of {participantId, version, details}: the record hash shown everywhere.</summary>
    public static string RecordHash(string participantId, int version, ParticipantDetails details) =>
        Hex.Encode(Sm3.Hash(CanonicalJson.Serialize(new { participantId, version, details })));

    private static void RequireCodeFree(ContractState state, string code, string? participantId)
    {
        var claim = state.Get<CodeClaim>(RegistryKeys.Code(code));
        ContractContext.Require(claim is null || claim.ParticipantId == participantId,
            $"credit code {code} is already registered (participant {claim?.ParticipantId})");
    }

    /// <summary>Moves the claim on a credit code when a proposed version names another one; the code in force stays claimed.</summary>
    private static void ReclaimCode(ContractContext ctx, Participant p, string previousCode, string newCode)
    {
        if (previousCode == newCode) return;
        RequireCodeFree(ctx.State, newCode, p.Id);
        if (previousCode != (p.InForceVersion is null ? null : p.Details.CreditCode)) ctx.State.Delete(RegistryKeys.Code(previousCode));
        ctx.State.Put(RegistryKeys.Code(newCode), new CodeClaim(p.Id));
    }

    private static void RequireActsForOrganisation(ContractContext ctx) =>
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin || ctx.Caller.ActsForBusiness,
            "only a person acting for the organisation (its admin or a business role) may do this");

    private static bool IsApplicant(ContractContext ctx, Participant p) =>
        ctx.Caller.OrganisationId == p.OrganisationId && (ctx.Caller.IsOrganisationAdmin || ctx.Caller.ActsForBusiness);

    private static void RequireApplicant(ContractContext ctx, Participant p) =>
        ContractContext.Require(IsApplicant(ctx, p), $"only organisation \"{p.OrganisationId}\" (its admin or a business role) may change its registration");

    private static PendingReview RequireStage(Participant p, params ParticipantStatus[] stages)
    {
        var pending = p.Pending;
        ContractContext.Require(pending is not null && stages.Contains(pending.Stage),
            $"participant \"{p.Id}\" is {(pending is null ? p.Status.ToString() : pending.Stage.ToString())}, not {string.Join(" or ", stages)}");
        return pending!;
    }

    private static void RequireStatus(Participant p, params ParticipantStatus[] statuses) =>
        ContractContext.Require(statuses.Contains(p.Status), $"participant \"{p.Id}\" is {p.Status}, not {string.Join(" or ", statuses)}");

    private static void RequireReason(string reason) =>
        ContractContext.Require(!string.IsNullOrWhiteSpace(reason) && reason.Length <= MaxReasonLength, $"a reason of 1..{MaxReasonLength} characters is required");

    private static Participant Load(ContractContext ctx, string id) =>
        ctx.State.Get<Participant>(RegistryKeys.Participant(id ?? "")) ?? throw new ContractException($"participant \"{id}\" does not exist");

    private static ParticipantVersion Version(ContractContext ctx, string id, int version) =>
        ctx.State.Get<ParticipantVersion>(RegistryKeys.Version(id, version)) ?? throw new ContractException($"version {version} of \"{id}\" does not exist");

    /// <summary>Stores the pending review; an applicant not yet in force shows the stage as its status.</summary>
    private static void Save(ContractContext ctx, Participant p, PendingReview pending, string? reason)
    {
        var status = p.InForceVersion is null ? pending.Stage : p.Status;
        ctx.State.Put(RegistryKeys.Participant(p.Id), p with { Pending = pending, Status = status, UpdatedAt = ctx.BlockTime, LastReason = reason ?? p.LastReason });
    }

    private static string WriteVersion(ContractContext ctx, string id, int version, ChangeKind kind, VersionStatus status, ParticipantDetails details, long? effectiveAt, string? note)
    {
        var hash = RecordHash(id, version, details);
        ctx.State.Put(RegistryKeys.Version(id, version), new ParticipantVersion(id, version, kind, status, details, hash,
            ctx.BlockTime, ctx.Caller.CertificateId, ctx.TxId, effectiveAt, note));
        return hash;
    }

    private static string SetVersionStatus(ContractContext ctx, string id, int version, VersionStatus status, long? effectiveAt, string? note, ParticipantDetails? details = null)
    {
        var v = Version(ctx, id, version);
        var finalDetails = details ?? v.Details;
        var hash = RecordHash(id, version, finalDetails);
        ctx.State.Put(RegistryKeys.Version(id, version), v with
        {
            Status = status, Details = finalDetails, RecordHash = hash, EffectiveAt = effectiveAt ?? v.EffectiveAt, Note = note ?? v.Note,
        });
        return hash;
    }
}
