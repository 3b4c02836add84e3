using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Keys;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Proofs;
using ConsortiumPortal.Chain.State;
using Org.BouncyCastle.Crypto.Digests;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>
/// Keeps docs/ledger-format.md honest. Its worked example must (1) verify with ReceiptVerifier, (2) state hex values that
/// are recomputed here from the doc's own receipt JSON with nothing but SM3, the SM2 curve arithmetic and JCS (the
/// way a verifier in another language would do it), and (3) be what the ledger produces today from the example's fixed
/// keys, nonces and timestamps. Only the SM2 signatures differ from run to run (SM2 is randomized): those are checked
/// for validity, never for equality.
///
/// To regenerate the example after a format change, run this class with LEDGER_FORMAT_EXAMPLE_OUT=/some/file.json:
/// <see cref="Doc_example_is_what_the_ledger_produces_today"/> writes every fragment the doc shows into that file.
/// </summary>
public sealed class LedgerFormatDocTests
{
    // ---- the example's fixed inputs (docs/ledger-format.md, "Worked example") ----
    private const string ChainId = "powerchain-example";
    private const long GenesisTime = 1767225600000;  // 2026-01-01T00:00:00Z
    private const long Block1Time = 1767226500000;   // 2026-01-01T00:15:00Z
    private const int ReceiptIndex = 1;
    private const string OrgSeed = "ledger-format worked example";
    private const string SecondOrgSeed = "ledger-format worked example: east-power";
    private const string NodeSeed = "ledger-format worked example: node-1";
    private const string MasterKeySeed = "ledger-format worked example: master key";
    private static readonly Sm2KeyPair OrgKey = Key(OrgSeed);
    private static readonly Sm2KeyPair SecondOrgKey = Key(SecondOrgSeed);
    private static readonly Sm2KeyPair NodeKey = Key(NodeSeed);
    private static readonly byte[] MasterKey = Sm3.Hash(Utf8(MasterKeySeed))[..16];

    private static readonly (string CertificateId, string Name, string[] Roles, string Nonce, long Timestamp)[] Issued =
    [
        ("north-grid/zhang.wei", "Zhang Wei", [Roles.GridCompany], "example-0001", 1767226201000),
        ("north-grid/wang.fang", "王芳 (Wang Fang)", [Roles.GridCompany, Roles.OrgAdmin], "example-0002", 1767226202000),
        ("north-grid/li.na", "Li Na", [Roles.GridCompany], "example-0003", 1767226203000),
    ];

    private static readonly string[] CheckNames =
    [
        "format", "tx id", "chain id", "transaction signature", "result belongs to tx", "tx inclusion", "result inclusion", "block hash",
        "header signature", "genesis",
    ];

    private static Sm2KeyPair Key(string seed) => Sm2KeyPair.FromPrivateKey(Sm3.Hash(Utf8(seed)));

    private static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    private static string Text(byte[] utf8) => System.Text.Encoding.UTF8.GetString(utf8);

    // ---------------------------------------------------------------------------------------------------------------
    // 1. The receipt in the doc verifies.

