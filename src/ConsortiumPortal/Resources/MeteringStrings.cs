namespace ConsortiumPortal.Resources;

/// <summary>Marker for the Metering pages' UI texts: MeteringStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class MeteringStrings;
