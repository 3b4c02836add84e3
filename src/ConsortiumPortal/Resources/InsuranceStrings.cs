namespace ConsortiumPortal.Resources;

/// <summary>Marker for the Insurance pages' UI texts: InsuranceStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class InsuranceStrings;
