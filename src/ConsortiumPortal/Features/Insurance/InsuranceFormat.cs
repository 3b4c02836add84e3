using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Features.Settlement;
using MudBlazor;

namespace ConsortiumPortal.Features.Insurance;

/// <summary>How insurance figures read on screen: yuan for fen, China time, minutes and hours, a colour per state.</summary>
public static class InsuranceFormat
{
    public static string Yuan(long fen) => "¥" + YuanAmount.Format(fen);

    public static string Time(long ms) => EnergyFormat.Time(ms);

    public static string Duration(long ms) => ms >= 3_600_000 ? $"{ms / 3_600_000} h {ms % 3_600_000 / 60_000} min" : $"{ms / 60_000} min";

    public static string Energy(long wh) => EnergyFormat.Energy(wh);

    public static Color PolicyColor(string status) => status switch
    {
        PolicyStatuses.Active => Color.Success,
        PolicyStatuses.PremiumHeld => Color.Info,
        PolicyStatuses.Applied => Color.Default,
        PolicyStatuses.Declined or PolicyStatuses.Cancelled => Color.Warning,
        _ => Color.Dark,
    };

    public static Color ClaimColor(string status) => status switch
    {
        ClaimStatuses.Paid => Color.Success,
        ClaimStatuses.Confirmed => Color.Info,
        _ => Color.Warning,
    };

    /// <summary>The rate in words: per hour or per kWh, in yuan.</summary>
    public static string Rate(ProductTerms t) => t.PayoutBasis == PayoutBases.Hourly ? $"{Yuan(t.RatePerHourFen)}/h" : $"{Yuan(t.RatePerKwhFen)}/kWh";
}
