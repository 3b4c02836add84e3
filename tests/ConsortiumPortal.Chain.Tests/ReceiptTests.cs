using System.Text.Json;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Proofs;

namespace ConsortiumPortal.Chain.Tests;

public sealed class ReceiptTests
{
    private static readonly string[] TopLevelFields =
    [
        "format", "chainId", "genesisHash", "tx", "txId", "signature", "signatureEncoding", "signerPublicKey", "result", "merkle",
        "resultMerkle", "header", "blockHash", "headerSignature", "proposerPublicKey",
    ];

    private static void AssertValid(string json)
    {
        var verification = ReceiptVerifier.Verify(json);
        Assert.True(verification.IsValid, $"receipt does not verify: {verification.FirstFailure?.Name}: {verification.FirstFailure?.Detail}");
    }

    [Fact]
    public void A_committed_transaction_has_a_receipt_that_verifies_offline()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a", 3);
        var block = chain.Commit(tx);
        var receipt = chain.Ledger.GetReceipt(tx.IdHex)!;
        Assert.Equal(tx.IdHex, receipt.TxId);
        var json = receipt.ToJson();
        AssertValid(json);
        AssertValid(receipt.ToJson(indented: false));

        var r = receipt.Json;
        Assert.Equal(TopLevelFields.Order(StringComparer.Ordinal), r.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(Receipt.Format, r["format"]!.GetValue<string>());
        Assert.Equal(TestChain.ChainId, r["chainId"]!.GetValue<string>());
        Assert.Equal(chain.Ledger.GenesisHash, r["genesisHash"]!.GetValue<string>());
        Assert.Equal(block.Header.HashHex(), r["blockHash"]!.GetValue<string>());
        Assert.Equal(chain.OrgA.PublicKeyHex, r["signerPublicKey"]!.GetValue<string>());
        Assert.Equal(chain.NodeKey.PublicKeyHex, r["proposerPublicKey"]!.GetValue<string>());
        Assert.Equal("ok", r["result"]!["status"]!.GetValue<string>());

        var verification = ReceiptVerifier.Verify(json);
        Assert.Equal(
            ["format", "tx id", "chain id", "transaction signature", "result belongs to tx", "tx inclusion", "result inclusion", "block hash",
             "header signature", "genesis"],
            verification.Checks.Select(c => c.Name));
        Assert.Null(verification.FirstFailure);
    }

    [Fact]
    public void Receipts_are_found_by_id_and_by_position_and_survive_a_restart()
    {
        using var chain = new TestChain();
        var txs = Enumerable.Range(0, 3).Select(i => chain.Increment(chain.AdminA, "k" + i, i + 1)).ToArray();
        chain.Commit(txs);
        var byId = chain.Ledger.GetReceipt(txs[2].IdHex)!.ToJson();
        Assert.Equal(byId, chain.Ledger.GetReceipt(1, 2)!.ToJson());
        Assert.Null(chain.Ledger.GetReceipt(new string('0', 64)));
        Assert.Null(chain.Ledger.GetReceipt(1, 3));
        Assert.Null(chain.Ledger.GetReceipt(2, 0));
        chain.Reopen();
        Assert.Equal(byId, chain.Ledger.GetReceipt(txs[2].IdHex)!.ToJson());
        AssertValid(byId);
    }

    [Fact]
    public void Receipts_in_a_block_of_seven_transactions_carry_real_audit_paths_and_verify()
    {
        using var chain = new TestChain();
        var txs = Enumerable.Range(0, 7).Select(i => i == 4
            ? chain.AdminB.Build(CounterContract.ContractName, "fail", new { reason = "number four" }, 0)
            : chain.Increment(i % 2 == 0 ? chain.AdminA : chain.AdminB, "k" + i, i)).ToArray();
        chain.Commit(txs);
        for (var i = 0; i < txs.Length; i++)
        {
            var receipt = chain.Ledger.GetReceipt(txs[i].IdHex)!;
            var merkle = receipt.Json["merkle"]!;
            Assert.Equal(i, merkle["index"]!.GetValue<int>());
            Assert.Equal(7, merkle["treeSize"]!.GetValue<int>());
            Assert.Equal(i == 6 ? 2 : 3, merkle["path"]!.AsArray().Count); // leaf 6 of 7: siblings (4,5) and (0..3)
            Assert.Equal(merkle["path"]!.AsArray().Count, receipt.Json["resultMerkle"]!["path"]!.AsArray().Count);
            AssertValid(receipt.ToJson());
        }
    }

