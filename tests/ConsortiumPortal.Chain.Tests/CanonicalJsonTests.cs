using System.Text;
using System.Text.Json;
using ConsortiumPortal.Chain.Encoding;
using CsCheck;

namespace ConsortiumPortal.Chain.Tests;

public sealed class CanonicalJsonTests
{
    private static string C(string json) => TestJson.Canonical(json);

    private static void Refused(string json) =>
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Keys_are_sorted_by_UTF16_code_units_as_in_RFC_8785_section_3_2_3()
    {
        // The RFC's own sorting example: code-unit order, so U+1F600 (D83D DE00) sorts before U+FB33.
        var input = """{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}""";
        var output = C(input);
        var keys = JsonDocument.Parse(output).RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"], keys);
    }

    [Fact]
    public void Non_BMP_key_sorts_before_a_private_use_BMP_key()
    {
        // Code-point (or UTF-8 byte) order would put U+E000 first; JCS uses UTF-16 code units: D83D < E000.
        Assert.Equal("{\"\ud83d\ude00\":2,\"\ue000\":1}", C("{\"\\ue000\":1,\"\\ud83d\\ude00\":2}"));
        Assert.Equal("{\"\ud83d\ude00\":2,\"\ue000\":1}", C("{\"\ud83d\ude00\":2,\"\ue000\":1}"));
    }

    [Fact]
    public void Nested_objects_are_sorted_and_array_order_is_kept()
    {
        Assert.Equal("""{"a":[3,1,2],"b":{"x":{"m":1,"n":2},"y":null}}""",
            C("""{"b":{"y":null,"x":{"n":2,"m":1}},"a":[3,1,2]}"""));
    }

    [Fact]
    public void Whitespace_is_removed()
    {
        Assert.Equal("""{"a":true,"b":[1,2,{"c":false}],"d":"x y"}""",
            C(" \r\n\t{ \"d\" : \"x y\" ,\n \"b\" : [ 1 ,\t2 , { \"c\" : false } ] , \"a\" : true }\n "));
    }

    [Fact]
    public void Control_characters_use_the_short_escapes_or_lower_case_u00xx()
    {
        Assert.Equal("\"\\b\\f\\n\\r\\t\"", C("\"\\u0008\\u000C\\u000a\\u000D\\u0009\""));
        Assert.Equal("\"\\u0000\\u0001\\u000b\\u000e\\u001f\"", C("\"\\u0000\\u0001\\u000B\\u000E\\u001F\""));
    }

    [Fact]
    public void Every_control_character_is_escaped_and_nothing_above_it()
    {
        for (var c = 0; c < 0x20; c++)
        {
            var expected = c switch
            {
                8 => "\\b", 9 => "\\t", 10 => "\\n", 12 => "\\f", 13 => "\\r",
                _ => "\\u00" + c.ToString("x2"),
            };
            Assert.Equal("\"" + expected + "\"", C($"\"\\u{c:X4}\""));
        }
        Assert.Equal("\" \u007f\"", C("\"\\u0020\\u007F\""));
    }

    [Fact]
    public void Quote_and_backslash_are_escaped_solidus_is_not()
    {
        Assert.Equal("\"a\\\"b\\\\c/d/\"", C("\"a\\\"b\\\\c\\/d/\""));
    }

