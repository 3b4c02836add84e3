namespace ConsortiumPortal.Resources;

/// <summary>Marker for the explorer's texts: ExplorerStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class ExplorerStrings;
