namespace ConsortiumPortal.Resources;

/// <summary>Marker for the Verify page's texts: VerifyStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class VerifyStrings;
