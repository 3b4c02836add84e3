using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>
/// How a follower hands admitted transactions to the leader (the deployable does it over HTTP, signed with the node
/// key). Raft itself does not forward writes (STACK.md), and this project keeps web out of the ordering layer.
/// </summary>
public interface ITransactionForwarder
{
    /// <summary>Sends <paramref name="transactions"/> to the leader at <paramref name="leaderUrl"/>.</summary>
    /// <returns>
    /// The leader's answer: per transaction id, the reason it refused it (transactions not named were admitted).
    /// Throws when the leader could not be reached or is no longer the leader: the caller keeps them and retries.
    /// </returns>
    Task<IReadOnlyDictionary<string, AdmissionError>> ForwardAsync(string leaderUrl, IReadOnlyList<SignedTransaction> transactions, CancellationToken token);
}
