namespace ConsortiumPortal.Resources;

/// <summary>Marker for the Jobs page's UI texts: JobsStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class JobsStrings;
