using System.Collections.Concurrent;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Merkle;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Proofs;
using ConsortiumPortal.Chain.Storage;

namespace ConsortiumPortal.Chain;

/// <summary>The state of the chain diverged from what a block header says: the node must stop.</summary>
public sealed class StateDivergenceException(string message) : Exception(message);

/// <summary>Why a transaction was refused at admission; nothing of it is stored.</summary>
public sealed record AdmissionError(string Code, string Message);

/// <summary>
/// The ledger of one node: genesis, admission checks, proposing and applying blocks, receipts. Knows nothing of
/// Raft or the web: ordering hands it blocks (CometBFT's ABCI split).
/// </summary>
public sealed partial class Ledger : IDisposable
{
    public const string DatabaseFile = "ledger.db";
    private const string ChainIdMeta = "chainId";
    private const string GenesisHashMeta = "genesisHash";

    // Executions of blocks this node proposed, by block hash: applying its own block does not execute it twice.
    private readonly ConcurrentDictionary<string, (Block Block, BlockExecution Execution)> _proposed = new();
    private readonly Lock _applyLock = new();

    // Signatures this node verified when it admitted the transaction: the block that later carries it (from the leader,
    // deserialized afresh) need not verify it again, so every node verifies each signature once.
    private readonly VerifiedSignatures _verified = new();
    private readonly Lock _proposeLock = new();
    // The latest block this node proposed; proposals build on it until it is applied (one block of pipelining).
    private (Block Block, BlockExecution Execution)? _speculative;
    private BlockExecutor _executor;

    public LedgerStore Store { get; }
    public ContractRegistry Contracts { get; }
    public string ChainId { get; private set; }
    public string GenesisHash { get; private set; }
    public long Height => Store.Height;
    public bool IsInitialized => Store.Height >= 0;

    /// <summary>Raised after a block is durably stored (on the applying thread): read models and push updates hang here.</summary>
    public event Action<Block, BlockExecution>? BlockCommitted;

    public Ledger(string dataDirectory, IEnumerable<Contract> contracts)
    {
        Directory.CreateDirectory(dataDirectory);
        Store = new LedgerStore(System.IO.Path.Combine(dataDirectory, DatabaseFile));
        Contracts = new ContractRegistry([new MembershipContract(), .. contracts]);
        ChainId = Store.GetMeta(ChainIdMeta) ?? "";
        GenesisHash = Store.GetMeta(GenesisHashMeta) ?? "";
        _executor = new BlockExecutor(Contracts, ChainId);
    }

    /// <summary>Block 0 of a genesis document: deterministic, so every node derives the same genesis hash.</summary>
    public static (Block Block, BlockExecution Execution) GenesisBlock(GenesisDocument genesis, ContractRegistry contracts)
    {
        using var args = JsonDocument.Parse(CanonicalJson.Serialize(genesis));
        var tx = SignedTransaction.Create(new TransactionBody(genesis.ChainId, "genesis", MembershipContract.ContractName, "genesis",
            args.RootElement.Clone(), "genesis", genesis.Timestamp, 0), []);
        var execution = new BlockExecutor(contracts, genesis.ChainId).Execute(State.EmptyState.Instance, new byte[32], 0, genesis.Timestamp, [tx]);
        var header = new BlockHeader(0, BlockHeader.ZeroHash, Hex.Encode(MerkleTree.Root([tx.Id])), 1, genesis.Timestamp, "genesis",
            Hex.Encode(execution.StateRoot), Hex.Encode(execution.ReceiptsRoot), BlockHeader.ZeroHash);
        return (new Block(header, [], [tx]), execution);
    }

