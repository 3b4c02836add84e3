using System.Collections.Concurrent;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Merkle;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Chain.Execution;

/// <summary>The deterministic result of executing a block over some state.</summary>
/// <param name="ResultBytes">canonical bytes of each result, computed once for the receipts root and storage.</param>
public sealed record BlockExecution(
    IReadOnlyDictionary<string, string?> Writes, IReadOnlyList<TxResult> Results, IReadOnlyList<byte[]> ResultBytes, byte[] StateRoot, byte[] ReceiptsRoot);

/// <summary>A block is invalid as a whole (bad signature, broken link): it must never be applied.</summary>
public sealed class InvalidBlockException(long height, string reason) : Exception($"block {height} is invalid: {reason}")
{
    public long Height { get; } = height;
    public string Reason { get; } = reason;
}

/// <summary>
/// Executes transactions in order over a state overlay. Per transaction: the signer must hold a valid certificate,
/// the chain id must match, the expiry height must not have passed; then the contract runs on a private overlay that
/// is merged only on success. Every outcome, success or failure, becomes a TxResult.
/// </summary>
public sealed class BlockExecutor(ContractRegistry contracts, string chainId)
{
    public ContractRegistry Contracts { get; } = contracts;
    public string ChainId { get; } = chainId;

    /// <summary>Transactions whose signature this node already checked (at admission) are not verified again.</summary>
    public BlockExecution Execute(IStateReader committed, byte[] previousStateRoot, long height, long blockTime,
        IReadOnlyList<SignedTransaction> transactions)
    {
        if (height > 0) VerifySignatures(committed, height, transactions);
        var block = new StateOverlay(committed);
        var results = new TxResult[transactions.Count];
        for (var i = 0; i < transactions.Count; i++)
            results[i] = ExecuteOne(block, height, blockTime, transactions[i]);
        var stateRoot = StateRoot.Next(previousStateRoot, block.Writes);
        var resultBytes = results.Select(r => r.ToCanonicalBytes()).ToArray();
        var receiptsRoot = MerkleTree.Root(resultBytes.Select(b => Sm3.Hash(b)).ToArray());
        return new BlockExecution(block.Writes, results, resultBytes, stateRoot, receiptsRoot);
    }

    private TxResult ExecuteOne(StateOverlay block, long height, long blockTime, SignedTransaction tx)
    {
        var body = tx.Body;
        CallerIdentity caller;
        if (height == 0) caller = CallerIdentity.Genesis;
        else
        {
            if (body.ChainId != ChainId) return TxResult.Failure(tx.IdHex, $"wrong chain id \"{body.ChainId}\"");
            if (body.ExpiryHeight < height) return TxResult.Failure(tx.IdHex, $"expired at height {body.ExpiryHeight}");
            var (resolved, _, error) = MembershipContract.ResolveSigner(block, body.Signer);
            if (resolved is null) return TxResult.Failure(tx.IdHex, error!);
            caller = resolved;
        }
        var overlay = new StateOverlay(block);
        var context = new ContractContext(caller, height, blockTime, tx.IdHex, overlay);
        try
        {
            var output = Contracts.Invoke(body.Contract, body.Method, context, body.Args);
            JsonElement? outputJson = null;
            if (output is not null)
            {
                using var doc = JsonDocument.Parse(Encoding.CanonicalJson.Serialize(output));
                outputJson = doc.RootElement.Clone();
            }
            overlay.MergeInto(block);
            return new TxResult(tx.IdHex, TxResult.Ok, null, context.Events, outputJson);
        }
        catch (ContractException e) { return TxResult.Failure(tx.IdHex, e.Message); }
        catch (Encoding.CanonicalJsonException e) { return TxResult.Failure(tx.IdHex, $"invalid value: {e.Message}"); }
        catch (Exception e) when (e is OverflowException or ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            // A contract bug or hostile input reaching an unchecked path: still deterministic, so record it.
            return TxResult.Failure(tx.IdHex, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Checks every not-yet-verified signature against the signer's key, on all cores. Keys come from committed
    /// state: certificates are issued in an earlier block than any transaction they sign (admission enforces it).
    /// </summary>
    private static void VerifySignatures(IStateReader committed, long height, IReadOnlyList<SignedTransaction> txs)
    {
        var keys = new ConcurrentDictionary<string, Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters?>(StringComparer.Ordinal);
        var pending = txs.Where(t => !t.SignatureVerified).ToArray();
        if (pending.Length == 0) return;
        foreach (var signer in pending.Select(t => t.Body.Signer).Distinct())
        {
            var cert = MembershipContract.Read<Certificate>(committed, MembershipContract.Keys.Certificate(signer));
            keys[signer] = cert is null ? null : SignerKeys.Get(cert.Id, cert.PublicKey);
        }
        string? failure = null;
        Parallel.ForEach(pending, tx =>
        {
            var key = keys[tx.Body.Signer];
            if (key is null) failure ??= $"transaction {tx.IdHex} names unknown signer \"{tx.Body.Signer}\"";
            else if (!tx.VerifySignature(key)) failure ??= $"transaction {tx.IdHex} has an invalid signature";
            else tx.SignatureVerified = true;
        });
        if (failure is not null) throw new InvalidBlockException(height, failure);
    }
}