    [Fact]
    public void A_failed_transaction_has_a_verifiable_receipt_that_states_the_failure()
    {
        using var chain = new TestChain();
        var fail = chain.AdminA.Build(CounterContract.ContractName, "fail", new { reason = "insufficient balance" }, 0);
        chain.Commit(chain.Increment(chain.AdminA, "a"), fail);
        var receipt = chain.Ledger.GetReceipt(fail.IdHex)!;
        Assert.Equal("failed", receipt.Json["result"]!["status"]!.GetValue<string>());
        Assert.Equal("refused: insufficient balance", receipt.Json["result"]!["error"]!.GetValue<string>());
        AssertValid(receipt.ToJson());
    }

    // ---- tampering: every leaf of the receipt matters ----------------------------------------------------------------

    private static bool IsLowerHex(string s) => s.Length > 0 && s.Length % 2 == 0 && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static char OtherHexDigit(char c) => c == '0' ? '1' : '0';

    /// <summary>Every leaf of a JSON tree, by path; null leaves included (JsonObject stores them as null nodes).</summary>
    private static IEnumerable<(object[] Path, JsonNode? Leaf)> Leaves(JsonNode? node, object[] path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) foreach (var leaf in Leaves(v, [.. path, k])) yield return leaf;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) foreach (var leaf in Leaves(a[i], [.. path, i])) yield return leaf;
                break;
            default:
                yield return (path, node);
                break;
        }
    }

    /// <summary>Copies of the receipt, each with exactly one leaf changed, named by its path.</summary>
    private static IEnumerable<(string What, string Json)> Mutations(string receiptJson)
    {
        var original = JsonNode.Parse(receiptJson)!;
        foreach (var (path, leaf) in Leaves(original, []).ToArray())
        {
            var name = string.Join("/", path);
            IEnumerable<(string, JsonNode?)> replacements = leaf switch
            {
                null => [("null -> \"x\"", JsonValue.Create("x"))],
                JsonValue v when v.GetValueKind() == JsonValueKind.String && IsLowerHex(v.GetValue<string>()) =>
                [
                    ("first hex digit", JsonValue.Create(OtherHexDigit(v.GetValue<string>()[0]) + v.GetValue<string>()[1..])),
                    ("last hex digit", JsonValue.Create(v.GetValue<string>()[..^1] + OtherHexDigit(v.GetValue<string>()[^1]))),
                ],
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [("appended char", JsonValue.Create(v.GetValue<string>() + "x"))],
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => [("+1", JsonValue.Create(v.GetValue<long>() + 1))],
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
                    [("flipped", JsonValue.Create(v.GetValueKind() == JsonValueKind.False))],
                _ => throw new InvalidOperationException($"unexpected leaf at {name}"),
            };
            foreach (var (how, replacement) in replacements)
            {
                var copy = original.DeepClone();
                var parent = copy;
                foreach (var step in path[..^1]) parent = step is string key ? parent![key] : parent![(int)step];
                if (path[^1] is string last) parent![last] = replacement;
                else parent![(int)path[^1]] = replacement;
                yield return ($"{name} ({how})", copy.ToJsonString());
            }
        }
    }

    private static int AssertEveryLeafMatters(string receiptJson)
    {
        AssertValid(receiptJson);
        var count = 0;
        foreach (var (what, json) in Mutations(receiptJson))
        {
            count++;
            Assert.NotEqual(receiptJson, json);
            var verification = ReceiptVerifier.Verify(json);
            Assert.False(verification.IsValid, $"receipt still verifies after changing {what}");
        }
        return count;
    }

    [Fact]
    public void Changing_any_single_leaf_of_a_receipt_breaks_verification()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a", 3);
        chain.Commit(chain.Increment(chain.AdminB, "b", 1), tx, chain.Increment(chain.AdminA, "c", 2));
        var json = chain.Ledger.GetReceipt(tx.IdHex)!.ToJson();
        var mutations = AssertEveryLeafMatters(json);
        Assert.True(mutations > 40, $"only {mutations} mutations: the walk missed parts of the receipt");
        foreach (var required in new[] { "tx/args/by", "result/events/0/data/value", "result/error", "merkle/path/1", "header/txCount", "resultMerkle/index" })
            Assert.Contains(Mutations(json), m => m.What.StartsWith(required + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Changing_any_single_leaf_breaks_verification_for_every_receipt_of_a_large_block_and_for_a_failed_tx()
    {
        using var chain = new TestChain();
        var txs = Enumerable.Range(0, 6).Select(i => chain.Increment(chain.AdminA, "k" + i, i)).ToList();
        txs.Insert(3, chain.AdminB.Build(CounterContract.ContractName, "fail", new { reason = "no" }, 0));
        txs.Add(chain.AdminA.Build(CounterContract.ContractName, "put", new { key = "flag", value = "on" }, 0)); // output null
        chain.Commit([.. txs]);
        var receipts = txs.Select(tx => chain.Ledger.GetReceipt(tx.IdHex)!.ToJson()).ToArray();
        Parallel.ForEach(receipts, json => AssertEveryLeafMatters(json));
    }

    [Fact]
    public void Removing_any_top_level_field_breaks_verification()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a");
        chain.Commit(tx);
        var receipt = chain.Ledger.GetReceipt(tx.IdHex)!;
        foreach (var field in TopLevelFields)
        {
            var copy = receipt.Json.DeepClone().AsObject();
            copy.Remove(field);
            Assert.False(ReceiptVerifier.Verify(copy.ToJsonString()).IsValid, $"receipt verifies without {field}");
        }
    }

    [Fact]
    public void A_receipt_from_another_transaction_in_the_same_block_cannot_be_spliced()
    {
        using var chain = new TestChain();
        var t1 = chain.Increment(chain.AdminA, "a", 1);
        var t2 = chain.Increment(chain.AdminA, "b", 2);
        chain.Commit(t1, t2);
        var r1 = chain.Ledger.GetReceipt(t1.IdHex)!.Json;
        var r2 = chain.Ledger.GetReceipt(t2.IdHex)!.Json;

        var swappedResult = r1.DeepClone().AsObject();
        swappedResult["result"] = r2["result"]!.DeepClone();
        Assert.False(ReceiptVerifier.Verify(swappedResult.ToJsonString()).IsValid);

        var swappedProof = r1.DeepClone().AsObject();
        swappedProof["merkle"] = r2["merkle"]!.DeepClone();
        swappedProof["resultMerkle"] = r2["resultMerkle"]!.DeepClone();
        Assert.False(ReceiptVerifier.Verify(swappedProof.ToJsonString()).IsValid);

        var otherSigner = r1.DeepClone().AsObject();
        otherSigner["signerPublicKey"] = chain.OrgB.PublicKeyHex;
        Assert.False(ReceiptVerifier.Verify(otherSigner.ToJsonString()).IsValid);
    }

    [Fact]
    public void A_DER_encoded_transaction_signature_is_also_accepted()
    {
        using var chain = new TestChain();
        var tx = chain.Increment(chain.AdminA, "a");
        chain.Commit(tx);
        var r = chain.Ledger.GetReceipt(tx.IdHex)!.Json.DeepClone().AsObject();
        var raw = Hex.Decode(r["signature"]!.GetValue<string>());
        var der = new Org.BouncyCastle.Asn1.DerSequence(
            new Org.BouncyCastle.Asn1.DerInteger(new Org.BouncyCastle.Math.BigInteger(1, raw[..32])),
            new Org.BouncyCastle.Asn1.DerInteger(new Org.BouncyCastle.Math.BigInteger(1, raw[32..]))).GetDerEncoded();
        r["signature"] = Hex.Encode(der);
        r["signatureEncoding"] = "der";
        AssertValid(r.ToJsonString());
        r["signatureEncoding"] = "raw";
        Assert.False(ReceiptVerifier.Verify(r.ToJsonString()).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"format\":\"consortium-receipt/1\"}")]
    public void Garbage_is_reported_as_invalid_without_throwing(string json)
    {
        var verification = ReceiptVerifier.Verify(json);
        Assert.False(verification.IsValid);
        Assert.NotNull(verification.FirstFailure);
    }
}
