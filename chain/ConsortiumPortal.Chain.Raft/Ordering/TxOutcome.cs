using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>What became of a submitted transaction: committed at (height, index) with its result, or refused.</summary>
public sealed record TxOutcome(string TxId, long Height, int Index, TxResult? Result, AdmissionError? Refusal)
{
    public bool IsCommitted => Refusal is null;

    public static TxOutcome Refused(string txId, AdmissionError reason) => new(txId, -1, -1, null, reason);
}
