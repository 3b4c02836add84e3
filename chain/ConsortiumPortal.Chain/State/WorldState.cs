using System.Buffers;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Chain.State;

/// <summary>Read access to committed world state: key -> canonical JSON value.</summary>
public interface IStateReader
{
    string? Get(string key);

    /// <summary>Keys and values whose key starts with <paramref name="prefix"/>, ordered by key.</summary>
    IEnumerable<KeyValuePair<string, string>> Scan(string prefix);
}

/// <summary>
/// Buffered writes over a base reader: one per block (over committed state) and one per transaction (over the
/// block's overlay). A failed transaction's overlay is dropped, so it changes nothing.
/// </summary>
public sealed class StateOverlay(IStateReader inner) : IStateReader
{
    // null value = deleted
    private readonly SortedDictionary<string, string?> _writes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string?> Writes => _writes;

    public string? Get(string key) => _writes.TryGetValue(key, out var v) ? v : inner.Get(key);

    public IEnumerable<KeyValuePair<string, string>> Scan(string prefix)
    {
        var merged = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in inner.Scan(prefix)) merged[k] = v;
        foreach (var (k, v) in _writes)
            if (k.StartsWith(prefix, StringComparison.Ordinal)) merged[k] = v;
        foreach (var (k, v) in merged)
            if (v is not null) yield return new(k, v);
    }

    public void Set(string key, string canonicalJson) => _writes[key] = canonicalJson;

    public void Delete(string key) => _writes[key] = null;

    public void MergeInto(StateOverlay target)
    {
        foreach (var (k, v) in _writes) target._writes[k] = v;
    }
}

/// <summary>An empty state: the starting point of genesis and of a full replay.</summary>
public sealed class EmptyState : IStateReader
{
    public static readonly EmptyState Instance = new();
    public string? Get(string key) => null;
    public IEnumerable<KeyValuePair<string, string>> Scan(string prefix) => [];
}

/// <summary>
/// The state root commits to the whole history of state changes:
/// stateRoot(h) = SM3(stateRoot(h-1) || SM3(canonical(writes(h)))), stateRoot(-1) = 32 zero bytes,
/// where writes(h) is the JSON array of [key, value-or-null] pairs sorted by key (value embedded as JSON).
/// Two nodes agree on it only if they applied the same writes in every block; it is recomputed by `verify`.
/// It does not give per-key membership proofs (a Merkle state tree would; not needed by any receipt yet).
/// </summary>
public static class StateRoot
{
    public static byte[] Next(ReadOnlySpan<byte> previous, IReadOnlyDictionary<string, string?> sortedWrites) =>
        Sm3.Hash(previous, WriteSetHash(sortedWrites));

    public static byte[] WriteSetHash(IReadOnlyDictionary<string, string?> sortedWrites)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        buffer.Write("["u8);
        var first = true;
        foreach (var (key, value) in sortedWrites.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!first) buffer.Write(","u8);
            first = false;
            buffer.Write("["u8);
            CanonicalJson.WriteString(key, buffer);
            buffer.Write(","u8);
            if (value is null) buffer.Write("null"u8);
            else buffer.Write(System.Text.Encoding.UTF8.GetBytes(value));
            buffer.Write("]"u8);
        }
        buffer.Write("]"u8);
        return Sm3.Hash(buffer.WrittenSpan);
    }
}
