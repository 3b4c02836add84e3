using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Merkle;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Chain.Tests;

public sealed class TransactionBodyTests
{
    private const string ValidBody =
        """{"args":{"key":"a","by":1},"chainId":"test-chain","contract":"counter","expiryHeight":10,"method":"increment","nonce":"n-1","signer":"org-a","timestamp":1700000000000}""";

    private static JsonObject Body() => JsonNode.Parse(ValidBody)!.AsObject();

    private static InvalidTransactionException Refused(JsonNode body) =>
        Assert.Throws<InvalidTransactionException>(() => TransactionBody.FromJson(TestJson.Element(body.ToJsonString())));

    private static string Wire(JsonNode? body, string? signature = "00ff", Action<JsonObject>? edit = null)
    {
        var wire = new JsonObject { ["body"] = body, ["signature"] = signature };
        edit?.Invoke(wire);
        return wire.ToJsonString();
    }

    private static InvalidTransactionException WireRefused(string wire) =>
        Assert.Throws<InvalidTransactionException>(() => SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(wire)));

    [Fact]
    public void A_valid_body_is_read_field_by_field()
    {
        var body = TransactionBody.FromJson(TestJson.Element(ValidBody));
        Assert.Equal("test-chain", body.ChainId);
        Assert.Equal("org-a", body.Signer);
        Assert.Equal("counter", body.Contract);
        Assert.Equal("increment", body.Method);
        Assert.Equal("n-1", body.Nonce);
        Assert.Equal(1700000000000, body.Timestamp);
        Assert.Equal(10, body.ExpiryHeight);
        Assert.Equal("""{"by":1,"key":"a"}""", CanonicalJson.CanonicalizeToString(body.Args));
        Assert.Equal(TestJson.Canonical(ValidBody), System.Text.Encoding.UTF8.GetString(body.ToCanonicalBytes()));
    }

    [Theory]
    [InlineData("chainId")]
    [InlineData("signer")]
    [InlineData("contract")]
    [InlineData("method")]
    [InlineData("args")]
    [InlineData("nonce")]
    [InlineData("timestamp")]
    [InlineData("expiryHeight")]
    public void Every_missing_field_is_named(string field)
    {
        var body = Body();
        body.Remove(field);
        var e = Refused(body);
        Assert.Contains(field, e.Message);
        Assert.Contains("missing", e.Message);
        var wireError = WireRefused(Wire(body));
        Assert.Contains(field, wireError.Message);
    }

    [Theory]
    [InlineData("chainId", "1")]
    [InlineData("signer", "null")]
    [InlineData("contract", "[\"counter\"]")]
    [InlineData("method", "{}")]
    [InlineData("nonce", "7")]
    [InlineData("timestamp", "\"1700000000000\"")]
    [InlineData("expiryHeight", "true")]
    [InlineData("expiryHeight", "null")]
    [InlineData("timestamp", "1.5")]
    [InlineData("args", "[]")]
    [InlineData("args", "\"x\"")]
    [InlineData("args", "null")]
    [InlineData("args", "1")]
    public void Every_wrong_type_is_refused_with_the_field_name(string field, string value)
    {
        var body = Body();
        body[field] = JsonNode.Parse(value);
        var e = Refused(body);
        Assert.Contains(field, e.Message);
        Assert.False(string.IsNullOrWhiteSpace(WireRefused(Wire(body)).Message));
    }

    [Fact]
    public void An_unknown_field_is_refused()
    {
        var body = Body();
        body["fee"] = 1;
        Assert.Contains("fee", Refused(body).Message);
        Assert.Contains("fee", WireRefused(Wire(body)).Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"body\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_refused(string body)
    {
        Assert.Contains("object", Assert.Throws<InvalidTransactionException>(() => TransactionBody.FromJson(TestJson.Element(body))).Message);
        WireRefused(Wire(JsonNode.Parse(body)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Nonce_must_be_1_to_64_characters(int length)
    {
        var body = Body();
        body["nonce"] = new string('n', length);
        Assert.Contains("nonce", Refused(body).Message);
        body["nonce"] = new string('n', Math.Clamp(length, 1, 64));
        Assert.NotNull(TransactionBody.FromJson(TestJson.Element(body.ToJsonString())));
    }
}

public sealed class SignedTransactionTests
{
    private static readonly Sm2KeyPair Key = Sm2.Generate();
    private static readonly TxBuilder Builder = new("test-chain", "org-a", Key);

    private static InvalidTransactionException WireRefused(string wire) =>
        Assert.Throws<InvalidTransactionException>(() => SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(wire)));

    private static JsonObject WireOf(SignedTransaction tx) => JsonNode.Parse(tx.ToJson())!.AsObject();

    [Fact]
    public void TxId_is_SM3_of_the_canonical_body_and_the_signature_covers_the_same_bytes()
    {
        var tx = Builder.Build("counter", "increment", new { key = "a", by = 2 }, currentHeight: 5, nonce: "n1", timestamp: 123);
        var canonical = tx.Body.ToCanonicalBytes();
        Assert.Equal(canonical, tx.BodyBytes);
        Assert.Equal(Sm3.Hash(canonical), tx.Id);
        Assert.Equal(Hex.Encode(Sm3.Hash(canonical)), tx.IdHex);
        Assert.True(tx.VerifySignature(Key.PublicKey));
        Assert.True(Sm2.Verify(Key.PublicKey, canonical, tx.Signature));
        Assert.Equal(5 + TxBuilder.DefaultValidityBlocks, tx.Body.ExpiryHeight);
        Assert.Equal(
            """{"args":{"by":2,"key":"a"},"chainId":"test-chain","contract":"counter","expiryHeight":10005,"method":"increment","nonce":"n1","signer":"org-a","timestamp":123}""",
            System.Text.Encoding.UTF8.GetString(canonical));
    }

    [Fact]
    public void The_wire_form_round_trips()
    {
        var tx = Builder.Build("counter", "increment", new { key = "é中😀", by = -3 }, 0);
        var wire = tx.ToJson();
        var parsed = SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(wire));
        Assert.Equal(tx.IdHex, parsed.IdHex);
        Assert.Equal(tx.BodyBytes, parsed.BodyBytes);
        Assert.Equal(tx.Signature, parsed.Signature);
        Assert.True(parsed.VerifySignature(Key.PublicKey));
        Assert.False(parsed.SignatureVerified);
        Assert.Equal("raw", WireOf(tx)["signatureEncoding"]!.GetValue<string>());
    }

    [Fact]
    public void Key_order_and_whitespace_on_the_wire_do_not_change_the_id()
    {
        var tx = Builder.Build("counter", "increment", new { key = "a", by = 1 }, 0);
        var body = JsonNode.Parse(tx.BodyBytes)!.AsObject();
        var reordered = new JsonObject();
        foreach (var (k, v) in body.Reverse().ToArray()) reordered[k] = v?.DeepClone();
        var wire = "{ \"signature\" : \"" + Hex.Encode(tx.Signature) + "\",\n \"body\" : " +
                   reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + " }";
        var parsed = SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(wire));
        Assert.Equal(tx.IdHex, parsed.IdHex);
        Assert.Equal(tx.BodyBytes, parsed.BodyBytes);
        Assert.True(parsed.VerifySignature(Key.PublicKey));
    }

    [Fact]
    public void Missing_body_is_refused()
    {
        var wire = WireOf(Builder.Build("counter", "noop", new { }, 0));
        wire.Remove("body");
        Assert.Contains("body", WireRefused(wire.ToJsonString()).Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("123")]
    [InlineData("\"abc\"")]
    [InlineData("\"zz\"")]
    [InlineData("\"0x00\"")]
    [InlineData("\"ab cd\"")]
    [InlineData("null")]
    [InlineData("[\"00\"]")]
    public void Signature_that_is_missing_or_not_hex_is_refused(string? signatureJson)
    {
        var wire = WireOf(Builder.Build("counter", "noop", new { }, 0));
        if (signatureJson is null) wire.Remove("signature");
        else wire["signature"] = JsonNode.Parse(signatureJson);
        Assert.Contains("signature", WireRefused(wire.ToJsonString()).Message);
    }

    [Fact]
    public void Unknown_wire_field_is_refused()
    {
        var wire = WireOf(Builder.Build("counter", "noop", new { }, 0));
        wire["publicKey"] = "04";
        Assert.Contains("publicKey", WireRefused(wire.ToJsonString()).Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"tx\"")]
    [InlineData("not json")]
    [InlineData("{\"body\":")]
    [InlineData("")]
    public void Wire_that_is_not_a_transaction_object_is_refused(string wire) =>
        Assert.False(string.IsNullOrWhiteSpace(WireRefused(wire).Message));

    [Fact]
    public void Non_integer_numbers_anywhere_in_the_body_are_refused()
    {
        var wire = WireOf(Builder.Build("counter", "increment", new { key = "a", by = 1 }, 0));
        wire["body"]!["args"]!["by"] = JsonNode.Parse("1.0");
        Assert.Contains("integer", WireRefused(wire.ToJsonString()).Message);
    }

    [Fact]
    public void Duplicate_keys_in_the_body_are_refused()
    {
        var tx = Builder.Build("counter", "noop", new { }, 0);
        var body = System.Text.Encoding.UTF8.GetString(tx.BodyBytes);
        var duplicated = body.Replace("\"method\":\"noop\"", "\"method\":\"noop\",\"method\":\"increment\"");
        Assert.NotEqual(body, duplicated);
        WireRefused("{\"body\":" + duplicated + ",\"signature\":\"" + Hex.Encode(tx.Signature) + "\"}");
    }

    [Fact]
    public void Lone_surrogate_in_the_body_is_refused_as_an_invalid_transaction()
    {
        var tx = Builder.Build("counter", "put", new { key = "k", value = "PLACEHOLDER" }, 0);
        var body = System.Text.Encoding.UTF8.GetString(tx.BodyBytes).Replace("PLACEHOLDER", "\\ud800");
        WireRefused("{\"body\":" + body + ",\"signature\":\"" + Hex.Encode(tx.Signature) + "\"}");
    }

    [Fact]
    public void Body_over_64_KiB_is_refused_even_when_the_wire_is_under_the_wire_limit()
    {
        var body = JsonNode.Parse(Builder.Build("counter", "put", new { key = "k", value = "" }, 0).BodyBytes)!.AsObject();
        body["args"]!["value"] = new string('v', SignedTransaction.MaxBodyBytes - 1000);
        var wire = new JsonObject { ["body"] = body.DeepClone(), ["signature"] = "00" }.ToJsonString();
        Assert.True(wire.Length <= SignedTransaction.MaxBodyBytes + 1024);
        Assert.NotNull(SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(wire)));

        body["args"]!["value"] = new string('v', SignedTransaction.MaxBodyBytes + 10);
        wire = new JsonObject { ["body"] = body.DeepClone(), ["signature"] = "00" }.ToJsonString();
        Assert.True(wire.Length > SignedTransaction.MaxBodyBytes);
        Assert.True(wire.Length <= SignedTransaction.MaxBodyBytes + 1024);
        Assert.Contains("larger", WireRefused(wire).Message);
    }

    [Fact]
    public void Trailing_content_after_the_wire_object_is_refused()
    {
        var wire = Builder.Build("counter", "noop", new { }, 0).ToJson();
        Assert.NotNull(SignedTransaction.Parse(System.Text.Encoding.UTF8.GetBytes(wire + "\n")));
        WireRefused(wire + "{\"body\":{}}");
        WireRefused(wire + "garbage");
    }

    [Fact]
    public void Wire_over_the_limit_is_refused_before_parsing()
    {
        var wire = "{\"body\":{},\"signature\":\"00\",\"pad\":\"" + new string(' ', SignedTransaction.MaxBodyBytes + 2048) + "\"}";
        Assert.Contains("larger", WireRefused(wire).Message);
    }

    [Fact]
    public void FromStored_keeps_the_exact_bytes_so_a_tampered_body_changes_the_id()
    {
        var tx = Builder.Build("counter", "increment", new { key = "a", by = 1 }, 0);
        var stored = SignedTransaction.FromStored(tx.BodyBytes, tx.Signature);
        Assert.Equal(tx.IdHex, stored.IdHex);
        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(tx.BodyBytes).Replace("\"by\":1", "\"by\":2"));
        var changed = SignedTransaction.FromStored(tampered, tx.Signature);
        Assert.NotEqual(tx.IdHex, changed.IdHex);
        Assert.False(changed.VerifySignature(Key.PublicKey));
    }
}

