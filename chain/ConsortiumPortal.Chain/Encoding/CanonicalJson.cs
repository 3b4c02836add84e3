using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ConsortiumPortal.Chain.Encoding;

/// <summary>
/// RFC 8785 (JCS) canonical JSON restricted to integers: what the ledger hashes and signs.
/// Properties are sorted by UTF-16 code units, strings use the minimal ECMAScript escaping, no whitespace.
/// Numbers must be integers within +/-(2^53-1), so that any JCS implementation (JavaScript included) produces
/// the same bytes; fractions, exponents, duplicate keys and lone surrogates are refused.
/// </summary>
public static class CanonicalJson
{
    public const long MaxSafeInteger = 9007199254740991;
    private const int MaxDepth = 32;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new StrictStringConverter() },
    };

    // System.Text.Json writes a lone surrogate as U+FFFD: refuse it instead of signing something the caller never wrote.
    private sealed class StrictStringConverter : System.Text.Json.Serialization.JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            try { StrictUtf8.GetByteCount(value); }
            catch (EncoderFallbackException e) { throw new CanonicalJsonException("string contains a lone surrogate", e); }
            writer.WriteStringValue(value);
        }
    }

    /// <exception cref="CanonicalJsonException">the input is not JSON or breaks the integer-only rules</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        using var document = Parse(utf8Json);
        return Canonicalize(document.RootElement);
    }

    public static byte[] Canonicalize(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // System.Text.Json accepts invalid UTF-8 and lone surrogate escapes while parsing and only throws when the
        // string is read: report that as the malformed input it is.
        try { Write(element, buffer, 0); }
        catch (InvalidOperationException e) { throw new CanonicalJsonException($"invalid text in a string or property name: {e.Message}", e); }
        return buffer.WrittenSpan.ToArray();
    }

    public static string CanonicalizeToString(JsonElement element) => System.Text.Encoding.UTF8.GetString(Canonicalize(element));

    /// <summary>Serializes a value with the ledger's serializer options (camelCase) and canonicalizes it.</summary>
    public static byte[] Serialize<T>(T value) => Canonicalize(JsonSerializer.SerializeToUtf8Bytes(value, SerializerOptions));

    public static string SerializeToString<T>(T value) => System.Text.Encoding.UTF8.GetString(Serialize(value));

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<T>(utf8Json, SerializerOptions) ?? throw new CanonicalJsonException("null is not a value here");

    public static T Deserialize<T>(JsonElement element) =>
        element.Deserialize<T>(SerializerOptions) ?? throw new CanonicalJsonException("null is not a value here");

    public static JsonDocument Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
            var document = JsonDocument.ParseValue(ref reader);
            // ParseValue stops after the first value; anything but whitespace after it is malformed input.
            try { if (reader.Read()) throw new JsonException("trailing content after the JSON value"); }
            catch { document.Dispose(); throw; }
            return document;
        }
        catch (JsonException e) { throw new CanonicalJsonException($"malformed JSON: {e.Message}", e); }
    }

    private static void Write(JsonElement element, ArrayBufferWriter<byte> output, int depth)
    {
        if (depth > MaxDepth) throw new CanonicalJsonException("JSON nested too deeply");
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>();
                foreach (var p in element.EnumerateObject()) properties.Add(p);
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Write("{"u8);
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0)
                    {
                        if (properties[i].Name == properties[i - 1].Name)
                            throw new CanonicalJsonException($"duplicate property \"{properties[i].Name}\"");
                        output.Write(","u8);
                    }
                    WriteString(properties[i].Name, output);
                    output.Write(":"u8);
                    Write(properties[i].Value, output, depth + 1);
                }
                output.Write("}"u8);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) output.Write(","u8);
                    first = false;
                    Write(item, output, depth + 1);
                }
                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                WriteInteger(element, output);
                break;
            case JsonValueKind.True: output.Write("true"u8); break;
            case JsonValueKind.False: output.Write("false"u8); break;
            case JsonValueKind.Null: output.Write("null"u8); break;
            default: throw new CanonicalJsonException($"unexpected JSON value {element.ValueKind}");
        }
    }

    private static void WriteInteger(JsonElement element, ArrayBufferWriter<byte> output)
    {
        var raw = element.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0 || !element.TryGetInt64(out var value))
            throw new CanonicalJsonException($"only integers are allowed (amounts in fen, energy in Wh), got {raw}");
        if (value is > MaxSafeInteger or < -MaxSafeInteger)
            throw new CanonicalJsonException($"integer {raw} is outside +/-(2^53-1)");
        Span<byte> digits = stackalloc byte[24];
        value.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Write(digits[..written]);
    }

    /// <summary>ECMAScript JSON.stringify string escaping, as RFC 8785 requires.</summary>
    internal static void WriteString(string value, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            WriteUtf8(value.AsSpan(start, i - start), output);
            start = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                default:
                    output.Write("\\u00"u8);
                    output.Write([(byte)"0123456789abcdef"[c >> 4], (byte)"0123456789abcdef"[c & 0xF]]);
                    break;
            }
        }
        WriteUtf8(value.AsSpan(start), output);
        output.Write("\""u8);
    }

    private static void WriteUtf8(ReadOnlySpan<char> chars, ArrayBufferWriter<byte> output)
    {
        if (chars.IsEmpty) return;
        try
        {
            var span = output.GetSpan(StrictUtf8.GetMaxByteCount(chars.Length));
            output.Advance(StrictUtf8.GetBytes(chars, span));
        }
        catch (EncoderFallbackException e) { throw new CanonicalJsonException("string contains a lone surrogate", e); }
    }
}

public sealed class CanonicalJsonException(string message, Exception? inner = null) : Exception(message, inner);