    public void InitializeGenesis(GenesisDocument genesis)
    {
        if (IsInitialized) throw new InvalidOperationException("the ledger already has a genesis block");
        var (block, execution) = GenesisBlock(genesis, Contracts);
        if (!execution.Results[0].Succeeded) throw new InvalidOperationException($"genesis failed: {execution.Results[0].Error}");
        Store.SetMeta(ChainIdMeta, genesis.ChainId);
        Store.SetMeta(GenesisHashMeta, block.Header.HashHex());
        ChainId = genesis.ChainId;
        GenesisHash = block.Header.HashHex();
        _executor = new BlockExecutor(Contracts, ChainId);
        Store.Append(block, execution);
    }

    /// <summary>
    /// Checks what can be checked before ordering, so bad input is refused with a reason and never committed:
    /// chain id, expiry, replay, signer certificate, contract and method, signature (verified here, once per node).
    /// </summary>
    public AdmissionError? Admit(SignedTransaction tx)
    {
        var body = tx.Body;
        if (body.ChainId != ChainId) return new("wrong-chain", $"wrong chain id \"{body.ChainId}\"; this chain is \"{ChainId}\"");
        var nextHeight = Height + 1;
        if (body.ExpiryHeight < nextHeight) return new("expired", $"transaction expired at height {body.ExpiryHeight}; the next block is {nextHeight}");
        if (!Contracts.Exists(body.Contract, body.Method)) return new("unknown-method", $"unknown contract method \"{body.Contract}.{body.Method}\"");
        if (Store.ContainsTransaction(tx.IdHex)) return new("duplicate", $"transaction {tx.IdHex} is already committed");
        var (caller, certificate, error) = MembershipContract.ResolveSigner(Store.Committed, body.Signer);
        if (caller is null) return new(certificate is null ? "unknown-signer" : "revoked", error!);
        if (!tx.VerifySignature(SignerKeys.Get(certificate!.Id, certificate.PublicKey)))
            return new("bad-signature", "the signature does not verify against the signer's certificate");
        tx.SignatureVerified = true;
        _verified.Add(tx);
        return null;
    }

    /// <summary>
    /// Leader: executes the candidate transactions and returns the signed block. The block builds on the latest block
    /// this node proposed if that one is not applied yet (so the leader can execute block h+1 while block h is being
    /// replicated and stored), else on the committed head. The caller keeps at most one proposed block unapplied.
    /// Transactions already committed (or in the block below), repeated or expired are left out, in <paramref name="dropped"/>.
    /// </summary>
    public Block Propose(IReadOnlyList<SignedTransaction> candidates, string proposerId, Sm2KeyPair nodeKey, long now,
        List<(SignedTransaction Tx, AdmissionError Reason)> dropped)
    {
        lock (_proposeLock)
        {
            ProposalBase parent;
            lock (_applyLock) parent = ProposalParent();
            var height = parent.Height + 1;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var txs = new List<SignedTransaction>(candidates.Count);
            foreach (var tx in candidates)
            {
                if (!seen.Add(tx.IdHex) || parent.Contains(tx.IdHex) || Store.ContainsCommittedTransaction(tx.IdHex))
                    dropped.Add((tx, new("duplicate", $"transaction {tx.IdHex} is already committed")));
                else if (tx.Body.ExpiryHeight < height) dropped.Add((tx, new("expired", $"transaction expired at height {tx.Body.ExpiryHeight}")));
                else txs.Add(tx);
            }
            var timestamp = Math.Max(now, parent.Timestamp);
            var execution = _executor.Execute(parent.State, parent.StateRoot, height, timestamp, txs);
            var header = new BlockHeader(height, parent.Hash, Hex.Encode(MerkleTree.Root(txs.Select(t => t.Id).ToArray())), txs.Count,
                timestamp, proposerId, Hex.Encode(execution.StateRoot), Hex.Encode(execution.ReceiptsRoot), GenesisHash);
            var block = new Block(header, nodeKey.Sign(header.ToCanonicalBytes()), txs);
            if (txs.Count == 0) return block; // never replicated, so nothing may build on it
            _proposed[header.HashHex()] = (block, execution);
            _speculative = (block, execution);
            return block;
        }
    }

