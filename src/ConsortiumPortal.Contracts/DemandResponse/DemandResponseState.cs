using ConsortiumPortal.Chain.Execution;

namespace ConsortiumPortal.Contracts.DemandResponse;

/// <summary>Where demand-response records live in world state (all under <c>dr/</c>).</summary>
public static class DemandResponseState
{
    public const string Prefix = "dr/";
    public const string ProgramPrefix = "dr/program/";
    public const string EventPrefix = "dr/event/";
    public const string EnrolmentPrefix = "dr/enrolment/";
    public const string PendingPrefix = "dr/pending/";
    public const string ResultPrefix = "dr/result/";
    public const string EventMeterPrefix = "dr/event-meter/";
    public const string MeterEventPrefix = "dr/meter-event/";
    public const string MemberPrefix = "dr/member/";
    public const string MeterAggregatorPrefix = "dr/meter-aggregator/";

    public static string ProgramKey(string programId) => ProgramPrefix + programId;
    public static string EventKey(string eventId) => EventPrefix + eventId;
    public static string EnrolmentsOf(string eventId) => $"{EnrolmentPrefix}{eventId}/";
    public static string EnrolmentKey(string eventId, string participantId) => $"{EnrolmentPrefix}{eventId}/{participantId}";
    /// <summary>Enrolments not settled yet: a settlement page scans these, so each page costs what it settles.</summary>
    public static string PendingOf(string eventId) => $"{PendingPrefix}{eventId}/";
    public static string PendingKey(string eventId, string participantId) => $"{PendingPrefix}{eventId}/{participantId}";
    public static string ResultsOf(string eventId) => $"{ResultPrefix}{eventId}/";
    public static string ResultKey(string eventId, string participantId) => $"{ResultPrefix}{eventId}/{participantId}";
    /// <summary>Which participant enrolled a meter in an event: a meter bids once per event.</summary>
    public static string EventMeterKey(string eventId, string meterId) => $"{EventMeterPrefix}{eventId}/{meterId}";
    /// <summary>The events a meter is enrolled in, with their UTC days: its prior event days, excluded from baselines (one point read).</summary>
    public static string MeterEventsKey(string meterId) => MeterEventPrefix + meterId;
    public static string MemberKey(string aggregatorId, string meterId) => $"{MemberPrefix}{aggregatorId}/{meterId}";
    public static string MembersOf(string aggregatorId) => $"{MemberPrefix}{aggregatorId}/";
    public static string MeterAggregatorKey(string meterId) => MeterAggregatorPrefix + meterId;

    public const string ObligationKind = "dr-event";
}