    [Fact]
    public void Non_ASCII_is_written_as_literal_UTF8()
    {
        var output = CanonicalJson.Canonicalize("\"\\u00e9\\u4e2d\\ud83d\\ude00\\u2028\""u8);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("\"é中😀\u2028\""), output);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("\"é中😀\""), CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes("\"é中😀\"")));
    }

    [Fact]
    public void Literals_are_kept()
    {
        Assert.Equal("[true,false,null]", C("[ true , false , null ]"));
        Assert.Equal("{}", C("{ }"));
        Assert.Equal("[]", C("[ ]"));
        Assert.Equal("\"\"", C("\"\""));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("42", "42")]
    [InlineData("-42", "-42")]
    [InlineData("9007199254740991", "9007199254740991")]
    [InlineData("-9007199254740991", "-9007199254740991")]
    public void Integers_within_the_safe_range_are_accepted(string input, string expected) => Assert.Equal(expected, C(input));

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.5")]
    [InlineData("-1.5")]
    [InlineData("1e3")]
    [InlineData("1E3")]
    [InlineData("1e-3")]
    [InlineData("10E+2")]
    [InlineData("9007199254740992")]
    [InlineData("-9007199254740992")]
    [InlineData("18446744073709551616")]
    [InlineData("100000000000000000000")]
    [InlineData("{\"amount\":1.25}")]
    [InlineData("[1,2,3.0]")]
    public void Fractions_exponents_and_unsafe_integers_are_refused(string json) => Refused(json);

    [Fact]
    public void The_refusal_says_why()
    {
        var e = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize("1.5"u8));
        Assert.Contains("integer", e.Message);
        e = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize("9007199254740992"u8));
        Assert.Contains("2^53", e.Message);
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":1,\"b\":0,\"a\":1}")]
    [InlineData("{\"x\":{\"k\":1,\"k\":1}}")]
    [InlineData("[{\"k\":1},{\"k\":1,\"k\":2}]")]
    [InlineData("{\"\\u0061\":1,\"a\":2}")]
    public void Duplicate_keys_are_refused(string json)
    {
        var e = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains("duplicate", e.Message);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"a\\ud83db\"")]
    [InlineData("\"\\ude00\\ud83d\"")]
    [InlineData("{\"\\ud800\":1}")]
    public void Lone_surrogates_are_refused(string json) => Refused(json);

    [Theory]
    [InlineData(new byte[] { 0x22, 0xff, 0x22 })]                   // 0xFF never appears in UTF-8
    [InlineData(new byte[] { 0x22, 0xc0, 0xaf, 0x22 })]             // overlong "/"
    [InlineData(new byte[] { 0x22, 0xed, 0xa0, 0x80, 0x22 })]       // an encoded surrogate (CESU-8)
    [InlineData(new byte[] { 0x22, 0xe4, 0xb8, 0x22 })]             // truncated sequence
    [InlineData(new byte[] { 0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d })] // in a property name
    public void Invalid_UTF8_is_refused(byte[] json) =>
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(json));

    [Fact]
    public void Lone_surrogate_in_a_serialized_value_is_refused_not_silently_replaced()
    {
        // What is signed must be what the caller gave: either refuse the value or keep it, never substitute U+FFFD.
        byte[] bytes;
        try { bytes = CanonicalJson.Serialize(new { name = "bad\ud800" }); }
        catch (CanonicalJsonException) { return; }
        Assert.Equal("bad\ud800", JsonDocument.Parse(bytes).RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("{\"a\":}")]
    [InlineData("[1,]")]
    [InlineData("{'a':1}")]
    [InlineData("NaN")]
    [InlineData("")]
    [InlineData("{")]
    public void Malformed_JSON_is_refused(string json) => Refused(json);

    [Theory]
    [InlineData("[1] [2]")]
    [InlineData("1 2")]
    [InlineData("{}]")]
    [InlineData("{}{}")]
    [InlineData("{\"a\":1} x")]
    public void Trailing_content_after_the_value_is_refused(string json) => Refused(json);

    [Fact]
    public void Trailing_whitespace_is_accepted() => Assert.Equal("{}", C("{} \n"));

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted_and_deeper_is_refused()
    {
        static string Nested(int depth) => new string('[', depth) + new string(']', depth);
        Assert.Equal(Nested(32), C(Nested(32)));
        Refused(Nested(33));
        Refused(Nested(1000));

        // A JsonElement parsed elsewhere (default depth 64) is limited by the canonicalizer too.
        using var deep = JsonDocument.Parse(Nested(60));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(deep.RootElement));
    }

    [Fact]
    public void Serialize_uses_camel_case_and_sorts()
    {
        Assert.Equal("""{"alpha":"x","beta":1,"nested":{"inner":[1,2]}}""",
            CanonicalJson.SerializeToString(new { Beta = 1, Alpha = "x", Nested = new { Inner = new[] { 1, 2 } } }));
    }

    [Fact]
    public void Serialize_refuses_fractional_numbers() =>
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new { price = 1.5m }));

    [Fact]
    public void Deserialize_refuses_unknown_members_and_strings_for_numbers()
    {
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.Deserialize<SmallRecord>("""{"name":"a","count":1,"extra":2}"""u8));
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.Deserialize<SmallRecord>("""{"name":"a","count":"1"}"""u8));
        Assert.Equal(new SmallRecord("a", 1), CanonicalJson.Deserialize<SmallRecord>("""{"count":1,"name":"a"}"""u8));
    }

    public sealed record SmallRecord(string Name, long Count);

    // ---- property tests -------------------------------------------------------------------------------------------

    private abstract record J;
    private sealed record JObj((string Key, J Value)[] Properties) : J;
    private sealed record JArr(J[] Items) : J;
    private sealed record JStr(string Value) : J;
    private sealed record JNum(long Value) : J;
    private sealed record JLit(string Literal) : J;

    // Pieces chosen to hit every escaping and ordering rule: controls, quote, backslash, solidus, DEL, non-ASCII,
    // a surrogate pair and private-use characters above the surrogates.
    private static readonly Gen<string> Text = Gen.OneOf(
            "a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\b", "\u0001", "\u001f", "\u007f", "é", "中",
            "\ud83d\ude00", "\U0001F4A9", "\ue000", "\uffff", "\u2028")
        .Array[0, 5].Select(string.Concat);

    private static readonly Gen<J> Json = Gen.Recursive<J>((depth, self) =>
    {
        var leaf = Gen.Frequency(
            (3, Text.Select(s => (J)new JStr(s))),
            (3, Gen.Long[-CanonicalJson.MaxSafeInteger, CanonicalJson.MaxSafeInteger].Select(n => (J)new JNum(n))),
            (1, Gen.Int[-5, 5].Select(n => (J)new JNum(n))),
            (1, Gen.OneOf("true", "false", "null").Select(l => (J)new JLit(l))));
        if (depth >= 4) return leaf;
        var array = self.Array[0, 4].Select(items => (J)new JArr(items));
        var obj = Gen.Select(Text, self).Array[0, 5]
            .Select(ps => (J)new JObj(ps.DistinctBy(p => p.Item1, StringComparer.Ordinal).ToArray()));
        return Gen.Frequency((2, leaf), (1, array), (2, obj));
    });

    /// <summary>Non-canonical text of a value: properties in the given or reversed order, escaped or spaced differently.</summary>
    private static string Render(J value, bool reverse, bool spaced)
    {
        var sb = new StringBuilder();
        var sp = spaced ? " \n " : "";
        void W(J j)
        {
            switch (j)
            {
                case JObj o:
                    sb.Append('{').Append(sp);
                    var props = reverse ? o.Properties.Reverse().ToArray() : o.Properties;
                    for (var i = 0; i < props.Length; i++)
                    {
                        if (i > 0) sb.Append(sp).Append(',').Append(sp);
                        sb.Append(JsonSerializer.Serialize(props[i].Key)).Append(sp).Append(':').Append(sp);
                        W(props[i].Value);
                    }
                    sb.Append(sp).Append('}');
                    break;
                case JArr a:
                    sb.Append('[').Append(sp);
                    for (var i = 0; i < a.Items.Length; i++)
                    {
                        if (i > 0) sb.Append(',').Append(sp);
                        W(a.Items[i]);
                    }
                    sb.Append(sp).Append(']');
                    break;
                case JStr s: sb.Append(JsonSerializer.Serialize(s.Value)); break; // \uXXXX escapes for non-ASCII
                case JNum n: sb.Append(n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                case JLit l: sb.Append(l.Literal); break;
            }
        }
        W(value);
        return sb.ToString();
    }

    /// <summary>An independent statement of the canonical form, straight from RFC 8785.</summary>
    private static string Expected(J value)
    {
        var sb = new StringBuilder();
        void S(string s)
        {
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4")); break;
                    default: sb.Append(c); break;
                }
            }
            sb.Append('"');
        }
        void W(J j)
        {
            switch (j)
            {
                case JObj o:
                    sb.Append('{');
                    var first = true;
                    foreach (var (k, v) in o.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        S(k);
                        sb.Append(':');
                        W(v);
                    }
                    sb.Append('}');
                    break;
                case JArr a:
                    sb.Append('[');
                    for (var i = 0; i < a.Items.Length; i++)
                    {
                        if (i > 0) sb.Append(',');
                        W(a.Items[i]);
                    }
                    sb.Append(']');
                    break;
                case JStr s: S(s.Value); break;
                case JNum n: sb.Append(n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                case JLit l: sb.Append(l.Literal); break;
            }
        }
        W(value);
        return sb.ToString();
    }

    [Fact]
    public void Property_canonical_form_matches_an_independent_statement_of_RFC_8785()
    {
        Json.Sample(value =>
        {
            var actual = CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(Render(value, reverse: false, spaced: true)));
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Expected(value)), actual);
        }, iter: 300);
    }

    [Fact]
    public void Property_canonicalize_is_idempotent()
    {
        Json.Sample(value =>
        {
            var once = CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(Render(value, reverse: false, spaced: true)));
            var twice = CanonicalJson.Canonicalize(once);
            Assert.Equal(once, twice);
        }, iter: 300);
    }

    [Fact]
    public void Property_input_key_order_and_whitespace_do_not_matter()
    {
        Json.Sample(value =>
        {
            var a = CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(Render(value, reverse: false, spaced: false)));
            var b = CanonicalJson.Canonicalize(System.Text.Encoding.UTF8.GetBytes(Render(value, reverse: true, spaced: true)));
            Assert.Equal(a, b);
        }, iter: 300);
    }
}
