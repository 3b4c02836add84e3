namespace ConsortiumPortal.Resources;

/// <summary>Marker for the organisation admin pages' UI texts: OrganisationStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class OrganisationStrings;
