using System.Globalization;
using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Settlement;
using static ConsortiumPortal.Contracts.DemandResponse.DemandResponseState;

namespace ConsortiumPortal.Contracts.DemandResponse;

/// <summary>A meter's enrolment in an event, indexed under the meter: the day is a prior event day for its later baselines.</summary>
public sealed record DrMeterEvent(string EventId, long Day);

/// <summary>Every event a meter is enrolled in (not cancelled, not opted out of), ordered by event id.</summary>
public sealed record DrMeterEvents(IReadOnlyList<DrMeterEvent> Events);

/// <summary>
/// Demand response (docs/demand-response.md), modelled on OpenADR 3's programs, events and reports.
/// <list type="bullet">
/// <item>A person acting as GridCompany defines programmes and publishes, updates and cancels its organisation's events;
/// an update or cancellation is refused once the event has started, a publication whose notice deadline has passed.</item>
/// <item>Until the notice deadline a Consumer enrols its own organisation's meters, an Aggregator the meters whose owners
/// authorised it (and its own): one enrolment per organisation per event, each meter in one enrolment, every meter served by
/// the event's grid company on its feeder/province. Opting out is allowed until the same deadline.</item>
/// <item>After the event the grid company settles it, in pages of participants: every baseline is computed here from the
/// recorded intervals (<see cref="Baselines"/>), excluding the meter's prior event days and outage days; delivered =
/// max(0, baseline - actual) per interval, credited = min(delivered, committed); the grid company pays
/// price x credited, the participant pays the penalty price on the shortfall below the minimum performance (as far as its
/// balance allows); an aggregator passes its net payout to its members pro rata to their meters' delivered energy,
/// summing exactly. A participant is settled once (its result key); a cancelled event settles nothing.</item>
/// </list>
/// </summary>
public sealed partial class DemandResponseContract : Contract
{
    public const string ContractName = "demand-response";
    public override string Name => ContractName;

    public const int MaxMetersPerEnrolment = 1_000;
    /// <summary>Participants settled by one transaction at most: bounds one block's work; larger events settle in pages.</summary>
    public const int MaxParticipantsPerSettlement = 2_000;
    public const long MaxNoticeMs = 7 * Baselines.DayMs;
    public const long MaxPriceFenPerKwh = 100_000;

    public sealed record DefineProgramArgs(
        string ProgramId, string Name, string BaselineMethod, long IncentiveFenPerKwh, long PenaltyFenPerKwh,
        long MinPerformancePermille, long NoticeMs, long MinCommittedW, IReadOnlyList<string>? Provinces);

    public sealed record PublishEventArgs(string EventId, string ProgramId, string? FeederId, string? Province, long Start, long End, long TargetW);

    public sealed record UpdateEventArgs(string EventId, long Start, long End, long TargetW);

    public sealed record CancelEventArgs(string EventId, string Reason);

    public sealed record AggregatorArgs(string MeterId, string AggregatorId);

    public sealed record MeterArgs(string MeterId);

    public sealed record EnrolArgs(string EventId, IReadOnlyList<string> MeterIds, long CommittedW);

    public sealed record EventArgs(string EventId);

    /// <param name="Participants">the organisations to settle; null: the next unsettled ones, up to <paramref name="Limit"/></param>
    public sealed record SettleEventArgs(string EventId, IReadOnlyList<string>? Participants = null, int? Limit = null);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    // ---- programmes and events (grid company) ---------------------------------------------------------------------

