using System.Text;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Tests.Api;

/// <summary>The keystore file the running portal wrote holds every key sealed: no private key appears in it in any plain form.</summary>
public sealed class KeystoreFileTests(PortalApp app) : IClassFixture<PortalApp>
{
    [Fact]
    public async Task The_keystore_file_contains_no_private_key_in_plain_text()
    {
        var raw = await File.ReadAllBytesAsync(Path.Combine(app.DataDirectory, DataDirectory.KeystoreFile));
        var text = Encoding.UTF8.GetString(raw);
        var ids = app.Runtime.Keys.Ids.ToArray();
        Assert.True(ids.Length >= 45, $"the demo keystore holds organisations, people and the node key; found {ids.Length}");

        foreach (var id in ids)
        {
            var pair = app.Runtime.Keys.Get(id);
            var d = Sm2.PrivateKeyBytes(pair.PrivateKey);
            Assert.Equal(32, d.Length);
            // The file does hold each public key in hex: a sign that these searches look at the right text.
            Assert.Contains(pair.PublicKeyHex, text, StringComparison.OrdinalIgnoreCase);

            Assert.DoesNotContain(Hex.Encode(d), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(d), text);
            Assert.DoesNotContain(pair.PrivateKey.D.ToString(), text); // decimal
            Assert.False(raw.AsSpan().IndexOf(d) >= 0, $"the raw bytes of {id}'s private key are in the file");
            // Not even a 16-byte half of it, in hex or raw.
            Assert.DoesNotContain(Hex.Encode(d[..16]), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Hex.Encode(d[16..]), text, StringComparison.OrdinalIgnoreCase);
            Assert.False(raw.AsSpan().IndexOf(d.AsSpan(0, 16)) >= 0);
        }

        // Nor is the master key that seals them beside them in the file.
        var masterKey = (await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, DataDirectory.MasterKeyFile))).Trim();
        Assert.DoesNotContain(masterKey, text, StringComparison.OrdinalIgnoreCase);
    }
}
