namespace ConsortiumPortal.Resources;

/// <summary>Marker for the Cluster page's UI texts: ClusterStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class ClusterStrings;
