using System.Text.Json;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Merkle;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Proofs;

/// <summary>
/// The proof bundle of one committed transaction ("consortium-receipt/1"): everything a court, regulator or member
/// needs to verify it offline with any SM2/SM3 implementation. Byte layouts: docs/ledger-format.md.
/// </summary>
public sealed class Receipt
{
    public const string Format = "consortium-receipt/1";

    public JsonObject Json { get; }

    private Receipt(JsonObject json) => Json = json;

    internal static Receipt Create(string chainId, string genesisHash, SignedTransaction tx, string signerPublicKey, TxResult result,
        MerkleProof txProof, MerkleProof resultProof, BlockHeader header, string blockHash, byte[] headerSignature, string proposerPublicKey)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["chainId"] = chainId,
            ["genesisHash"] = genesisHash,
            ["tx"] = JsonNode.Parse(tx.BodyBytes),
            ["txId"] = tx.IdHex,
            ["signature"] = Hex.Encode(tx.Signature),
            ["signatureEncoding"] = Sm2.SignatureEncoding,
            ["signerPublicKey"] = signerPublicKey,
            ["result"] = JsonNode.Parse(result.ToCanonicalBytes()),
            ["merkle"] = ProofJson(txProof),
            ["resultMerkle"] = ProofJson(resultProof),
            ["header"] = JsonNode.Parse(header.ToCanonicalBytes()),
            ["blockHash"] = blockHash,
            ["headerSignature"] = Hex.Encode(headerSignature),
            ["proposerPublicKey"] = proposerPublicKey,
        };
        return new Receipt(json);
    }

    private static JsonObject ProofJson(MerkleProof proof) => new()
    {
        ["index"] = proof.Index,
        ["treeSize"] = proof.TreeSize,
        ["path"] = new JsonArray(proof.Path.Select(p => (JsonNode)JsonValue.Create(Hex.Encode(p))!).ToArray()),
    };

    public string TxId => Json["txId"]!.GetValue<string>();

    public string ToJson(bool indented = true) => Json.ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