    [Fact]
    public void Doc_worked_example_receipt_verifies()
    {
        var doc = Doc.Load();
        var verification = ReceiptVerifier.Verify(doc.Block("worked-example-receipt"));
        Assert.True(verification.IsValid, $"the doc's receipt does not verify: {verification.FirstFailure?.Name}: {verification.FirstFailure?.Detail}");
        Assert.Equal(CheckNames, verification.Checks.Select(c => c.Name));

        // It is a receipt of a block above 0 with several transactions, so the audit paths are real.
        using var json = JsonDocument.Parse(doc.Block("worked-example-receipt"));
        var r = json.RootElement;
        Assert.Equal(1, r.GetProperty("header").GetProperty("height").GetInt64());
        Assert.Equal(Issued.Length, r.GetProperty("merkle").GetProperty("treeSize").GetInt32());
        Assert.Equal(ReceiptIndex, r.GetProperty("merkle").GetProperty("index").GetInt32());
        Assert.Equal("raw", r.GetProperty("signatureEncoding").GetString());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. Every hex value the doc states is recomputed from the doc itself.

    [Fact]
    public void Doc_worked_example_values_are_recomputed_from_the_doc()
    {
        var doc = Doc.Load();
        using var json = JsonDocument.Parse(doc.Block("worked-example-receipt"));
        var r = json.RootElement;
        var genesisHeader = doc.Block("worked-example-genesis-header").Trim();
        var genesisTx = doc.Block("worked-example-genesis-tx").Trim();
        var writeSet = doc.Block("worked-example-write-set").Trim();

        var computed = ComputeValues(r, genesisHeader, genesisTx, writeSet);
        var stated = ParseValues(doc.Block("worked-example-values"));
        Assert.Equal(computed.Select(v => v.Name), stated.Select(v => v.Name));
        foreach (var (name, hex, _) in computed)
            Assert.True(hex == stated.Single(s => s.Name == name).Hex, $"docs/ledger-format.md states a wrong {name}; recomputed: {hex}");

        string V(string name) => computed.Single(v => v.Name == name).Hex;
        var header = r.GetProperty("header");
        string H(string field) => header.GetProperty(field).GetString()!;

        // The values are not only self-consistent: they close every check of the receipt.
        Assert.Equal(r.GetProperty("txId").GetString(), V("txId"));
        Assert.Equal(V("tx.sig.r"), V("tx.sig.R"));
        Assert.Equal(V("header.sig.r"), V("header.sig.R"));
        var txSteps = computed.Where(v => v.Name.StartsWith("tx.node", StringComparison.Ordinal)).ToArray();
        Assert.Equal(H("txRoot"), txSteps[^1].Hex);
        var resultSteps = computed.Where(v => v.Name.StartsWith("result.node", StringComparison.Ordinal)).ToArray();
        Assert.Equal(H("receiptsRoot"), resultSteps[^1].Hex);
        Assert.Equal(r.GetProperty("blockHash").GetString(), V("blockHash"));
        Assert.Equal(r.GetProperty("genesisHash").GetString(), V("genesis.blockHash"));
        Assert.Equal(H("genesisHash"), V("genesis.blockHash"));
        Assert.Equal(H("prevHash"), V("genesis.blockHash"));
        Assert.Equal(H("stateRoot"), V("block1.stateRoot"));
        using (var g = JsonDocument.Parse(genesisHeader))
        {
            Assert.Equal(g.RootElement.GetProperty("txRoot").GetString(), V("genesis.txRoot"));
            Assert.Equal(BlockHeader.ZeroHash, g.RootElement.GetProperty("genesisHash").GetString());
        }

        // The one-line blocks are canonical as printed, and the text forms shown in the doc are the canonical bytes.
        foreach (var canonical in new[] { genesisHeader, genesisTx, writeSet })
            Assert.Equal(canonical, Text(CanonicalJson.Canonicalize(Utf8(canonical))));
        Assert.Contains(CanonicalJson.CanonicalizeToString(r.GetProperty("tx")), doc.Markdown);
        Assert.Contains(CanonicalJson.CanonicalizeToString(r.GetProperty("result")), doc.Markdown);
        Assert.Contains(CanonicalJson.CanonicalizeToString(r.GetProperty("header")), doc.Markdown);
        Assert.Contains($"{{\"body\":{CanonicalJson.CanonicalizeToString(r.GetProperty("tx"))},\"signature\":\"{r.GetProperty("signature").GetString()}\","
                        + "\"signatureEncoding\":\"raw\"}", doc.Markdown);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. The example is what the code produces today (and the generator of the doc's fragments).

    [Fact]
    public void Doc_example_is_what_the_ledger_produces_today()
    {
        using var example = Example.Build();
        var fragments = example.Fragments();
        if (Environment.GetEnvironmentVariable("LEDGER_FORMAT_EXAMPLE_OUT") is { Length: > 0 } output)
            File.WriteAllText(output, fragments.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));

        var generated = ReceiptVerifier.Verify(example.ReceiptJson);
        Assert.True(generated.IsValid, $"{generated.FirstFailure?.Name}: {generated.FirstFailure?.Detail}");

        var doc = Doc.Load();
        var stated = JsonNode.Parse(doc.Block("worked-example-receipt"))!.AsObject();
        var fresh = JsonNode.Parse(example.ReceiptJson)!.AsObject();
        foreach (var randomized in new[] { "signature", "headerSignature" })
        {
            Assert.Equal(128, stated[randomized]!.GetValue<string>().Length);
            stated.Remove(randomized);
            fresh.Remove(randomized);
        }
        Assert.True(JsonNode.DeepEquals(fresh, stated),
            "the worked example in docs/ledger-format.md is not what the ledger produces today; regenerate it (see this class's summary).\n"
            + $"produced (signatures removed):\n{fresh.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
        Assert.Equal(example.GenesisHeaderText, doc.Block("worked-example-genesis-header").Trim());
        Assert.Equal(example.GenesisTxText, doc.Block("worked-example-genesis-tx").Trim());
        Assert.Equal(example.WriteSetText, doc.Block("worked-example-write-set").Trim());
        Assert.Equal(Hex.Encode(StateRoot.WriteSetHash(example.Block1Writes)), Hex.Encode(Sm3.Hash(Utf8(example.WriteSetText))));

        Assert.Equal(Hex.Encode(Sm3.Hash(example.GenesisBlock.Serialize())),
            ParseValues(doc.Block("worked-example-values")).Single(v => v.Name == "genesis.entry.sm3").Hex);

        // The genesis transaction is unsigned: its receipt passes every check except the two signatures.
        var genesisReceipt = ReceiptVerifier.Verify(example.Ledger.GetReceipt(0, 0)!.ToJson());
        Assert.Equal(new[] { "transaction signature", "header signature" }, genesisReceipt.Checks.Where(c => !c.Passed).Select(c => c.Name));

        foreach (var tx in example.Block1.Transactions) Assert.Contains(tx.IdHex, doc.Markdown);
        Assert.Contains(Text(example.Ledger.Store.GetTransactionAt(0, 0)!.Result.ToCanonicalBytes()), doc.Markdown);

        // The keys the doc publishes for the example are the ones derived from the stated seeds.
        foreach (var key in new[] { OrgKey, SecondOrgKey, NodeKey })
        {
            Assert.Contains(Hex.Encode(Sm2.PrivateKeyBytes(key.PrivateKey)), doc.Markdown);
            Assert.Contains(key.PublicKeyHex, doc.Markdown);
        }
        Assert.Contains(Hex.Encode(MasterKey), doc.Markdown);
    }

    [Fact]
    public void Doc_keystore_example_opens_with_the_stated_master_key()
    {
        var doc = Doc.Load();
        var dir = Path.Combine(Path.GetTempPath(), "cp-ledger-format-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "keystore.json");
            File.WriteAllText(path, doc.Block("worked-example-keystore"));
            var keystore = new Keystore(path, MasterKey);
            var id = Keystore.NodeKeyId("node-1");
            Assert.Equal(new[] { id }, keystore.Ids);
            Assert.Equal(NodeKey.PublicKeyHex, keystore.Get(id).PublicKeyHex);

            // By hand, as another language would: hex(nonce 12 || ciphertext 32 || tag 16), associated data = UTF-8(id).
            using var file = JsonDocument.Parse(File.ReadAllBytes(path));
            var sealedKey = Hex.Decode(file.RootElement[0].GetProperty("sealed").GetString()!);
            Assert.Equal(12 + 32 + 16, sealedKey.Length);
            Assert.Equal(Sm2.PrivateKeyBytes(NodeKey.PrivateKey), Sm4Gcm.Decrypt(MasterKey, sealedKey, Utf8(id)));
            Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(MasterKey, sealedKey, Utf8("node:node-2")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Doc_states_the_curve_and_the_hash_test_vectors_of_the_code()
    {
        var doc = Doc.Load().Markdown;
        var curve = Sm2.Domain.Curve;
        var g = Sm2.Domain.G.Normalize();
        Assert.Contains("p  = " + Hex.Encode(Bytes32(curve.Field.Characteristic)), doc);
        Assert.Contains("a  = " + Hex.Encode(curve.A.GetEncoded()), doc);
        Assert.Contains("b  = " + Hex.Encode(curve.B.GetEncoded()), doc);
        Assert.Contains("n  = " + Hex.Encode(Bytes32(Sm2.Domain.N)), doc);
        Assert.Contains("Gx = " + Hex.Encode(g.AffineXCoord.GetEncoded()), doc);
        Assert.Contains("Gy = " + Hex.Encode(g.AffineYCoord.GetEncoded()), doc);
        Assert.Contains(Hex.Encode(Sm3.Hash("abc"u8)), doc);
        Assert.Contains(Hex.Encode(Sm3.Hash([])), doc);
        Assert.Contains(Hex.Encode(Sm3.Hash(Utf8("[]"))), doc);

        var jcs = Doc.Load().Block("jcs-example").Split('\n');
        Assert.Equal(JcsExampleInput, jcs[0]);
        Assert.Equal(jcs[1], Text(CanonicalJson.Canonicalize(Utf8(jcs[0]))));
    }

    private const string JcsExampleInput =
        """{"z": -0, "é": "tab\there", "a": {"y": true, "x": null}, "😀": 1, "｡": 2, "\u000f": "quote \" backslash \\ slash / euro € nul \u0000"}""";

    // ---------------------------------------------------------------------------------------------------------------
    // The recomputation, from the receipt JSON and the doc's one-line blocks only.

    private sealed record Value(string Name, string Hex, string Comment);

    private static List<Value> ComputeValues(JsonElement r, string genesisHeaderText, string genesisTxText, string writeSetText)
    {
        var values = new List<Value>();
        byte[] Add(string name, byte[] bytes, string comment)
        {
            values.Add(new Value(name, Hex.Encode(bytes), comment));
            return bytes;
        }

        // Transaction id and signature.
        var txBytes = Add("tx.jcs", CanonicalJson.Canonicalize(r.GetProperty("tx")), "JCS(tx): the canonical body bytes (UTF-8); the text is shown above");
        var txId = Add("txId", Sm3.Hash(txBytes), "txId = SM3(tx.jcs)");
        SignatureSteps(Add, "tx", Hex.Decode(r.GetProperty("signerPublicKey").GetString()!), txBytes, Hex.Decode(r.GetProperty("signature").GetString()!),
            "signerPublicKey", "signature", "tx.jcs");

        // Transaction inclusion.
        MerkleSteps(Add, "tx", txId, "txId", r.GetProperty("merkle"), "merkle.path");

        // Result inclusion.
        var resultBytes = Add("result.jcs", CanonicalJson.Canonicalize(r.GetProperty("result")), "JCS(result); the text is shown above");
        var leafData = Add("result.leafData", Sm3.Hash(resultBytes), "receipt leaf data = SM3(result.jcs)");
        MerkleSteps(Add, "result", leafData, "result.leafData", r.GetProperty("resultMerkle"), "resultMerkle.path");

        // Header, block hash, header signature, Raft entry prefix.
        var headerBytes = Add("header.jcs", CanonicalJson.Canonicalize(r.GetProperty("header")), "JCS(header); the text is shown above");
        Add("blockHash", Sm3.Hash(headerBytes), "blockHash = SM3(header.jcs)");
        SignatureSteps(Add, "header", Hex.Decode(r.GetProperty("proposerPublicKey").GetString()!), headerBytes,
            Hex.Decode(r.GetProperty("headerSignature").GetString()!), "proposerPublicKey", "headerSignature", "header.jcs");
        var prefix = new byte[8];
        "CPB1"u8.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(4), (uint)headerBytes.Length);
        Add("entry.prefix", prefix, "first 8 bytes of block 1's Raft entry: \"CPB1\" || u32be(length of header.jcs); header.jcs follows");

        // Genesis block 0 (its header and transaction are printed above as one-line blocks).
        var genesisTxId = Add("genesis.txId", Sm3.Hash(Utf8(genesisTxText)), "SM3(genesis transaction body as printed above)");
        Add("genesis.txRoot", Leaf(genesisTxId), "SM3(00 || genesis.txId): the root of a one-leaf tree, = txRoot of block 0");
        Add("genesis.blockHash", Sm3.Hash(Utf8(genesisHeaderText)), "SM3(genesis header as printed above) = the chain's genesis hash");
        var genesisHeaderBytes = Utf8(genesisHeaderText);
        var genesisTxBytes = Utf8(genesisTxText);
        var entry = new byte[4 + 4 + genesisHeaderBytes.Length + 2 + 4 + 4 + genesisTxBytes.Length + 2];
        "CPB1"u8.CopyTo(entry);
        BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(4), (uint)genesisHeaderBytes.Length);
        genesisHeaderBytes.CopyTo(entry, 8);
        var at = 8 + genesisHeaderBytes.Length;
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(at), 0); // empty header signature
        BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(at + 2), 1); // one transaction
        BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(at + 6), (uint)genesisTxBytes.Length);
        genesisTxBytes.CopyTo(entry, at + 10);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(at + 10 + genesisTxBytes.Length), 0); // empty transaction signature
        Add("genesis.entry.sm3", Sm3.Hash(entry),
            $"SM3 of block 0's Raft entry ({entry.Length} bytes): \"CPB1\" || u32be(len header) || header || u16be(0) || u32be(1) || u32be(len tx) || tx || u16be(0)");

        // State root of block 1.
        var writeSetHash = Add("block1.writeSetHash", Sm3.Hash(Utf8(writeSetText)), "SM3(write set of block 1 as printed above)");
        using var genesisHeader = JsonDocument.Parse(genesisHeaderText);
        var genesisStateRoot = Hex.Decode(genesisHeader.RootElement.GetProperty("stateRoot").GetString()!);
        Add("block1.stateRoot", Sm3.Hash([.. genesisStateRoot, .. writeSetHash]), "SM3(stateRoot of block 0 || block1.writeSetHash) = header.stateRoot");
        return values;
    }