    /// <summary>What a new proposal builds on: the committed head, or the proposed block just above it.</summary>
    private sealed record ProposalBase(long Height, string Hash, byte[] StateRoot, long Timestamp, State.IStateReader State, Func<string, bool> Contains);

    private ProposalBase ProposalParent()
    {
        if (_speculative is { } s && s.Block.Height == Height + 1 && s.Block.Header.PrevHash == Store.HeadHash)
        {
            // Reads see the unapplied block's writes first; keys it did not write read the same from the store
            // before and after it is applied, so the store may append it meanwhile.
            var state = new State.StateOverlay(Store);
            foreach (var (key, value) in s.Execution.Writes)
                if (value is null) state.Delete(key); else state.Set(key, value);
            var ids = s.Block.Transactions.Select(t => t.IdHex).ToHashSet(StringComparer.Ordinal);
            return new ProposalBase(s.Block.Height, s.Block.Header.HashHex(), s.Execution.StateRoot, s.Block.Header.Timestamp, state, ids.Contains);
        }
        var head = Store.GetBlockHeader(Height)!.Header;
        return new ProposalBase(Height, Store.HeadHash, Store.HeadStateRoot, head.Timestamp, Store, static _ => false);
    }

    /// <summary>
    /// Applies a committed block (from Raft or block sync). Idempotent: a block at or below the stored height is skipped.
    /// Checks the link, Merkle root, proposer signature and transaction signatures, executes, and halts the node
    /// (StateDivergenceException) if the resulting roots differ from the header's.
    /// </summary>
    public bool Apply(ReadOnlySpan<byte> serializedBlock) => Apply(BlockHeader.FromCanonical(Block.ReadHeaderBytes(serializedBlock)), serializedBlock);

    private bool Apply(BlockHeader header, ReadOnlySpan<byte> serializedBlock)
    {
        lock (_applyLock)
        {
            if (header.Height <= Height) return false;
            var hash = header.HashHex();
            if (_proposed.TryRemove(hash, out var own) && own.Block.Header.PrevHash == Store.HeadHash)
            {
                Commit(own.Block, own.Execution);
                ForgetProposalsUpTo(header.Height);
                return true;
            }
            ForgetProposalsUpTo(header.Height);
            Block block;
            try { block = Block.Deserialize(serializedBlock); }
            catch (Exception e) when (e is FormatException or InvalidTransactionException or CanonicalJsonException or JsonException)
            {
                throw new InvalidBlockException(header.Height, $"unreadable: {e.Message}");
            }
            _verified.Mark(block.Transactions);
            var execution = Validate(block, Store, Store.HeadHash, Store.HeadStateRoot, Store.GetBlockHeader(Height)?.Header, ContainsCommitted);
            Commit(block, execution);
            return true;
        }
    }

    public bool Apply(Block block) => Apply(block.Header, block.Serialize());

    /// <summary>
    /// The caller gave up on a proposed block (it could not be replicated): later proposals must not build on it.
    /// </summary>
    public void Abandon(Block block)
    {
        lock (_proposeLock)
        {
            var hash = block.Header.HashHex();
            _proposed.TryRemove(hash, out _);
            if (_speculative is { } s && s.Block.Header.HashHex() == hash) _speculative = null;
        }
    }

    /// <summary>Proposals at or below a committed height can never commit any more.</summary>
    private void ForgetProposalsUpTo(long height)
    {
        foreach (var (key, proposal) in _proposed)
            if (proposal.Block.Height <= height) _proposed.TryRemove(key, out _);
    }

    private bool ContainsCommitted(string txId) => Store.ContainsCommittedTransaction(txId);

    private void Commit(Block block, BlockExecution execution)
    {
        Store.Append(block, execution);
        _verified.Forget(block.Transactions);
        BlockCommitted?.Invoke(block, execution);
    }

