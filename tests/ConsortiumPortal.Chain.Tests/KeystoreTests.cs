using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Keys;

namespace ConsortiumPortal.Chain.Tests;

public sealed class KeystoreTests
{
    private static readonly byte[] Message = "sign me"u8.ToArray();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public void The_file_reveals_no_private_key_in_any_plain_form()
    {
        using var dir = new TempDir();
        var path = dir.Sub("keys.json");
        var store = new Keystore(path, Sm4Gcm.NewKey());
        var pairs = new[] { store.Create("org-a/alice"), store.Create(Keystore.NodeKeyId("node-1")) }.ToList();
        var imported = Sm2.Generate();
        store.Add("org-b/bob", imported);
        pairs.Add(imported);

        var raw = File.ReadAllBytes(path);
        var text = System.Text.Encoding.UTF8.GetString(raw);
        foreach (var pair in pairs)
        {
            var d = Sm2.PrivateKeyBytes(pair.PrivateKey);
            Assert.False(Contains(raw, d), "raw private key bytes in the keystore file");
            Assert.DoesNotContain(Hex.Encode(d), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(d), text);
            Assert.DoesNotContain(pair.PrivateKey.D.ToString(), text); // decimal
            Assert.Contains(pair.PublicKeyHex, text); // the public half is meant to be there
        }
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Keys_round_trip_through_a_reopened_keystore_with_the_right_master_key()
    {
        using var dir = new TempDir();
        var path = dir.Sub("keys.json");
        var master = Sm4Gcm.NewKey();
        var store = new Keystore(path, master);
        var alice = store.Create("org-a/alice");
        Assert.True(store.Contains("org-a/alice"));
        Assert.Equal(alice.PublicKeyHex, store.PublicKey("org-a/alice"));

        var reopened = new Keystore(path, (byte[])master.Clone());
        Assert.Equal(["org-a/alice"], reopened.Ids);
        var loaded = reopened.Get("org-a/alice");
        Assert.Equal(alice.PublicKeyHex, loaded.PublicKeyHex);
        Assert.Equal(Sm2.PrivateKeyBytes(alice.PrivateKey), Sm2.PrivateKeyBytes(loaded.PrivateKey));
        Assert.True(Sm2.Verify(alice.PublicKey, Message, loaded.Sign(Message)));
    }

    [Fact]
    public void A_wrong_master_key_fails_to_decrypt()
    {
        using var dir = new TempDir();
        var path = dir.Sub("keys.json");
        new Keystore(path, Sm4Gcm.NewKey()).Create("org-a/alice");
        var wrong = new Keystore(path, Sm4Gcm.NewKey());
        Assert.True(wrong.Contains("org-a/alice"));
        Assert.Throws<CryptographicFailure>(() => wrong.Get("org-a/alice"));
    }

    [Fact]
    public void A_master_key_of_the_wrong_size_is_refused()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => new Keystore(dir.Sub("k.json"), new byte[32]));
        Assert.Throws<ArgumentException>(() => new Keystore(dir.Sub("k.json"), []));
    }

    [Fact]
    public void A_sealed_entry_copied_to_another_id_fails_to_decrypt()
    {
        using var dir = new TempDir();
        var path = dir.Sub("keys.json");
        var master = Sm4Gcm.NewKey();
        var store = new Keystore(path, master);
        var alice = store.Create("org-a/alice");
        store.Create("org-a/mallory");

        // Mallory's entry gets Alice's sealed key and public key: the associated data (the id) gives it away.
        var entries = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        var aliceEntry = entries.Single(e => e!["id"]!.GetValue<string>() == "org-a/alice")!;
        var malloryEntry = entries.Single(e => e!["id"]!.GetValue<string>() == "org-a/mallory")!;
        malloryEntry["sealed"] = aliceEntry["sealed"]!.GetValue<string>();
        malloryEntry["publicKey"] = alice.PublicKeyHex;
        File.WriteAllText(path, entries.ToJsonString());

        var reopened = new Keystore(path, master);
        Assert.Throws<CryptographicFailure>(() => reopened.Get("org-a/mallory"));
        Assert.Equal(alice.PublicKeyHex, reopened.Get("org-a/alice").PublicKeyHex);
    }

    [Fact]
    public void A_tampered_sealed_entry_or_a_swapped_public_key_fails()
    {
        using var dir = new TempDir();
        var path = dir.Sub("keys.json");
        var master = Sm4Gcm.NewKey();
        var store = new Keystore(path, master);
        store.Create("a");
        var entries = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        var sealedHex = entries[0]!["sealed"]!.GetValue<string>();
        entries[0]!["sealed"] = sealedHex[..^1] + (sealedHex[^1] == '0' ? '1' : '0');
        File.WriteAllText(path, entries.ToJsonString());
        Assert.Throws<CryptographicFailure>(() => new Keystore(path, master).Get("a"));

        entries[0]!["sealed"] = sealedHex;
        entries[0]!["publicKey"] = Sm2.Generate().PublicKeyHex;
        File.WriteAllText(path, entries.ToJsonString());
        Assert.Throws<CryptographicFailure>(() => new Keystore(path, master).Get("a"));
    }

    [Fact]
    public void Ids_are_unique_and_unknown_ids_are_reported()
    {
        using var dir = new TempDir();
        var store = new Keystore(dir.Sub("keys.json"), Sm4Gcm.NewKey());
        store.Create("a");
        Assert.Throws<InvalidOperationException>(() => store.Create("a"));
        Assert.Throws<KeyNotFoundException>(() => store.Get("b"));
        Assert.Null(store.PublicKey("b"));
        Assert.Equal("node:n1", Keystore.NodeKeyId("n1"));
    }
}
