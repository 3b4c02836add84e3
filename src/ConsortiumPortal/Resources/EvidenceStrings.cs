namespace ConsortiumPortal.Resources;

/// <summary>Marker for the evidence pages' UI texts: EvidenceStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class EvidenceStrings;
