namespace ConsortiumPortal.Resources;

/// <summary>Marker for the dashboard's UI texts: DashboardStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class DashboardStrings;