public sealed class BlockTests
{
    private static readonly Sm2KeyPair NodeKey = Sm2.Generate();

    private static Block SampleBlock(int txCount)
    {
        var builder = new TxBuilder("test-chain", "org-a", Sm2.Generate());
        var txs = Enumerable.Range(0, txCount)
            .Select(i => builder.Build("counter", "increment", new { key = "k" + i, by = i }, 3)).ToArray();
        var header = new BlockHeader(4, new string('a', 64), Hex.Encode(MerkleTree.Root(txs.Select(t => t.Id).ToArray())), txCount,
            1_700_000_000_000, "node-1", new string('b', 64), new string('c', 64), new string('d', 64));
        return new Block(header, NodeKey.Sign(header.ToCanonicalBytes()), txs);
    }

    [Fact]
    public void Header_canonical_bytes_list_the_fields_in_sorted_order()
    {
        var h = new BlockHeader(7, "p", "t", 3, 1234, "node-1", "s", "r", "g");
        Assert.Equal(
            """{"genesisHash":"g","height":7,"prevHash":"p","proposer":"node-1","receiptsRoot":"r","stateRoot":"s","timestamp":1234,"txCount":3,"txRoot":"t"}""",
            System.Text.Encoding.UTF8.GetString(h.ToCanonicalBytes()));
        Assert.Equal(Sm3.Hash(h.ToCanonicalBytes()), h.Hash());
        Assert.Equal(Hex.Encode(h.Hash()), h.HashHex());
        Assert.Equal(h, BlockHeader.FromCanonical(h.ToCanonicalBytes()));
        Assert.Equal(h, BlockHeader.FromJson(TestJson.Element(System.Text.Encoding.UTF8.GetString(h.ToCanonicalBytes()))));
    }

