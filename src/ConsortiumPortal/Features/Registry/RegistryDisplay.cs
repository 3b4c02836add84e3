using System.Globalization;
using ConsortiumPortal.Contracts.Registry;
using MudBlazor;

namespace ConsortiumPortal.Features.Registry;

/// <summary>How registry values are shown: province names, capacity in MW, status colours, times.</summary>
public static class RegistryDisplay
{
    public static readonly IReadOnlyDictionary<string, string> ProvinceNames = new Dictionary<string, string>
    {
        ["beijing"] = "北京 Beijing", ["tianjin"] = "天津 Tianjin", ["hebei"] = "河北 Hebei", ["shanxi"] = "山西 Shanxi",
        ["inner-mongolia"] = "内蒙古 Inner Mongolia", ["liaoning"] = "辽宁 Liaoning", ["jilin"] = "吉林 Jilin", ["heilongjiang"] = "黑龙江 Heilongjiang",
        ["shanghai"] = "上海 Shanghai", ["jiangsu"] = "江苏 Jiangsu", ["zhejiang"] = "浙江 Zhejiang", ["anhui"] = "安徽 Anhui", ["fujian"] = "福建 Fujian",
        ["jiangxi"] = "江西 Jiangxi", ["shandong"] = "山东 Shandong", ["henan"] = "河南 Henan", ["hubei"] = "湖北 Hubei", ["hunan"] = "湖南 Hunan",
        ["guangdong"] = "广东 Guangdong", ["guangxi"] = "广西 Guangxi", ["hainan"] = "海南 Hainan", ["chongqing"] = "重庆 Chongqing",
        ["sichuan"] = "四川 Sichuan", ["guizhou"] = "贵州 Guizhou", ["yunnan"] = "云南 Yunnan", ["tibet"] = "西藏 Tibet", ["shaanxi"] = "陕西 Shaanxi",
        ["gansu"] = "甘肃 Gansu", ["qinghai"] = "青海 Qinghai", ["ningxia"] = "宁夏 Ningxia", ["xinjiang"] = "新疆 Xinjiang",
    };

    public static string Province(string id) => ProvinceNames.TryGetValue(id, out var name) ? name : id;

    /// <summary>kW x 1000 (watts) as megawatts, exact to the watt.</summary>
    public static string Megawatts(long kw1000) => (kw1000 / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture) + " MW";

    /// <summary>Megawatts typed by a person to kW x 1000; null when not a non-negative number with at most 6 decimals.</summary>
    public static long? ParseMegawatts(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mw) || mw < 0) return null;
        var watts = mw * 1_000_000m;
        if (watts != decimal.Truncate(watts) || watts > RegistryContract.MaxCapacityKw1000) return null;
        return (long)watts;
    }

    public static Color StatusColor(ParticipantStatus status) => status switch
    {
        ParticipantStatus.Active => Color.Success,
        ParticipantStatus.Disclosure => Color.Info,
        ParticipantStatus.ChangesRequested => Color.Warning,
        ParticipantStatus.Suspended => Color.Error,
        ParticipantStatus.Exited => Color.Dark,
        _ => Color.Primary,
    };

    public static string Time(long ms) => ms <= 0 ? "" : DateTimeOffset.FromUnixTimeMilliseconds(ms).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Duration(long ms) =>
        ms >= RegistrySettings.Day && ms % RegistrySettings.Day == 0 ? $"{ms / RegistrySettings.Day} d"
        : ms >= 3_600_000 && ms % 3_600_000 == 0 ? $"{ms / 3_600_000} h"
        : ms >= 1_000 && ms % 1_000 == 0 ? $"{ms / 1_000} s"
        : $"{ms} ms";

    /// <summary>"7d", "12h", "30m", "30s", "500ms" (a bare number is days) to milliseconds; null when not that form.</summary>
    public static long? ParseDuration(string? text)
    {
        var t = text?.Trim().Replace(" ", "").ToLowerInvariant() ?? "";
        var (digits, unit) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1L)
            : t.EndsWith('d') ? (t[..^1], RegistrySettings.Day) : t.EndsWith('h') ? (t[..^1], 3_600_000L)
            : t.EndsWith('m') ? (t[..^1], 60_000L) : t.EndsWith('s') ? (t[..^1], 1_000L) : (t, RegistrySettings.Day);
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= 366L * RegistrySettings.Day / unit ? n * unit : null;
    }

    public static string Short(string hash) => hash.Length > 16 ? hash[..16] + "…" : hash;
}
