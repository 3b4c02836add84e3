namespace ConsortiumPortal.Resources;

/// <summary>Marker for the registry, governance and credit pages' UI texts: RegistryStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class RegistryStrings;