    [Fact]
    public void Every_header_field_changes_the_hash()
    {
        var h = new BlockHeader(7, "p", "t", 3, 1234, "node-1", "s", "r", "g");
        BlockHeader[] variants =
        [
            h with { Height = 8 }, h with { PrevHash = "q" }, h with { TxRoot = "u" }, h with { TxCount = 4 }, h with { Timestamp = 1235 },
            h with { Proposer = "node-2" }, h with { StateRoot = "x" }, h with { ReceiptsRoot = "y" }, h with { GenesisHash = "z" },
        ];
        Assert.Equal(variants.Length + 1, variants.Select(v => v.HashHex()).Append(h.HashHex()).Distinct().Count());
    }

    [Fact]
    public void Header_with_a_missing_or_unknown_field_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => BlockHeader.FromCanonical(
            """{"genesisHash":"g","height":7,"prevHash":"p","receiptsRoot":"r","stateRoot":"s","timestamp":1234,"txCount":3,"txRoot":"t"}"""u8));
        Assert.ThrowsAny<JsonException>(() => BlockHeader.FromCanonical(
            """{"extra":1,"genesisHash":"g","height":7,"prevHash":"p","proposer":"n","receiptsRoot":"r","stateRoot":"s","timestamp":1234,"txCount":3,"txRoot":"t"}"""u8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void Serialize_then_Deserialize_round_trips(int txCount)
    {
        var block = SampleBlock(txCount);
        var bytes = block.Serialize();
        Assert.Equal("CPB1"u8.ToArray(), bytes[..4]);
        var back = Block.Deserialize(bytes);
        Assert.Equal(block.Header, back.Header);
        Assert.Equal(block.HeaderSignature, back.HeaderSignature);
        Assert.Equal(block.Transactions.Count, back.Transactions.Count);
        for (var i = 0; i < txCount; i++)
        {
            Assert.Equal(block.Transactions[i].IdHex, back.Transactions[i].IdHex);
            Assert.Equal(block.Transactions[i].BodyBytes, back.Transactions[i].BodyBytes);
            Assert.Equal(block.Transactions[i].Signature, back.Transactions[i].Signature);
            Assert.Equal(block.Transactions[i].Body.Nonce, back.Transactions[i].Body.Nonce);
            Assert.False(back.Transactions[i].SignatureVerified);
        }
        Assert.Equal(bytes, back.Serialize());
        Assert.Equal(block.Header.ToCanonicalBytes(), Block.ReadHeaderBytes(bytes).ToArray());
    }

    [Fact]
    public void Serialized_layout_is_big_endian_length_prefixed()
    {
        var block = SampleBlock(1);
        var bytes = block.Serialize();
        var header = block.Header.ToCanonicalBytes();
        Assert.Equal((uint)header.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal(header, bytes.AsSpan(8, header.Length).ToArray());
        var at = 8 + header.Length;
        Assert.Equal(64, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at)));
        at += 2 + 64;
        Assert.Equal(1u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)));
        at += 4;
        var body = block.Transactions[0].BodyBytes;
        Assert.Equal((uint)body.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)));
        Assert.Equal(body, bytes.AsSpan(at + 4, body.Length).ToArray());
        Assert.Equal(at + 4 + body.Length + 2 + 64, bytes.Length);
    }

    [Fact]
    public void Bad_magic_is_refused()
    {
        var bytes = SampleBlock(1).Serialize();
        bytes[0] = (byte)'X';
        Assert.Throws<FormatException>(() => Block.Deserialize(bytes));
        Assert.Throws<FormatException>(() => Block.ReadHeaderBytes(bytes));
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_FormatException()
    {
        var bytes = SampleBlock(2).Serialize();
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            Assert.Throws<FormatException>(() => Block.Deserialize(cut));
        }
    }

    [Fact]
    public void A_transaction_count_larger_than_the_data_is_refused_with_a_FormatException()
    {
        // A peer or a corrupt log entry must not make the node allocate an array from an unchecked u32.
        var block = SampleBlock(0);
        var bytes = block.Serialize();
        foreach (var count in new uint[] { 1, 1000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff })
        {
            var forged = (byte[])bytes.Clone();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(forged.Length - 4), count);
            Assert.Throws<FormatException>(() => Block.Deserialize(forged));
        }
    }
}

public sealed class TxResultTests
{
    [Fact]
    public void Failure_has_a_canonical_form_with_every_field()
    {
        var failure = TxResult.Failure("ab", "boom");
        Assert.False(failure.Succeeded);
        Assert.Equal("""{"error":"boom","events":[],"output":null,"status":"failed","txId":"ab"}""", System.Text.Encoding.UTF8.GetString(failure.ToCanonicalBytes()));
        Assert.Equal(Sm3.Hash(failure.ToCanonicalBytes()), failure.Hash());
    }

    [Fact]
    public void Result_with_events_and_output_round_trips()
    {
        var result = new TxResult("cd", TxResult.Ok, null, [new ContractEvent("Moved", TestJson.Element("""{"to":"b","amount":5}"""))],
            TestJson.Element("""{"value":5}"""));
        Assert.True(result.Succeeded);
        var bytes = result.ToCanonicalBytes();
        Assert.Equal("""{"error":null,"events":[{"data":{"amount":5,"to":"b"},"name":"Moved"}],"output":{"value":5},"status":"ok","txId":"cd"}""",
            System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(bytes, TxResult.FromJson(bytes).ToCanonicalBytes());
    }
}
