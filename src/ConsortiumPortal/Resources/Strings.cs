namespace ConsortiumPortal.Resources;

/// <summary>
/// Marker for the portal's UI texts: Strings.resx (English, the key is the English text) and Strings.zh-CN.resx.
/// A key missing from a resource file shows the key itself, so English never shows a blank.
/// </summary>
public sealed class Strings;
