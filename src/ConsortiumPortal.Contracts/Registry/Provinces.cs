namespace ConsortiumPortal.Contracts.Registry;

/// <summary>The 31 provincial-level markets a participant may trade in, by a stable ASCII id (names live in the UI).</summary>
public static class Provinces
{
    public static readonly IReadOnlyList<string> All =
    [
        "beijing", "tianjin", "hebei", "shanxi", "inner-mongolia", "liaoning", "jilin", "heilongjiang", "shanghai", "jiangsu",
        "zhejiang", "anhui", "fujian", "jiangxi", "shandong", "henan", "hubei", "hunan", "guangdong", "guangxi", "hainan",
        "chongqing", "sichuan", "guizhou", "yunnan", "tibet", "shaanxi", "gansu", "qinghai", "ningxia", "xinjiang",
    ];

    public static bool IsKnown(string id) => All.Contains(id);
}
