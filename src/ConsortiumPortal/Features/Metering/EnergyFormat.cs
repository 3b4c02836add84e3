using System.Globalization;

namespace ConsortiumPortal.Features.Metering;

/// <summary>Energy and power as people read them: Wh integers on chain, kWh/MWh and kW/MW on screen; China time (UTC+8).</summary>
public static class EnergyFormat
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static string Energy(long wh) => Math.Abs(wh) >= 1_000_000
        ? (wh / 1_000_000.0).ToString("#,0.###", CultureInfo.InvariantCulture) + " MWh"
        : (wh / 1_000.0).ToString("#,0.###", CultureInfo.InvariantCulture) + " kWh";

    public static string Power(long w) => Math.Abs(w) >= 1_000_000
        ? (w / 1_000_000.0).ToString("#,0.###", CultureInfo.InvariantCulture) + " MW"
        : (w / 1_000.0).ToString("#,0.###", CultureInfo.InvariantCulture) + " kW";

    public static DateTimeOffset China(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(ChinaOffset);

    public static string Time(long ms) => China(ms).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
}
