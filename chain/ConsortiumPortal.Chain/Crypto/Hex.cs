namespace ConsortiumPortal.Chain.Crypto;

/// <summary>Lower-case hex, the one text form for hashes, keys and signatures everywhere in the ledger.</summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Decode(string hex)
    {
        if (hex.Length % 2 != 0) throw new FormatException("hex string has an odd length");
        return Convert.FromHexString(hex);
    }

    public static bool TryDecode(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || hex.Length % 2 != 0) return false;
        try { bytes = Convert.FromHexString(hex); return true; }
        catch (FormatException) { return false; }
    }
}
