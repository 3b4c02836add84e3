using System.Globalization;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Features.Settlement;
using MudBlazor;

namespace ConsortiumPortal.Features.Receivables;

/// <summary>How the receivables pages show amounts (yuan from fen), times (UTC, as the maturity job reads them) and states.</summary>
public static class ReceivablesText
{
    public static string Yuan(long fen) => "¥" + YuanAmount.Format(fen);

    public static string Date(long ms) => ms <= 0 ? "—" : DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A yearly discount rate in basis points as a percentage (400 -> 4.00 %).</summary>
    public static string Rate(long? bps) => bps is { } b ? (b / 100m).ToString("0.00", CultureInfo.InvariantCulture) + " %" : "—";

    public static Color Color(VoucherStatus status) => status switch
    {
        VoucherStatus.Active => MudBlazor.Color.Success,
        VoucherStatus.Pending or VoucherStatus.Transferring => MudBlazor.Color.Warning,
        VoucherStatus.Financed => MudBlazor.Color.Info,
        VoucherStatus.Settled => MudBlazor.Color.Primary,
        VoucherStatus.Overdue => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };

    public static Color Color(FinancingStatus status) => status switch
    {
        FinancingStatus.Applied => MudBlazor.Color.Warning,
        FinancingStatus.Quoted => MudBlazor.Color.Info,
        FinancingStatus.Financed => MudBlazor.Color.Success,
        _ => MudBlazor.Color.Default,
    };
}
