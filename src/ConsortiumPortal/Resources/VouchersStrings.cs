namespace ConsortiumPortal.Resources;

/// <summary>Marker for the Vouchers pages' UI texts: VouchersStrings.zh-CN.resx (English falls back to the key).</summary>
public sealed class VouchersStrings;
