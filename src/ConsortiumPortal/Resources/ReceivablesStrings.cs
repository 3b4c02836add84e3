namespace ConsortiumPortal.Resources;

/// <summary>Marker for the receivables pages' UI texts: ReceivablesStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class ReceivablesStrings;