    [ContractMethod("defineProgram")]
    public object DefineProgram(ContractContext ctx, DefineProgramArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        RequireId(args.ProgramId, "programme id");
        RequireText(args.Name, 128, "programme name");
        ContractContext.Require(Baselines.Methods.Contains(args.BaselineMethod), $"baseline method must be {string.Join(" or ", Baselines.Methods)}");
        ContractContext.Require(args.IncentiveFenPerKwh is > 0 and <= MaxPriceFenPerKwh, $"incentive price must be 1..{MaxPriceFenPerKwh} fen/kWh");
        ContractContext.Require(args.PenaltyFenPerKwh is >= 0 and <= MaxPriceFenPerKwh, $"penalty price must be 0..{MaxPriceFenPerKwh} fen/kWh");
        ContractContext.Require(args.MinPerformancePermille is >= 0 and <= 1000, "minimum performance is 0..1000 permille");
        ContractContext.Require(args.NoticeMs is >= 0 and <= MaxNoticeMs && args.NoticeMs % Baselines.IntervalMs == 0, "notice period is 0..7 days in whole 15-minute steps");
        ContractContext.Require(args.MinCommittedW >= 0, "minimum commitment cannot be negative");
        var provinces = (args.Provinces ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        foreach (var p in provinces) RequireText(p, 64, "province");
        ContractContext.Require(!ctx.State.Exists(ProgramKey(args.ProgramId)), $"programme {args.ProgramId} already exists");
        var program = new DrProgram(args.ProgramId, args.Name, ctx.Caller.OrganisationId, args.BaselineMethod, args.IncentiveFenPerKwh,
            args.PenaltyFenPerKwh, args.MinPerformancePermille, args.NoticeMs, args.MinCommittedW, provinces, ctx.BlockTime, ctx.Caller.CertificateId);
        ctx.State.Put(ProgramKey(program.ProgramId), program);
        ctx.Emit("ProgramDefined", new { programId = program.ProgramId, gridCompanyId = program.GridCompanyId, baselineMethod = program.BaselineMethod });
        return new { programId = program.ProgramId };
    }

    [ContractMethod("publishEvent")]
    public object PublishEvent(ContractContext ctx, PublishEventArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        RequireId(args.EventId, "event id");
        var program = ctx.State.Get<DrProgram>(ProgramKey(args.ProgramId)) ?? throw new ContractException($"programme {args.ProgramId} does not exist");
        ContractContext.Require(program.GridCompanyId == ctx.Caller.OrganisationId, $"programme {program.ProgramId} belongs to {program.GridCompanyId}");
        ContractContext.Require(!ctx.State.Exists(EventKey(args.EventId)), $"event {args.EventId} already exists");
        if (args.FeederId is not null) RequireId(args.FeederId, "feeder id");
        if (args.Province is not null) RequireText(args.Province, 64, "province");
        RequireWindow(ctx, program, args.Start, args.End);
        ContractContext.Require(args.TargetW > 0, "target reduction must be positive (W)");
        var ev = new DrEvent(args.EventId, program.ProgramId, program.GridCompanyId, args.FeederId, args.Province, args.Start, args.End,
            args.TargetW, DrEventStatus.Published, 1, ctx.BlockTime, args.Start - program.NoticeMs, 0, 0, 0, 0, 0, 0, null);
        ctx.State.Put(EventKey(ev.EventId), ev);
        ctx.Emit("EventPublished", new { eventId = ev.EventId, programId = ev.ProgramId, start = ev.Start, end = ev.End, targetW = ev.TargetW, feederId = ev.FeederId, province = ev.Province });
        return new { eventId = ev.EventId, noticeDeadline = ev.NoticeDeadline };
    }

    [ContractMethod("updateEvent")]
    public object UpdateEvent(ContractContext ctx, UpdateEventArgs args)
    {
        var (ev, program) = OwnEventBeforeStart(ctx, args.EventId, "updated");
        ContractContext.Require(args.TargetW > 0, "target reduction must be positive (W)");
        if (args.Start != ev.Start || args.End != ev.End)
        {
            RequireWindow(ctx, program, args.Start, args.End);
            // Enrolled meters index the event's day as a prior event day: the window stays on its day.
            ContractContext.Require(Baselines.DayStartOf(args.Start) == Baselines.DayStartOf(ev.Start), "a rescheduled event stays on its UTC day; cancel it and publish another");
        }
        var updated = ev with { Start = args.Start, End = args.End, TargetW = args.TargetW, Version = ev.Version + 1, NoticeDeadline = args.Start - program.NoticeMs };
        ctx.State.Put(EventKey(ev.EventId), updated);
        ctx.Emit("EventUpdated", new { eventId = ev.EventId, version = updated.Version, start = updated.Start, end = updated.End, targetW = updated.TargetW });
        return new { eventId = ev.EventId, version = updated.Version };
    }

    [ContractMethod("cancelEvent")]
    public object CancelEvent(ContractContext ctx, CancelEventArgs args)
    {
        var (ev, _) = OwnEventBeforeStart(ctx, args.EventId, "cancelled");
        RequireText(args.Reason, 256, "cancellation reason");
        // Enrolments stay as history; their obligations close and their day stops counting as an event day.
        foreach (var (_, enrolment) in ctx.State.Scan<DrEnrolment>(EnrolmentsOf(ev.EventId)).ToList())
        {
            foreach (var meter in enrolment.MeterIds) UnindexMeterEvent(ctx, meter, ev.EventId);
            ctx.State.Delete(PendingKey(ev.EventId, enrolment.ParticipantId));
            OpenObligations.Close(ctx.State, enrolment.ParticipantId, ObligationKind, ev.EventId);
        }
        ctx.State.Put(EventKey(ev.EventId), ev with { Status = DrEventStatus.Cancelled, CancelReason = args.Reason, Version = ev.Version + 1 });
        ctx.Emit("EventCancelled", new { eventId = ev.EventId, reason = args.Reason, participants = ev.Participants });
        return new { eventId = ev.EventId };
    }

    // ---- aggregator membership (meter owner) ----------------------------------------------------------------------

    [ContractMethod("authoriseAggregator")]
    public object AuthoriseAggregator(ContractContext ctx, AggregatorArgs args)
    {
        var meter = OwnMeter(ctx, args.MeterId);
        var aggregator = ctx.State.Get<Organisation>(MembershipContract.Keys.Organisation(args.AggregatorId ?? ""))
            ?? throw new ContractException($"organisation {args.AggregatorId} is not a member of the consortium");
        ContractContext.Require(aggregator.Roles.Contains(Roles.Aggregator), $"{aggregator.Id} is not an aggregator");
        ContractContext.Require(aggregator.Id != meter.OrganisationId, "an aggregator enrols its own meters without authorisation");
        ContractContext.Require(ctx.State.Get<DrMembership>(MeterAggregatorKey(meter.MeterId)) is null, $"meter {meter.MeterId} already has an aggregator; revoke it first");
        var membership = new DrMembership(aggregator.Id, meter.MeterId, meter.OrganisationId, ctx.Caller.CertificateId, ctx.BlockTime);
        ctx.State.Put(MemberKey(aggregator.Id, meter.MeterId), membership);
        ctx.State.Put(MeterAggregatorKey(meter.MeterId), membership);
        ctx.Emit("AggregatorAuthorised", new { meterId = meter.MeterId, aggregatorId = aggregator.Id, ownerId = meter.OrganisationId });
        return new { meterId = meter.MeterId, aggregatorId = aggregator.Id };
    }

    [ContractMethod("revokeAggregator")]
    public object RevokeAggregator(ContractContext ctx, MeterArgs args)
    {
        var meter = OwnMeter(ctx, args.MeterId);
        var membership = ctx.State.Get<DrMembership>(MeterAggregatorKey(meter.MeterId)) ?? throw new ContractException($"meter {meter.MeterId} has no aggregator");
        // Enrolments already made stay: they are settled as bid.
        ctx.State.Delete(MemberKey(membership.AggregatorId, meter.MeterId));
        ctx.State.Delete(MeterAggregatorKey(meter.MeterId));
        ctx.Emit("AggregatorRevoked", new { meterId = meter.MeterId, aggregatorId = membership.AggregatorId });
        return new { meterId = meter.MeterId };
    }

    // ---- enrolment (consumers and aggregators) --------------------------------------------------------------------

    [ContractMethod("enrol")]
    public object Enrol(ContractContext ctx, EnrolArgs args)
    {
        var kind = ParticipantKind(ctx);
        var participant = ctx.Caller.OrganisationId;
        var ev = GetEvent(ctx, args.EventId);
        ContractContext.Require(ev.Status == DrEventStatus.Published, $"event {ev.EventId} is {ev.Status}");
        ContractContext.Require(ctx.BlockTime < ev.NoticeDeadline, $"enrolment for event {ev.EventId} closed at its notice deadline {Iso(ev.NoticeDeadline)}");
        var program = ctx.State.Get<DrProgram>(ProgramKey(ev.ProgramId))!;
        ContractContext.Require(!ctx.State.Exists(EnrolmentKey(ev.EventId, participant)), $"{participant} is already enrolled in event {ev.EventId}; opt out first to change the bid");
        ContractContext.Require(args.MeterIds is { Count: > 0 and <= MaxMetersPerEnrolment }, $"an enrolment names 1..{MaxMetersPerEnrolment} meters");
        var meterIds = args.MeterIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        ContractContext.Require(meterIds.Length == args.MeterIds.Count, "an enrolment names each meter once");
        ContractContext.Require(args.CommittedW > 0, "committed reduction must be positive (W)");
        ContractContext.Require(args.CommittedW >= program.MinCommittedW, $"programme {program.ProgramId} needs a commitment of at least {program.MinCommittedW} W");

        long capacity = 0;
        foreach (var meterId in meterIds)
        {
            var meter = MeteringState.GetMeter(ctx.State, meterId) ?? throw new ContractException($"meter {meterId} is not registered");
            if (meter.OrganisationId != participant)
            {
                ContractContext.Require(kind == DrParticipantKinds.Aggregator, $"meter {meterId} belongs to {meter.OrganisationId}, not {participant}");
                ContractContext.Require(ctx.State.Exists(MemberKey(participant, meterId)), $"meter {meterId} has not authorised aggregator {participant}");
            }
            ContractContext.Require(meter.Type != MeterTypes.Generation, $"meter {meterId} is a generation meter; only load can be reduced");
            ContractContext.Require(meter.GridCompanyId == ev.GridCompanyId, $"meter {meterId} is served by {meter.GridCompanyId}, not {ev.GridCompanyId}");
            ContractContext.Require(ev.FeederId is null || meter.FeederId == ev.FeederId, $"meter {meterId} is on feeder {meter.FeederId}, not {ev.FeederId}");
            ContractContext.Require(ev.Province is null || meter.Province == ev.Province, $"meter {meterId} is in {meter.Province}, not {ev.Province}");
            ContractContext.Require(program.Provinces.Count == 0 || program.Provinces.Contains(meter.Province), $"meter {meterId} is outside programme {program.ProgramId}'s provinces");
            ContractContext.Require(!ctx.State.Exists(EventMeterKey(ev.EventId, meterId)), $"meter {meterId} is already enrolled in event {ev.EventId}");
            capacity += meter.CapacityW;
        }
        ContractContext.Require(args.CommittedW <= capacity, $"committed reduction {args.CommittedW} W exceeds the meters' capacity of {capacity} W");

        var enrolment = new DrEnrolment(ev.EventId, participant, kind, meterIds, args.CommittedW, ctx.Caller.CertificateId, ctx.BlockTime);
        ctx.State.Put(EnrolmentKey(ev.EventId, participant), enrolment);
        ctx.State.PutInteger(PendingKey(ev.EventId, participant), 1);
        var day = Baselines.DayStartOf(ev.Start);
        foreach (var meterId in meterIds)
        {
            ctx.State.Put(EventMeterKey(ev.EventId, meterId), new { participantId = participant });
            var events = ctx.State.Get<DrMeterEvents>(MeterEventsKey(meterId))?.Events ?? [];
            ctx.State.Put(MeterEventsKey(meterId), new DrMeterEvents([.. events.Append(new DrMeterEvent(ev.EventId, day)).OrderBy(e => e.EventId, StringComparer.Ordinal)]));
        }
        OpenObligations.Open(ctx.State, participant, ObligationKind, ev.EventId);
        ctx.State.Put(EventKey(ev.EventId), ev with { Participants = ev.Participants + 1, CommittedW = ev.CommittedW + args.CommittedW });
        ctx.Emit("Enrolled", new { eventId = ev.EventId, participantId = participant, kind, meters = meterIds.Length, committedW = args.CommittedW });
        return new { eventId = ev.EventId, participantId = participant, kind };
    }

    [ContractMethod("optOut")]
    public object OptOut(ContractContext ctx, EventArgs args)
    {
        ParticipantKind(ctx);
        var participant = ctx.Caller.OrganisationId;
        var ev = GetEvent(ctx, args.EventId);
        var enrolment = ctx.State.Get<DrEnrolment>(EnrolmentKey(ev.EventId, participant)) ?? throw new ContractException($"{participant} is not enrolled in event {ev.EventId}");
        ContractContext.Require(ev.Status == DrEventStatus.Published, $"event {ev.EventId} is {ev.Status}");
        ContractContext.Require(ctx.BlockTime < ev.NoticeDeadline, $"opting out of event {ev.EventId} closed at its notice deadline {Iso(ev.NoticeDeadline)}");
        ctx.State.Delete(EnrolmentKey(ev.EventId, participant));
        ctx.State.Delete(PendingKey(ev.EventId, participant));
        foreach (var meterId in enrolment.MeterIds)
        {
            ctx.State.Delete(EventMeterKey(ev.EventId, meterId));
            UnindexMeterEvent(ctx, meterId, ev.EventId);
        }
        OpenObligations.Close(ctx.State, participant, ObligationKind, ev.EventId);
        ctx.State.Put(EventKey(ev.EventId), ev with { Participants = ev.Participants - 1, CommittedW = ev.CommittedW - enrolment.CommittedW });
        ctx.Emit("OptedOut", new { eventId = ev.EventId, participantId = participant });
        return new { eventId = ev.EventId, participantId = participant };
    }

    // ---- settlement (grid company, usually its meter-triggered job) ------------------------------------------------

    [ContractMethod("settleEvent")]
    public object SettleEvent(ContractContext ctx, SettleEventArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        var ev = GetEvent(ctx, args.EventId);
        ContractContext.Require(ev.GridCompanyId == ctx.Caller.OrganisationId, $"event {ev.EventId} belongs to {ev.GridCompanyId}");
        ContractContext.Require(ev.Status != DrEventStatus.Cancelled, $"event {ev.EventId} was cancelled: nothing to settle");
        ContractContext.Require(ev.Status != DrEventStatus.Settled, $"event {ev.EventId} is already settled");
        ContractContext.Require(ctx.BlockTime >= ev.End, $"event {ev.EventId} has not ended yet (ends {Iso(ev.End)})");
        var limit = Math.Min(args.Limit ?? MaxParticipantsPerSettlement, MaxParticipantsPerSettlement);
        ContractContext.Require(limit > 0, "limit must be positive");

        IReadOnlyList<string> candidates;
        if (args.Participants is { } named)
        {
            ContractContext.Require(named.Count is > 0 and <= MaxParticipantsPerSettlement, $"name 1..{MaxParticipantsPerSettlement} participants");
            ContractContext.Require(named.Distinct(StringComparer.Ordinal).Count() == named.Count, "name each participant once");
            foreach (var p in named)
                ContractContext.Require(ctx.State.Exists(EnrolmentKey(ev.EventId, p ?? "")), $"{p} is not enrolled in event {ev.EventId}");
            candidates = named.Where(p => ctx.State.Exists(PendingKey(ev.EventId, p))).Order(StringComparer.Ordinal).ToList();
            ContractContext.Require(candidates.Count > 0, $"{string.Join(", ", named)} already settled for event {ev.EventId}");
        }
        else
        {
            var prefix = PendingOf(ev.EventId);
            candidates = ctx.State.Scan<object>(prefix).Select(p => p.Key[prefix.Length..]).ToList();
        }

        var program = ctx.State.Get<DrProgram>(ProgramKey(ev.ProgramId))!;
        var outageDays = Performance.OutageDays(ctx.State.Scan<Outage>(MeteringState.OutagePrefix).Select(p => p.Value), ev);
        int settled = 0, pending = 0;
        long incentive = 0, penalty = 0, delivered = 0;
        foreach (var participant in candidates)
        {
            if (settled == limit) break;
            var enrolment = ctx.State.Get<DrEnrolment>(EnrolmentKey(ev.EventId, participant))!;
            var result = Performance.Evaluate(ctx.State, program, ev, enrolment, outageDays, ctx.BlockTime, ctx.TxId);
            if (result is null) { pending++; continue; }
            Pay(ctx, ev, result);
            ctx.State.Put(ResultKey(ev.EventId, participant), result);
            ctx.State.Delete(PendingKey(ev.EventId, participant));
            OpenObligations.Close(ctx.State, participant, ObligationKind, ev.EventId);
            CreditEvents.Record(ctx.State, participant, CreditEventKind.DemandResponse, Math.Min(200, result.PerformancePermille / 10),
                $"dr:{ev.EventId}", ctx.BlockTime, ctx.Caller.CertificateId);
            settled++;
            incentive += result.IncentiveFen;
            penalty += result.PenaltyCollectedFen;
            delivered += result.CreditedWh;
        }
        var closes = ev.Settled + settled == ev.Participants;
        ContractContext.Require(settled > 0 || closes,
            pending > 0 ? $"event {ev.EventId}: the readings of {pending} participant(s) for the event are not all recorded yet" : $"event {ev.EventId} has nothing left to settle");

        var updated = ev with
        {
            Settled = ev.Settled + settled, IncentiveFen = ev.IncentiveFen + incentive, PenaltyFen = ev.PenaltyFen + penalty,
            DeliveredWh = ev.DeliveredWh + delivered, Status = closes ? DrEventStatus.Settled : ev.Status,
        };
        ctx.State.Put(EventKey(ev.EventId), updated);
        ctx.Emit("ParticipantsSettled", new { eventId = ev.EventId, settled, pending, incentiveFen = incentive, penaltyFen = penalty, deliveredWh = delivered });
        if (closes) ctx.Emit("EventSettled", new { eventId = ev.EventId, participants = updated.Participants, incentiveFen = updated.IncentiveFen, penaltyFen = updated.PenaltyFen });
        return new { eventId = ev.EventId, settled, pending, remaining = updated.Participants - updated.Settled, incentiveFen = incentive, penaltyFen = penalty };
    }

    /// <summary>Moves the money of one settled participant; the amounts are already in <paramref name="result"/>.</summary>
    private static void Pay(ContractContext ctx, DrEvent ev, DrResult result)
    {
        var grid = ev.GridCompanyId;
        if (result.IncentiveFen > 0)
        {
            var funds = SettlementAccounts.Balance(ctx.State, grid);
            ContractContext.Require(funds >= result.IncentiveFen,
                $"{grid} cannot pay {result.IncentiveFen} fen to {result.ParticipantId}: its settlement account holds {funds} fen");
            SettlementAccounts.Transfer(ctx.State, grid, result.ParticipantId, result.IncentiveFen);
        }
        if (result.PenaltyCollectedFen > 0) SettlementAccounts.Transfer(ctx.State, result.ParticipantId, grid, result.PenaltyCollectedFen);
        foreach (var share in result.Shares)
            if (share.OrganisationId != result.ParticipantId && share.AmountFen > 0)
                SettlementAccounts.Transfer(ctx.State, result.ParticipantId, share.OrganisationId, share.AmountFen);
    }

    private static void UnindexMeterEvent(ContractContext ctx, string meterId, string eventId)
    {
        var remaining = (ctx.State.Get<DrMeterEvents>(MeterEventsKey(meterId))?.Events ?? []).Where(e => e.EventId != eventId).ToArray();
        if (remaining.Length == 0) ctx.State.Delete(MeterEventsKey(meterId));
        else ctx.State.Put(MeterEventsKey(meterId), new DrMeterEvents(remaining));
    }

    // ---- rules ----------------------------------------------------------------------------------------------------

    private static void RequireWindow(ContractContext ctx, DrProgram program, long start, long end)
    {
        ContractContext.Require(start % Baselines.IntervalMs == 0 && end % Baselines.IntervalMs == 0, "an event starts and ends on 15-minute boundaries");
        ContractContext.Require(end > start, "an event ends after it starts");
        ContractContext.Require(start >= MeteringState.EarliestInterval && end < MeteringState.LatestInterval, "event time is out of range");
        ContractContext.Require(end <= Baselines.DayStartOf(start) + Baselines.DayMs, "an event lies within one UTC day");
        ContractContext.Require(start - program.NoticeMs > ctx.BlockTime,
            $"the notice deadline {Iso(start - program.NoticeMs)} (start minus the programme's notice) has passed");
    }

    private static (DrEvent, DrProgram) OwnEventBeforeStart(ContractContext ctx, string eventId, string what)
    {
        ctx.RequireRole(Roles.GridCompany);
        var ev = GetEvent(ctx, eventId);
        ContractContext.Require(ev.GridCompanyId == ctx.Caller.OrganisationId, $"event {ev.EventId} belongs to {ev.GridCompanyId}");
        ContractContext.Require(ev.Status == DrEventStatus.Published, $"event {ev.EventId} is {ev.Status}");
        ContractContext.Require(ctx.BlockTime < ev.Start, $"event {ev.EventId} has started; it can no longer be {what}");
        return (ev, ctx.State.Get<DrProgram>(ProgramKey(ev.ProgramId))!);
    }

    private static DrEvent GetEvent(ContractContext ctx, string eventId) =>
        ctx.State.Get<DrEvent>(EventKey(eventId ?? "")) ?? throw new ContractException($"event {eventId} does not exist");

    /// <summary>A person acting as Aggregator enrols as an aggregator; one acting as Consumer as a consumer.</summary>
    private static string ParticipantKind(ContractContext ctx)
    {
        if (ctx.Caller.Acts(Roles.Aggregator)) return DrParticipantKinds.Aggregator;
        if (ctx.Caller.Acts(Roles.Consumer)) return DrParticipantKinds.Consumer;
        throw new ContractException("only a Consumer or an Aggregator may enrol in demand response");
    }

    /// <summary>The meter exists and the caller acts as Consumer for the organisation that owns it.</summary>
    private static Meter OwnMeter(ContractContext ctx, string meterId)
    {
        ctx.RequireRole(Roles.Consumer);
        var meter = MeteringState.GetMeter(ctx.State, meterId ?? "") ?? throw new ContractException($"meter {meterId} is not registered");
        ContractContext.Require(meter.OrganisationId == ctx.Caller.OrganisationId, $"meter {meterId} belongs to {meter.OrganisationId}, not {ctx.Caller.OrganisationId}");
        return meter;
    }

    private static void RequireId(string? id, string what) =>
        ContractContext.Require(id is not null && IdPattern().IsMatch(id), $"{what} must be 1..64 letters, digits, '.', '_' or '-'");

    private static void RequireText(string? text, int max, string what) =>
        ContractContext.Require(!string.IsNullOrWhiteSpace(text) && text.Length <= max, $"{what} of 1..{max} characters is required");

    internal static string Iso(long ms) => MeteringContract.Iso(ms);
}
