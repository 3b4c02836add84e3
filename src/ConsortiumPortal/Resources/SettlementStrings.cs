namespace ConsortiumPortal.Resources;

/// <summary>Marker for the payments pages' UI texts: SettlementStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class SettlementStrings;
