using ConsortiumPortal.Contracts.Registry;
using CsCheck;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>The GB 32100-2015 validator against generated codes: completed codes pass; a single error is always caught.</summary>
public sealed class CreditCodePropertyTests
{
    private const string Alphabet = UnifiedSocialCreditCode.Alphabet;

    private static Gen<T> Pick<T>(T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    /// <summary>Registration authority and type from the standard's table, six division digits, nine organisation-code characters.</summary>
    private static readonly Gen<string> First17 =
        from authority in Pick(UnifiedSocialCreditCode.TypeCodesByAuthority.Keys.ToArray())
        from type in Pick(UnifiedSocialCreditCode.TypeCodesByAuthority[authority].ToCharArray())
        from division in Gen.Char['0', '9'].Array[6]
        from organisation in Gen.Int[0, Alphabet.Length - 1].Array[9]
        select $"{authority}{type}{new string(division)}{new string(organisation.Select(i => Alphabet[i]).ToArray())}";

    [Fact]
    public void Published_examples_are_valid()
    {
        Assert.True(UnifiedSocialCreditCode.IsValid("91350100M000100Y43"));
        Assert.True(UnifiedSocialCreditCode.IsValid("91110108MA01G0FB09"));
    }

    [Fact]
    public void A_completed_code_is_valid() =>
        First17.Sample(prefix => UnifiedSocialCreditCode.IsValid(UnifiedSocialCreditCode.Complete(prefix)), iter: 5_000);

    [Fact]
    public void Any_single_character_substitution_is_caught() =>
        Gen.Select(First17, Gen.Int[0, 17], Gen.Int[1, Alphabet.Length - 1]).Sample((prefix, position, shift) =>
        {
            var code = UnifiedSocialCreditCode.Complete(prefix).ToCharArray();
            code[position] = Alphabet[(Alphabet.IndexOf(code[position]) + shift) % Alphabet.Length];
            return !UnifiedSocialCreditCode.IsValid(new string(code));
        }, iter: 5_000);

    [Fact]
    public void Any_transposition_of_two_different_adjacent_characters_is_caught() =>
        Gen.Select(First17, Gen.Int[0, 15]).Where(t => t.Item1[t.Item2] != t.Item1[t.Item2 + 1]).Sample((prefix, i) =>
        {
            var code = UnifiedSocialCreditCode.Complete(prefix).ToCharArray();
            (code[i], code[i + 1]) = (code[i + 1], code[i]);
            return !UnifiedSocialCreditCode.IsValid(new string(code));
        }, iter: 5_000);

    [Fact]
    public void Characters_outside_the_alphabet_and_wrong_lengths_are_refused() =>
        Gen.Select(First17, Gen.Int[0, 17], Pick(new[] { 'I', 'O', 'Z', 'S', 'V', 'a', '-', ' ' })).Sample((prefix, position, bad) =>
        {
            var code = UnifiedSocialCreditCode.Complete(prefix).ToCharArray();
            code[position] = bad;
            var text = new string(code);
            return !UnifiedSocialCreditCode.IsValid(text) && !UnifiedSocialCreditCode.IsValid(text[..17]) && !UnifiedSocialCreditCode.IsValid(text + "0");
        }, iter: 2_000);
}
