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

    // The same keys in a set whose ranges can be taken: a scan visits only the writes under its prefix. A transaction
    // that writes thousands of keys and scans for every item (settling 1,000 demand-response participants, matching a
    // block of orders) would otherwise walk all its writes on every scan.
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string?> Writes => _writes;

    public string? Get(string key) => _writes.TryGetValue(key, out var v) ? v : inner.Get(key);

    public IEnumerable<KeyValuePair<string, string>> Scan(string prefix)
    {
        // Both sides are copied before the first row is yielded (the base's scan is a list or copies likewise),
        // so a caller may write while it enumerates.
        var own = new List<KeyValuePair<string, string?>>();
        foreach (var key in KeysUnder(prefix))
            if (key.StartsWith(prefix, StringComparison.Ordinal)) own.Add(new(key, _writes[key]));
        var rows = own.Count == 0 ? inner.Scan(prefix) : Merge(inner.Scan(prefix), own);
        foreach (var row in rows) yield return row;
    }

    public void Set(string key, string canonicalJson)
    {
        _writes[key] = canonicalJson;
        _keys.Add(key);
    }

    public void Delete(string key)
    {
        _writes[key] = null;
        _keys.Add(key);
    }

    public void MergeInto(StateOverlay target)
    {
        foreach (var (k, v) in _writes)
        {
            target._writes[k] = v;
            target._keys.Add(k);
        }
    }

    /// <summary>
    /// The written keys from <paramref name="prefix"/> up to the prefix with its last code unit incremented: every key
    /// starting with the prefix, in UTF-16 code-unit order, plus at most that upper bound itself (the caller filters it).
    /// </summary>
    private IEnumerable<string> KeysUnder(string prefix)
    {
        if (_keys.Count == 0) return [];
        if (prefix.Length == 0 || prefix[^1] == char.MaxValue) return _keys;
        var upper = prefix[..^1] + (char)(prefix[^1] + 1);
        return _keys.GetViewBetween(prefix, upper);
    }

    /// <summary>The base's rows (key order) with this overlay's writes under the prefix (key order) laid over them.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Merge(IEnumerable<KeyValuePair<string, string>> under, List<KeyValuePair<string, string?>> own)
    {
        var i = 0;
        foreach (var row in under)
        {
            for (; i < own.Count && string.CompareOrdinal(own[i].Key, row.Key) < 0; i++)
                if (own[i].Value is { } added) yield return new(own[i].Key, added);
            if (i < own.Count && own[i].Key == row.Key)
            {
                if (own[i].Value is { } replaced) yield return new(row.Key, replaced);
                i++;
                continue;
            }
            yield return row;
        }
        for (; i < own.Count; i++)
            if (own[i].Value is { } added) yield return new(own[i].Key, added);
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
