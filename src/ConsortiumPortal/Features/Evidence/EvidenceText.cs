using ConsortiumPortal.Contracts.Evidence;

namespace ConsortiumPortal.Features.Evidence;

/// <summary>English names (the localization keys) of the evidence application's codes, and formatting shared by its pages.</summary>
public static class EvidenceText
{
    public static string TypeName(string type) => type switch
    {
        DocumentTypes.HighVoltageSupplyContract => "High-voltage supply contract",
        DocumentTypes.LowVoltageSupplyContract => "Low-voltage supply contract",
        DocumentTypes.PowerPurchaseAgreement => "Power purchase agreement",
        DocumentTypes.GridConnectionAgreement => "Grid connection agreement",
        DocumentTypes.RetailSupplyContract => "Retail supply contract",
        DocumentTypes.InspectionReport => "Inspection report",
        DocumentTypes.WorkTicket => "Work ticket",
        _ => "Other",
    };

    public static string StepName(string step) => step switch
    {
        WorkTicketSteps.Issued => "Issued",
        WorkTicketSteps.SafetyMeasuresDone => "Safety measures done",
        WorkTicketSteps.WorkStarted => "Work started",
        WorkTicketSteps.WorkFinished => "Work finished",
        WorkTicketSteps.Closed => "Closed",
        _ => step,
    };

    public static string QualificationName(string qualification) => qualification switch
    {
        Qualifications.TicketIssuer => "Ticket issuer",
        Qualifications.WorkPermitter => "Work permitter",
        Qualifications.WorkLeader => "Work leader",
        _ => qualification,
    };

    public static string Time(long ms) => ms <= 0 ? "—" : Explorer.ExplorerText.Time(ms);

    public static string Short(string? hash, int length = 16) => hash is null ? "—" : hash.Length <= length ? hash : hash[..length] + "…";
}
