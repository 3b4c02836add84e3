using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConsortiumPortal.Tests.Support;

/// <summary>
/// The API keys a demo node writes to {DataDirectory}/demo-api-keys.json on its first start (organisation id ->
/// secret). Tests call the API as the organisation whose person signed the transaction, like a member system would.
/// </summary>
public sealed class DemoApiKeyFile
{
    public const string FileName = "demo-api-keys.json";
    public const string HeaderName = "X-Api-Key";
    /// <summary>The demo's Regulator: its key reads every organisation's transactions.</summary>
    public const string Regulator = "nea-reg";

    private readonly IReadOnlyDictionary<string, string> _keys;

    private DemoApiKeyFile(IReadOnlyDictionary<string, string> keys) => _keys = keys;

    public IEnumerable<string> Organisations => _keys.Keys;

    public string For(string organisationId) =>
        _keys.TryGetValue(organisationId, out var key) ? key : throw new KeyNotFoundException($"no demo API key for \"{organisationId}\"");

    /// <summary>The keys of a data directory, or null while the node has not written them yet.</summary>
    public static DemoApiKeyFile? TryRead(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path)) return null;
        try { return new DemoApiKeyFile(JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(path))!); }
        catch (IOException) { return null; }
        catch (JsonException) { return null; }
    }

    public static DemoApiKeyFile Read(string dataDirectory) =>
        TryRead(dataDirectory) ?? throw new FileNotFoundException($"{FileName} is not in {dataDirectory}: did a demo node start there?");

    /// <summary>
    /// A handler that adds the right key to each request that has none: for a submitted transaction the key of the
    /// signer's organisation (read from the body), for anything else the Regulator's (it may read everything).
    /// </summary>
    public static HttpMessageHandler Handler(string dataDirectory, HttpMessageHandler inner) => new SignerKeyHandler(dataDirectory, inner);

    /// <summary>The organisation of the signer named in a wire transaction's body, if one can be found.</summary>
    public static string? SignerOrganisation(byte[] wire)
    {
        string? signer = null;
        try
        {
            using var json = JsonDocument.Parse(wire);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("body", out var body)
                && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("signer", out var s) && s.ValueKind == JsonValueKind.String)
                signer = s.GetString();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Deliberately broken bodies still name their signer somewhere.
            var match = Regex.Match(Encoding.UTF8.GetString(wire), "\"signer\"\\s*:\\s*\"([^\"]+)\"");
            if (match.Success) signer = match.Groups[1].Value;
        }
        return signer?.Split('/', 2)[0];
    }

    private sealed class SignerKeyHandler(string dataDirectory, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private DemoApiKeyFile? _keys;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token)
        {
            if (!request.Headers.Contains(HeaderName) && (_keys ??= TryRead(dataDirectory)) is { } keys)
            {
                var organisation = Regulator;
                // Only buffered bodies are looked into: a streamed (chunked) body must reach the server as it is.
                if (request.Method == HttpMethod.Post && request.Content is ByteArrayContent content
                    && SignerOrganisation(await content.ReadAsByteArrayAsync(token)) is { } signer && keys._keys.ContainsKey(signer))
                    organisation = signer;
                request.Headers.Add(HeaderName, keys.For(organisation));
            }
            return await base.SendAsync(request, token);
        }
    }
}