    private delegate byte[] Adder(string name, byte[] bytes, string comment);

    /// <summary>GM/T 0003 verification written out: Z, e, t = (r + s) mod n, (x1, y1) = [s]G + [t]P, R = (e + x1) mod n.</summary>
    private static void SignatureSteps(Adder add, string name, byte[] publicKey, byte[] message, byte[] signature, string keyName, string sigName, string messageName)
    {
        var z = add($"{name}.sig.za", Za(publicKey),
            $"Z = SM3(0080 || \"1234567812345678\" || a || b || Gx || Gy || x || y of {keyName})");
        var e = add($"{name}.sig.e", Sm3.Hash([.. z, .. message]), $"e = SM3(Z || {messageName})");
        var n = Sm2.Domain.N;
        var rr = new BigInteger(1, signature[..32]);
        var ss = new BigInteger(1, signature[32..]);
        add($"{name}.sig.r", Bytes32(rr), $"r = first 32 bytes of {sigName}");
        add($"{name}.sig.s", Bytes32(ss), $"s = last 32 bytes of {sigName}");
        var t = rr.Add(ss).Mod(n);
        add($"{name}.sig.t", Bytes32(t), "t = (r + s) mod n");
        var point = Sm2.Domain.G.Multiply(ss).Add(Sm2.PublicKeyFromBytes(publicKey).Q.Multiply(t)).Normalize();
        var x1 = point.AffineXCoord.ToBigInteger();
        add($"{name}.sig.x1", Bytes32(x1), $"x1 = x coordinate of [s]G + [t]P, P = {keyName}");
        add($"{name}.sig.R", Bytes32(new BigInteger(1, e).Add(x1).Mod(n)), "R = (e + x1) mod n; the signature is valid because R = r");
    }

