namespace ConsortiumPortal.Resources;

/// <summary>Marker for the demand-response pages' UI texts: DemandResponseStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class DemandResponseStrings;
