using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain;

/// <summary>
/// The signatures a node checked at admission, by transaction id, until the transaction commits. A block carrying the
/// same transaction with the same signature bytes is not checked again; any other signature bytes are. Bounded: past
/// <see cref="Capacity"/> (transactions admitted but never committed) it starts afresh, which only costs re-verifying.
/// </summary>
internal sealed class VerifiedSignatures
{
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<string, byte[]> _byTxId = new(StringComparer.Ordinal);

    public void Add(SignedTransaction tx)
    {
        if (_byTxId.Count >= Capacity) _byTxId.Clear();
        _byTxId[tx.IdHex] = tx.Signature;
    }

    /// <summary>Marks the transactions whose exact signature this node already verified.</summary>
    public void Mark(IReadOnlyList<SignedTransaction> transactions)
    {
        foreach (var tx in transactions)
            if (_byTxId.TryGetValue(tx.IdHex, out var signature) && signature.AsSpan().SequenceEqual(tx.Signature))
                tx.SignatureVerified = true;
    }

    public void Forget(IReadOnlyList<SignedTransaction> transactions)
    {
        foreach (var tx in transactions) _byTxId.TryRemove(tx.IdHex, out _);
    }
}