    /// <summary>RFC 9162 section 2.1.3.2, recording the running hash after each audit path element.</summary>
    private static void MerkleSteps(Adder add, string name, byte[] leafData, string leafDataName, JsonElement proof, string pathName)
    {
        long fn = proof.GetProperty("index").GetInt64();
        long sn = proof.GetProperty("treeSize").GetInt64() - 1;
        var path = proof.GetProperty("path").EnumerateArray().Select(p => Hex.Decode(p.GetString()!)).ToArray();
        var current = $"{name}.leaf";
        var r = add(current, Leaf(leafData), $"SM3(00 || {leafDataName})");
        for (var i = 0; i < path.Length; i++)
        {
            if (sn == 0) throw new InvalidOperationException("audit path too long");
            string comment;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(path[i], r);
                comment = $"fn={fn} sn={sn}: SM3(01 || {pathName}[{i}] || {current})";
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                r = Node(r, path[i]);
                comment = $"fn={fn} sn={sn}: SM3(01 || {current} || {pathName}[{i}])";
            }
            fn >>= 1;
            sn >>= 1;
            current = $"{name}.node{i + 1}";
            add(current, r, comment);
        }
        if (sn != 0) throw new InvalidOperationException("audit path too short");
    }

    private static byte[] Leaf(byte[] data) => Sm3.Hash([0x00, .. data]);

    private static byte[] Node(byte[] left, byte[] right) => Sm3.Hash([0x01, .. left, .. right]);

    private static byte[] Za(byte[] publicKey)
    {
        var digest = new SM3Digest();
        digest.Update(0x00);
        digest.Update(0x80); // ENTL: the bit length of the 16-byte ID, 128, as a big-endian u16
        digest.BlockUpdate("1234567812345678"u8);
        var curve = Sm2.Domain.Curve;
        var g = Sm2.Domain.G.Normalize();
        digest.BlockUpdate(curve.A.GetEncoded());
        digest.BlockUpdate(curve.B.GetEncoded());
        digest.BlockUpdate(g.AffineXCoord.GetEncoded());
        digest.BlockUpdate(g.AffineYCoord.GetEncoded());
        digest.BlockUpdate(publicKey.AsSpan(1, 64)); // x || y, without the 04 prefix
        var z = new byte[32];
        digest.DoFinal(z, 0);
        return z;
    }

    private static byte[] Bytes32(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }

    private static List<(string Name, string Hex)> ParseValues(string block) =>
        block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var colon = l.IndexOf(": ", StringComparison.Ordinal);
                Assert.True(colon > 0, $"a values line is \"name: hex\", got \"{l}\"");
                return (l[..colon], l[(colon + 2)..].Trim());
            }).ToList();

    private static string FormatValues(List<Value> values) =>
        string.Join("\n", values.Select(v => $"# {v.Comment}\n{v.Name}: {v.Hex}"));

    // ---------------------------------------------------------------------------------------------------------------

    private sealed class Doc
    {
        public string Markdown { get; }
        private Doc(string markdown) => Markdown = markdown.Replace("\r\n", "\n");

        public static Doc Load()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ConsortiumPortal.sln"))) dir = dir.Parent;
            Assert.True(dir is not null, "repository root (ConsortiumPortal.sln) not found above " + AppContext.BaseDirectory);
            var path = Path.Combine(dir!.FullName, "docs", "ledger-format.md");
            Assert.True(File.Exists(path), path + " is missing");
            return new Doc(File.ReadAllText(path));
        }

        /// <summary>The content of the first fenced block after the line <c>&lt;!-- marker --&gt;</c>.</summary>
        public string Block(string marker)
        {
            var lines = Markdown.Split('\n');
            var at = Array.FindIndex(lines, l => l.Trim() == $"<!-- {marker} -->");
            Assert.True(at >= 0, $"docs/ledger-format.md has no <!-- {marker} --> marker");
            var open = Array.FindIndex(lines, at + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            Assert.True(open > at, $"no fenced block after <!-- {marker} -->");
            var close = Array.FindIndex(lines, open + 1, l => l.Trim() == "```");
            Assert.True(close > open, $"the fenced block after <!-- {marker} --> is not closed");
            return string.Join("\n", lines[(open + 1)..close]);
        }
    }

    /// <summary>The example chain: genesis with two organisations and one node, then block 1 with three certificates.</summary>
    private sealed class Example : IDisposable
    {
        private readonly string _dir;
        public required Ledger Ledger { get; init; }
        public required GenesisDocument Genesis { get; init; }
        public required Block GenesisBlock { get; init; }
        public required Block Block1 { get; init; }
        public required IReadOnlyDictionary<string, string?> Block1Writes { get; init; }
        public required string ReceiptJson { get; init; }
        public required string KeystoreJson { get; init; }
        public string GenesisHeaderText => Text(GenesisBlock.Header.ToCanonicalBytes());
        public string GenesisTxText => Text(GenesisBlock.Transactions[0].BodyBytes);

        /// <summary>The write set exactly as StateRoot hashes it: [[key, value-or-null], ...] sorted by key, no spaces.</summary>
        public string WriteSetText => "[" + string.Join(",", Block1Writes.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => "[" + CanonicalJson.SerializeToString(p.Key) + "," + (p.Value ?? "null") + "]")) + "]";

        private Example(string dir) => _dir = dir;

        public static Example Build()
        {
            var dir = Path.Combine(Path.GetTempPath(), "cp-ledger-format-" + Guid.NewGuid().ToString("N"));
            var genesis = new GenesisDocument(ChainId, "Example Power Consortium 示例电力联盟", GenesisTime,
                [
                    new GenesisOrganisation("north-grid", "North Grid Company", [Roles.GridCompany], OrgKey.PublicKeyHex),
                    new GenesisOrganisation("east-power", "East Power Generation", [Roles.Generator, Roles.Retailer], SecondOrgKey.PublicKeyHex),
                ],
                [new ConsortiumNode("node-1", "north-grid", NodeKey.PublicKeyHex, "127.0.0.1:7001", "http://127.0.0.1:5001")],
                new GovernancePolicy(2, 3));
            var ledger = new Ledger(Path.Combine(dir, "node-1"), []);
            ledger.InitializeGenesis(genesis);
            var genesisBlock = ledger.Store.GetBlock(0)!.Value.Block;

            var admin = new TxBuilder(ChainId, "north-grid", OrgKey);
            var txs = Issued.Select((c, i) => admin.Build(MembershipContract.ContractName, "issueCertificate",
                new { certificateId = c.CertificateId, name = c.Name, roles = c.Roles, publicKey = Key($"{OrgSeed}: person {i}").PublicKeyHex },
                ledger.Height, c.Nonce, c.Timestamp)).ToArray();
            foreach (var tx in txs) Assert.Null(ledger.Admit(tx));
            IReadOnlyDictionary<string, string?>? writes = null;
            ledger.BlockCommitted += (_, execution) => writes = execution.Writes;
            var dropped = new List<(SignedTransaction, AdmissionError)>();
            var block = ledger.Propose(txs, "node-1", NodeKey, Block1Time, dropped);
            Assert.Empty(dropped);
            Assert.True(ledger.Apply(block.Serialize()));
            Assert.All(txs, tx => Assert.Equal(TxResult.Ok, ledger.Store.GetTransaction(tx.IdHex)!.Result.Status));

            var keystorePath = Path.Combine(dir, "keystore.json");
            new Keystore(keystorePath, MasterKey).Add(Keystore.NodeKeyId("node-1"), NodeKey);
            return new Example(dir)
            {
                Ledger = ledger, Genesis = genesis, GenesisBlock = genesisBlock, Block1 = block, Block1Writes = writes!,
                ReceiptJson = ledger.GetReceipt(1, ReceiptIndex)!.ToJson(), KeystoreJson = File.ReadAllText(keystorePath),
            };
        }

        /// <summary>Everything the doc's worked example shows, for pasting.</summary>
        public JsonObject Fragments()
        {
            using var receipt = JsonDocument.Parse(ReceiptJson);
            var r = receipt.RootElement;
            var curve = Sm2.Domain.Curve;
            var g = Sm2.Domain.G.Normalize();
            var serialized = Block1.Serialize();
            return new JsonObject
            {
                ["receipt"] = ReceiptJson,
                ["values"] = FormatValues(ComputeValues(r, GenesisHeaderText, GenesisTxText, WriteSetText)),
                ["genesisHeader"] = GenesisHeaderText,
                ["genesisTx"] = GenesisTxText,
                ["writeSet"] = WriteSetText,
                ["keystore"] = KeystoreJson,
                ["txText"] = CanonicalJson.CanonicalizeToString(r.GetProperty("tx")),
                ["resultText"] = CanonicalJson.CanonicalizeToString(r.GetProperty("result")),
                ["headerText"] = CanonicalJson.CanonicalizeToString(r.GetProperty("header")),
                ["txIds"] = new JsonArray(Block1.Transactions.Select(t => (JsonNode)t.IdHex).ToArray()),
                ["wire"] = Block1.Transactions[ReceiptIndex].ToJson(),
                ["orgPrivateKey"] = Hex.Encode(Sm2.PrivateKeyBytes(OrgKey.PrivateKey)),
                ["orgPublicKey"] = OrgKey.PublicKeyHex,
                ["secondOrgPrivateKey"] = Hex.Encode(Sm2.PrivateKeyBytes(SecondOrgKey.PrivateKey)),
                ["secondOrgPublicKey"] = SecondOrgKey.PublicKeyHex,
                ["nodePrivateKey"] = Hex.Encode(Sm2.PrivateKeyBytes(NodeKey.PrivateKey)),
                ["nodePublicKey"] = NodeKey.PublicKeyHex,
                ["masterKey"] = Hex.Encode(MasterKey),
                ["p"] = Hex.Encode(Bytes32(curve.Field.Characteristic)),
                ["a"] = Hex.Encode(curve.A.GetEncoded()),
                ["b"] = Hex.Encode(curve.B.GetEncoded()),
                ["n"] = Hex.Encode(Bytes32(Sm2.Domain.N)),
                ["gx"] = Hex.Encode(g.AffineXCoord.GetEncoded()),
                ["gy"] = Hex.Encode(g.AffineYCoord.GetEncoded()),
                ["sm3abc"] = Hex.Encode(Sm3.Hash("abc"u8)),
                ["sm3empty"] = Hex.Encode(Sm3.Hash([])),
                ["sm3emptyArray"] = Hex.Encode(Sm3.Hash(Utf8("[]"))),
                ["block1EntryLength"] = serialized.Length,
                ["block1EntryHead"] = Hex.Encode(serialized.AsSpan(0, 16)),
                ["genesisEntry"] = Hex.Encode(GenesisBlock.Serialize()),
                ["genesisResult"] = Text(GenesisResult()),
                ["jcsInput"] = JcsExampleInput,
                ["jcsOutput"] = Text(CanonicalJson.Canonicalize(Utf8(JcsExampleInput))),
            };
        }

        private byte[] GenesisResult() => Ledger.Store.GetTransactionAt(0, 0)!.Result.ToCanonicalBytes();

        public void Dispose()
        {
            Ledger.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
