using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Merkle;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Signers;

namespace ConsortiumPortal.Chain.Proofs;

/// <summary>One named check of a receipt and whether it passed.</summary>
public sealed record ReceiptCheck(string Name, bool Passed, string Detail);

public sealed record ReceiptVerification(IReadOnlyList<ReceiptCheck> Checks)
{
    public bool IsValid => Checks.Count > 0 && Checks.All(c => c.Passed);
    public ReceiptCheck? FirstFailure => Checks.FirstOrDefault(c => !c.Passed);
}

/// <summary>
/// Verifies a receipt from its JSON alone, the way an independent verifier would (docs/ledger-format.md):
/// txId = SM3(JCS(tx)); the SM2 signature over JCS(tx) by signerPublicKey; result.txId = txId; the tx and result
/// audit paths lead to header.txRoot and header.receiptsRoot; blockHash = SM3(JCS(header)); the proposer's SM2
/// signature over JCS(header); the header names the receipt's genesis hash and the tx the receipt's chain id.
/// </summary>
public static class ReceiptVerifier
{
    public static ReceiptVerification Verify(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Verify(doc.RootElement);
        }
        catch (JsonException e) { return new([new ReceiptCheck("json", false, $"not JSON: {e.Message}")]); }
    }

    public static ReceiptVerification Verify(JsonElement r)
    {
        if (r.ValueKind != JsonValueKind.Object) return new([new ReceiptCheck("json", false, "a receipt is a JSON object")]);
        var checks = new List<ReceiptCheck>();
        void Check(string name, Func<(bool, string)> test)
        {
            try { var (ok, detail) = test(); checks.Add(new ReceiptCheck(name, ok, detail)); }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException
                                          or CanonicalJsonException or ArgumentException or JsonException)
            {
                checks.Add(new ReceiptCheck(name, false, e.Message));
            }
        }
        string Str(string field) => r.GetProperty(field).GetString() ?? throw new FormatException($"{field} is null");
        JsonElement Obj(JsonElement e, string field) => e.GetProperty(field) is { ValueKind: JsonValueKind.Object } o ? o : throw new FormatException($"{field} must be an object");

        Check("format", () => (Str("format") == Receipt.Format, $"format is \"{Receipt.Format}\""));
        Check("tx id", () =>
        {
            var id = Hex.Encode(Sm3.Hash(CanonicalJson.Canonicalize(Obj(r, "tx"))));
            return (id == Str("txId"), $"SM3(JCS(tx)) = {id}");
        });
        Check("chain id", () => (Obj(r, "tx").GetProperty("chainId").GetString() == Str("chainId"), "the transaction names the receipt's chain"));
        Check("transaction signature", () =>
        {
            var key = Sm2.PublicKeyFromHex(Str("signerPublicKey"));
            var message = CanonicalJson.Canonicalize(Obj(r, "tx"));
            var signature = Hex.Decode(Str("signature"));
            var ok = Str("signatureEncoding") switch
            {
                "raw" => Sm2.Verify(key, message, signature),
                "der" => VerifyDer(key, message, signature),
                var other => throw new FormatException($"unknown signature encoding \"{other}\""),
            };
            return (ok, "SM2 (user ID 1234567812345678) over JCS(tx) by signerPublicKey");
        });
        Check("result belongs to tx", () => (Obj(r, "result").GetProperty("txId").GetString() == Str("txId"), "result.txId = txId"));
        var header = r.TryGetProperty("header", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        Check("tx inclusion", () =>
        {
            var proof = ReadProof(Obj(r, "merkle"));
            var ok = proof.TreeSize == header.GetProperty("txCount").GetInt32()
                     && proof.Verify(Hex.Decode(Str("txId")), Hex.Decode(header.GetProperty("txRoot").GetString()!));
            return (ok, $"audit path of leaf {proof.Index} of {proof.TreeSize} leads to header.txRoot");
        });
        Check("result inclusion", () =>
        {
            var proof = ReadProof(Obj(r, "resultMerkle"));
            var txProof = ReadProof(Obj(r, "merkle"));
            var leaf = Sm3.Hash(CanonicalJson.Canonicalize(Obj(r, "result")));
            var ok = proof.Index == txProof.Index && proof.TreeSize == txProof.TreeSize
                     && proof.Verify(leaf, Hex.Decode(header.GetProperty("receiptsRoot").GetString()!));
            return (ok, "audit path of SM3(JCS(result)) leads to header.receiptsRoot");
        });
        Check("block hash", () =>
        {
            var hash = Hex.Encode(Sm3.Hash(CanonicalJson.Canonicalize(Obj(r, "header"))));
            return (hash == Str("blockHash"), $"SM3(JCS(header)) = {hash}");
        });
        Check("header signature", () =>
        {
            var ok = Sm2.Verify(Sm2.PublicKeyFromHex(Str("proposerPublicKey")), CanonicalJson.Canonicalize(Obj(r, "header")), Hex.Decode(Str("headerSignature")));
            return (ok, "SM2 over JCS(header) by proposerPublicKey");
        });
        Check("genesis", () =>
        {
            var named = header.GetProperty("genesisHash").GetString();
            var ok = header.GetProperty("height").GetInt64() == 0 ? Str("blockHash") == Str("genesisHash") : named == Str("genesisHash");
            return (ok, "the header names the receipt's genesis hash");
        });
        return new ReceiptVerification(checks);
    }

    private static MerkleProof ReadProof(JsonElement proof) => new(
        proof.GetProperty("index").GetInt32(), proof.GetProperty("treeSize").GetInt32(),
        proof.GetProperty("path").EnumerateArray().Select(p => Hex.Decode(p.GetString()!)).ToArray());

    private static bool VerifyDer(Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters key, byte[] message, byte[] signature)
    {
        var signer = new SM2Signer(StandardDsaEncoding.Instance, new SM3Digest());
        signer.Init(false, key);
        signer.BlockUpdate(message, 0, message.Length);
        try { return signer.VerifySignature(signature); }
        catch (Exception) { return false; }
    }
}
