using System.Buffers.Binary;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Chain.Model;

/// <summary>
/// Block header. blockHash = SM3(canonical(header)); the proposer node signs the same bytes.
/// Unlike CometBFT's one-block lag, stateRoot and receiptsRoot are those of THIS block: the leader executes the
/// block before proposing it, so a receipt proves its result with a single header (see docs/architecture.md).
/// genesisHash names the chain (all zeros in block 0, whose own hash is the genesis hash).
/// </summary>
public sealed record BlockHeader(
    long Height, string PrevHash, string TxRoot, int TxCount, long Timestamp, string Proposer, string StateRoot, string ReceiptsRoot,
    string GenesisHash)
{
    public static readonly string ZeroHash = new('0', 64);

    public byte[] ToCanonicalBytes() => CanonicalJson.Serialize(new
    {
        genesisHash = GenesisHash, height = Height, prevHash = PrevHash, proposer = Proposer, receiptsRoot = ReceiptsRoot,
        stateRoot = StateRoot, timestamp = Timestamp, txCount = TxCount, txRoot = TxRoot,
    });

    public byte[] Hash() => Sm3.Hash(ToCanonicalBytes());

    public string HashHex() => Hex.Encode(Hash());

    public static BlockHeader FromCanonical(ReadOnlySpan<byte> json) => CanonicalJson.Deserialize<BlockHeader>(json);

    public static BlockHeader FromJson(JsonElement json) => CanonicalJson.Deserialize<BlockHeader>(json);
}

/// <summary>A header, its proposer's signature and the signed transactions, in order.</summary>
public sealed class Block(BlockHeader header, byte[] headerSignature, IReadOnlyList<SignedTransaction> transactions)
{
    private static ReadOnlySpan<byte> Magic => "CPB1"u8;

    public BlockHeader Header { get; } = header;
    public byte[] HeaderSignature { get; } = headerSignature;
    public IReadOnlyList<SignedTransaction> Transactions { get; } = transactions;
    public long Height => Header.Height;

    /// <summary>
    /// The Raft log entry: "CPB1", u32 header length, canonical header, u16 signature length, signature, u32 tx count,
    /// then per tx: u32 body length, canonical body, u16 signature length, signature. Big-endian.
    /// </summary>
    public byte[] Serialize()
    {
        var headerBytes = Header.ToCanonicalBytes();
        var size = 4 + 4 + headerBytes.Length + 2 + HeaderSignature.Length + 4;
        foreach (var tx in Transactions) size += 4 + tx.BodyBytes.Length + 2 + tx.Signature.Length;
        var buffer = new byte[size];
        var w = new SpanWriter(buffer);
        w.Bytes(Magic);
        w.Blob32(headerBytes);
        w.Blob16(HeaderSignature);
        w.U32((uint)Transactions.Count);
        foreach (var tx in Transactions) { w.Blob32(tx.BodyBytes); w.Blob16(tx.Signature); }
        return buffer;
    }

    /// <summary>The canonical header bytes of a serialized block, without parsing its transactions.</summary>
    public static ReadOnlySpan<byte> ReadHeaderBytes(ReadOnlySpan<byte> data)
    {
        var r = new SpanReader(data);
        if (!r.Bytes(4).SequenceEqual(Magic)) throw new FormatException("not a block: bad magic");
        return r.Blob32();
    }

    public static Block Deserialize(ReadOnlySpan<byte> data)
    {
        var r = new SpanReader(data);
        if (!r.Bytes(4).SequenceEqual(Magic)) throw new FormatException("not a block: bad magic");
        var header = BlockHeader.FromCanonical(r.Blob32());
        var signature = r.Blob16().ToArray();
        var count = r.U32();
        // Each transaction takes at least 6 bytes (u32 + u16 lengths): never allocate from an unchecked count.
        if (count > (uint)(r.Remaining / 6)) throw new FormatException("truncated block: transaction count exceeds the data");
        var txs = new SignedTransaction[(int)count];
        for (var i = 0; i < count; i++) txs[i] = SignedTransaction.FromStored(r.Blob32(), r.Blob16().ToArray());
        return new Block(header, signature, txs);
    }

    private ref struct SpanWriter(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _pos;
        public void Bytes(ReadOnlySpan<byte> b) { b.CopyTo(_span[_pos..]); _pos += b.Length; }
        public void U32(uint v) { BinaryPrimitives.WriteUInt32BigEndian(_span[_pos..], v); _pos += 4; }
        public void Blob32(ReadOnlySpan<byte> b) { U32((uint)b.Length); Bytes(b); }
        public void Blob16(ReadOnlySpan<byte> b) { BinaryPrimitives.WriteUInt16BigEndian(_span[_pos..], (ushort)b.Length); _pos += 2; Bytes(b); }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _pos;
        public int Remaining => _span.Length - _pos;
        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || _pos + n > _span.Length) throw new FormatException("truncated block");
            var s = _span.Slice(_pos, n); _pos += n; return s;
        }
        public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));
        public ReadOnlySpan<byte> Blob32() => Bytes((int)U32());
        public ReadOnlySpan<byte> Blob16() => Bytes(BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)));
    }
}
