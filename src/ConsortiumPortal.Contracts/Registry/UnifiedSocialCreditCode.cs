namespace ConsortiumPortal.Contracts.Registry;

/// <summary>
/// The unified social credit code of GB 32100-2015: 18 characters from a 31-character alphabet (digits and capital
/// letters without I, O, Z, S, V). Position 1 is the registration authority, 2 the organisation type under that
/// authority, 3-8 the administrative division (6 digits), 9-17 the organisation code, 18 a check character:
/// C18 = 31 - (sum of value(Ci) * 3^(i-1) mod 31, i = 1..17) mod 31, mapped back through the alphabet (31 -> 0).
/// </summary>
public static class UnifiedSocialCreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    public const int Length = 18;

    // 3^(i-1) mod 31 for i = 1..17, as printed in the standard.
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Registration authority (position 1) -> the organisation type codes (position 2) it issues.</summary>
    public static readonly IReadOnlyDictionary<char, string> TypeCodesByAuthority = new Dictionary<char, string>
    {
        ['1'] = "1239", // institutional establishment (机构编制): organs, public institutions, mass organisations, other
        ['2'] = "19",   // foreign affairs
        ['3'] = "123459", // justice administration (law firms, notaries, ...)
        ['4'] = "19",   // culture
        ['5'] = "1239", // civil affairs: social organisations, private non-enterprise units, foundations, other
        ['6'] = "129",  // tourism
        ['7'] = "1239", // religious affairs
        ['8'] = "19",   // trade unions
        ['9'] = "123",  // market regulation (工商): enterprises, individual businesses, farmers' cooperatives
        ['A'] = "19",   // central military commission reform
        ['N'] = "1239", // agriculture
        ['Y'] = "1",    // other
    };

    public static bool IsValid(string? code) => Explain(code) is null;

    /// <summary>Why a code is invalid, or null when it is valid. Messages are deterministic (they go into receipts).</summary>
    public static string? Explain(string? code)
    {
        if (code is null || code.Length != Length) return $"a unified social credit code has {Length} characters";
        foreach (var c in code)
            if (Alphabet.IndexOf(c) < 0) return $"character '{c}' is not allowed in a unified social credit code (digits and capitals except I, O, Z, S, V)";
        if (!TypeCodesByAuthority.TryGetValue(code[0], out var types)) return $"'{code[0]}' is not a registration authority code";
        if (types.IndexOf(code[1]) < 0) return $"'{code[1]}' is not an organisation type of registration authority '{code[0]}'";
        for (var i = 2; i < 8; i++)
            if (code[i] is < '0' or > '9') return "characters 3-8 (the administrative division) must be digits";
        if (code[17] != CheckCharacter(code.AsSpan(0, 17))) return "the check character does not match (GB 32100-2015)";
        return null;
    }

    /// <summary>The check character for the first 17 characters (each must be in the alphabet).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("17 characters expected", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i]);
            if (value < 0) throw new ArgumentException($"'{first17[i]}' is not in the alphabet", nameof(first17));
            sum += value * Weights[i];
        }
        var check = 31 - sum % 31;
        return Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>A code built from its first 17 characters and the computed check character (demo data, tests).</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}