    /// <summary>Everything a node (or `verify`) checks about a block before accepting it; returns its execution.</summary>
    internal BlockExecution Validate(Block block, State.IStateReader state, string headHash, byte[] headStateRoot,
        BlockHeader? previous, Func<string, bool> isCommitted)
    {
        var h = block.Header;
        if (h.GenesisHash != GenesisHash) throw new InvalidBlockException(h.Height, $"block names genesis {h.GenesisHash}, this chain is {GenesisHash}");
        if (h.PrevHash != headHash) throw new InvalidBlockException(h.Height, $"previous hash {h.PrevHash} does not match head {headHash}");
        if (previous is not null && h.Timestamp < previous.Timestamp) throw new InvalidBlockException(h.Height, "timestamp goes backwards");
        if (h.TxCount != block.Transactions.Count) throw new InvalidBlockException(h.Height, "transaction count does not match the header");
        if (Hex.Encode(MerkleTree.Root(block.Transactions.Select(t => t.Id).ToArray())) != h.TxRoot)
            throw new InvalidBlockException(h.Height, "transaction Merkle root does not match the header");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tx in block.Transactions)
            if (!seen.Add(tx.IdHex) || isCommitted(tx.IdHex)) throw new InvalidBlockException(h.Height, $"transaction {tx.IdHex} is a replay");
        var node = MembershipContract.Read<ConsortiumNode>(state, MembershipContract.Keys.Node(h.Proposer))
                   ?? throw new InvalidBlockException(h.Height, $"proposer \"{h.Proposer}\" is not a consortium node");
        if (!Sm2.Verify(SignerKeys.Get("node:" + node.Id, node.PublicKey), h.ToCanonicalBytes(), block.HeaderSignature))
            throw new InvalidBlockException(h.Height, "the proposer's header signature does not verify");
        var execution = _executor.Execute(state, headStateRoot, h.Height, h.Timestamp, block.Transactions);
        if (Hex.Encode(execution.StateRoot) != h.StateRoot || Hex.Encode(execution.ReceiptsRoot) != h.ReceiptsRoot)
            throw new StateDivergenceException(
                $"block {h.Height}: this node computed state root {Hex.Encode(execution.StateRoot)} and receipts root {Hex.Encode(execution.ReceiptsRoot)}, " +
                $"the header says {h.StateRoot} and {h.ReceiptsRoot}. The node halts: its state differs from the leader's.");
        return execution;
    }

    /// <summary>The proof bundle of a committed transaction (docs/ledger-format.md).</summary>
    public Receipt? GetReceipt(string txId) => Store.GetTransaction(txId) is { } stored ? BuildReceipt(stored) : null;

    public Receipt? GetReceipt(long height, int index) => Store.GetTransactionAt(height, index) is { } stored ? BuildReceipt(stored) : null;

    private Receipt BuildReceipt(StoredTransaction stored)
    {
        var (block, hash, results) = Store.GetBlock(stored.Height)!.Value;
        var txProof = MerkleTree.Prove(block.Transactions.Select(t => t.Id).ToArray(), stored.Index);
        var resultProof = MerkleTree.Prove(results.Select(r => r.Hash()).ToArray(), stored.Index);
        var certificate = MembershipContract.Read<Certificate>(Store, MembershipContract.Keys.Certificate(stored.Transaction.Body.Signer));
        var proposer = MembershipContract.Read<ConsortiumNode>(Store, MembershipContract.Keys.Node(block.Header.Proposer));
        return Receipt.Create(ChainId, GenesisHash, stored.Transaction, certificate?.PublicKey ?? "", stored.Result, txProof, resultProof,
            block.Header, hash, block.HeaderSignature, proposer?.PublicKey ?? "");
    }

    public void Dispose() => Store.Dispose();
}

/// <summary>Parsed SM2 public keys by certificate id: parsing and on-curve checks cost more than a lookup.</summary>
internal static class SignerKeys
{
    private static readonly ConcurrentDictionary<(string Id, string Key), Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters> Cache = new();

    public static Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters Get(string id, string publicKeyHex) =>
        Cache.GetOrAdd((id, publicKeyHex), static k => Sm2.PublicKeyFromHex(k.Key));
}
