using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Keys;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Evidence;

/// <summary>A stored document's file: what the uploader called it and its bytes.</summary>
public sealed record StoredDocument(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Files of anchored documents, sealed with SM4-GCM in DATA/documents/{hash}.sm4; never written in plain text.
/// The SM4 key is derived from an SM2 key held in the node's keystore (entry <see cref="KeystoreEntry"/>), so it is
/// sealed under the node master key like every other key: the documents folder alone, or a copied keystore without
/// the master key, reveals nothing. The document's hash is the associated data, so a sealed file renamed to another
/// hash fails to open; and every opened file is checked against its hash again.
/// </summary>
public sealed class DocumentStore(NodeHostedService node)
{
    public const string Folder = "documents";
    public const string KeystoreEntry = "evidence:document-store";
    /// <summary>Largest file the store takes (uploads beyond it are refused before anything is written).</summary>
    public const long MaxBytes = 20 * 1024 * 1024;

    private byte[]? _key;
    private readonly Lock _lock = new();

    public static string HashOf(ReadOnlySpan<byte> content) => Hex.Encode(Sm3.Hash(content));

    public async Task<bool> ContainsAsync(string hash) => File.Exists(PathOf(await RootAsync(), hash));

    /// <summary>Seals and writes the file; its SM3 must be <paramref name="hash"/>. Writing the same document again is a no-op.</summary>
    public async Task SaveAsync(string hash, StoredDocument document, CancellationToken token = default)
    {
        if (HashOf(document.Content) != hash) throw new ArgumentException("the file's SM3 hash is not the document hash", nameof(document));
        var root = await RootAsync();
        var path = PathOf(root, hash);
        if (File.Exists(path)) return;
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(document.FileName, document.ContentType, document.Content.Length));
        var plain = new byte[4 + header.Length + document.Content.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(plain, header.Length);
        header.CopyTo(plain, 4);
        document.Content.CopyTo(plain, 4 + header.Length);
        var key = await KeyAsync();
        var sealedBytes = Sm4Gcm.Encrypt(key, plain, System.Text.Encoding.UTF8.GetBytes(hash));
        Array.Clear(plain);
        var tmp = path + ".tmp";
        await File.WriteAllBytesAsync(tmp, sealedBytes, token);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The file of a document, or null when this node does not hold it (kept by its owner, or stored on another node).</summary>
    /// <exception cref="CryptographicFailure">the sealed file was tampered with or the key is wrong</exception>
    public async Task<StoredDocument?> OpenAsync(string hash, CancellationToken token = default)
    {
        var path = PathOf(await RootAsync(), hash);
        if (!File.Exists(path)) return null;
        var key = await KeyAsync();
        var sealedBytes = await File.ReadAllBytesAsync(path, token);
        var plain = Sm4Gcm.Decrypt(key, sealedBytes, System.Text.Encoding.UTF8.GetBytes(hash));
        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(plain);
        var header = JsonSerializer.Deserialize<Header>(plain.AsSpan(4, headerLength))!;
        var content = plain[(4 + headerLength)..];
        if (HashOf(content) != hash) throw new CryptographicFailure($"the stored file of {hash} does not match its hash");
        return new StoredDocument(header.FileName, header.ContentType, content);
    }

    /// <summary>Removes a sealed file (one whose anchor did not commit).</summary>
    public void Delete(string hash)
    {
        if (node.Runtime.IsCompletedSuccessfully) File.Delete(PathOf(Path.Combine(node.Runtime.Result.Data.Root, Folder), hash));
    }

    private sealed record Header(string FileName, string ContentType, long Length);

    private static string PathOf(string root, string hash)
    {
        if (!Contracts.Evidence.EvidenceContract.IsHash(hash)) throw new ArgumentException("not a document hash", nameof(hash));
        return Path.Combine(root, hash + ".sm4");
    }

    private async Task<string> RootAsync()
    {
        var root = Path.Combine((await node.Runtime).Data.Root, Folder);
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>SM4 key = first 16 bytes of SM3("consortium-portal/document-store/v1" || d), d the keystore entry's private scalar.</summary>
    private async Task<byte[]> KeyAsync()
    {
        if (_key is { } cached) return cached;
        var keys = (await node.Runtime).Keys;
        lock (_lock)
        {
            if (_key is not null) return _key;
            var pair = keys.Contains(KeystoreEntry) ? keys.Get(KeystoreEntry) : keys.Create(KeystoreEntry);
            var d = Sm2.PrivateKeyBytes(pair.PrivateKey);
            var label = System.Text.Encoding.ASCII.GetBytes("consortium-portal/document-store/v1");
            _key = Sm3.Hash([.. label, .. d])[..Sm4Gcm.KeySize];
            Array.Clear(d);
            return _key;
        }
    }
}
