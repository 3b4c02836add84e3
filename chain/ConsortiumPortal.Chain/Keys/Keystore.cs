using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;

namespace ConsortiumPortal.Chain.Keys;

/// <summary>
/// Private keys at rest: one JSON file of entries {id, publicKey, sealed}, where sealed = SM4-GCM(master key,
/// private key) with the entry id as associated data. The master key comes from configuration and is never written
/// into the keystore; the file alone reveals no private key.
/// </summary>
public sealed class Keystore
{
    private readonly string _path;
    private readonly byte[] _masterKey;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries;

    private sealed record Entry(string Id, string PublicKey, string Sealed);

    public Keystore(string path, byte[] masterKey)
    {
        if (masterKey.Length != Sm4Gcm.KeySize) throw new ArgumentException("the master key is 16 bytes (32 hex characters)");
        _path = path;
        _masterKey = masterKey;
        _entries = File.Exists(path)
            ? JsonSerializer.Deserialize<List<Entry>>(File.ReadAllBytes(path), Encoding.CanonicalJson.SerializerOptions)!.ToDictionary(e => e.Id, StringComparer.Ordinal)
            : new Dictionary<string, Entry>(StringComparer.Ordinal);
    }

    /// <summary>The keystore id of a node's signing key (the key that signs block headers).</summary>
    public static string NodeKeyId(string nodeId) => "node:" + nodeId;

    public IEnumerable<string> Ids { get { lock (_lock) return _entries.Keys.ToArray(); } }

    public bool Contains(string id) { lock (_lock) return _entries.ContainsKey(id); }

    public string? PublicKey(string id) { lock (_lock) return _entries.GetValueOrDefault(id)?.PublicKey; }

    /// <summary>Generates a key pair, seals it and saves the file. The id is the certificate or node id.</summary>
    public Sm2KeyPair Create(string id)
    {
        var pair = Sm2.Generate();
        Add(id, pair);
        return pair;
    }

    public void Add(string id, Sm2KeyPair pair)
    {
        var sealedKey = Sm4Gcm.Encrypt(_masterKey, Sm2.PrivateKeyBytes(pair.PrivateKey), System.Text.Encoding.UTF8.GetBytes(id));
        lock (_lock)
        {
            if (_entries.ContainsKey(id)) throw new InvalidOperationException($"the keystore already holds a key for \"{id}\"");
            _entries[id] = new Entry(id, pair.PublicKeyHex, Hex.Encode(sealedKey));
            Save();
        }
    }

    /// <exception cref="CryptographicFailure">wrong master key or a tampered entry</exception>
    public Sm2KeyPair Get(string id)
    {
        Entry entry;
        lock (_lock) entry = _entries.GetValueOrDefault(id) ?? throw new KeyNotFoundException($"no key for \"{id}\" in the keystore");
        var d = Sm4Gcm.Decrypt(_masterKey, Hex.Decode(entry.Sealed), System.Text.Encoding.UTF8.GetBytes(id));
        var pair = Sm2KeyPair.FromPrivateKey(d);
        if (pair.PublicKeyHex != entry.PublicKey) throw new CryptographicFailure($"the key of \"{id}\" does not match its public key");
        return pair;
    }

    private void Save()
    {
        var tmp = _path + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(_entries.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToList(),
            new JsonSerializerOptions(Encoding.CanonicalJson.SerializerOptions) { WriteIndented = true }));
        File.Move(tmp, _path, overwrite: true);
    }
}
