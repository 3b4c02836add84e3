using ConsortiumPortal.Chain.Crypto;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace ConsortiumPortal.Chain.Tests;

public sealed class Sm3Tests
{
    [Fact]
    public void Sm3_of_abc_matches_GMT_0004_example_1() =>
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", Hex.Encode(Sm3.Hash("abc"u8)));

    [Fact]
    public void Sm3_of_abcd_times_16_matches_GMT_0004_example_2()
    {
        var message = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16)));
        Assert.Equal(64, message.Length);
        Assert.Equal("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732", Hex.Encode(Sm3.Hash(message)));
    }

    [Fact]
    public void Sm3_of_the_empty_string()
    {
        Assert.Equal("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b", Hex.Encode(Sm3.Hash([])));
    }

    [Fact]
    public void Three_part_hash_equals_hash_of_the_concatenation()
    {
        byte[] prefix = [0x01], a = [1, 2, 3], b = [4, 5];
        Assert.Equal(Sm3.Hash([0x01, 1, 2, 3, 4, 5]), Sm3.Hash(prefix, a, b));
        Assert.Equal(Sm3.Hash([0x01, 1, 2, 3]), Sm3.Hash(prefix, a));
    }
}

public sealed class Sm2Tests
{
    private static readonly byte[] Message = "the consortium agrees"u8.ToArray();
    private static readonly ECDomainParameters GmDomain = Sm2.DomainFrom(GMNamedCurves.GetByName("sm2p256v1"));

    [Fact]
    public void Sign_then_verify()
    {
        var key = Sm2.Generate();
        var signature = key.Sign(Message);
        Assert.Equal(Sm2.SignatureSize, signature.Length);
        Assert.True(Sm2.Verify(key.PublicKey, Message, signature));
    }

    [Fact]
    public void Signature_from_the_custom_curve_verifies_with_a_key_on_the_generic_GM_curve()
    {
        var key = Sm2.Generate();
        var signature = Sm2.Sign(key.PrivateKey, Message);
        var gmPublic = Sm2.PublicKeyFromBytes(Sm2.PublicKeyBytes(key.PublicKey), GmDomain);
        // Two different curve implementations of the same curve.
        Assert.NotEqual(gmPublic.Parameters.Curve.GetType(), key.PublicKey.Parameters.Curve.GetType());
        Assert.Equal(gmPublic.Parameters.N, key.PublicKey.Parameters.N);
        Assert.True(Sm2.Verify(gmPublic, Message, signature));
        Assert.False(Sm2.Verify(gmPublic, "another message"u8, signature));
    }

    [Fact]
    public void Signature_from_the_generic_GM_curve_verifies_with_a_key_on_the_custom_curve()
    {
        var custom = Sm2.Generate();
        var gmPrivate = Sm2.PrivateKeyFromBytes(Sm2.PrivateKeyBytes(custom.PrivateKey), GmDomain);
        var gmPublicPoint = GmDomain.G.Multiply(gmPrivate.D).Normalize();
        Assert.Equal(custom.PublicKeyHex, Hex.Encode(gmPublicPoint.GetEncoded(false)));
        var signature = Sm2.Sign(gmPrivate, Message);
        Assert.True(Sm2.Verify(custom.PublicKey, Message, signature));
        Assert.True(Sm2.Verify(new ECPublicKeyParameters(gmPublicPoint, GmDomain), Message, signature));
    }

    [Fact]
    public void Wrong_message_fails()
    {
        var key = Sm2.Generate();
        var signature = key.Sign(Message);
        var other = (byte[])Message.Clone();
        other[0] ^= 1;
        Assert.False(Sm2.Verify(key.PublicKey, other, signature));
        Assert.False(Sm2.Verify(key.PublicKey, [], signature));
    }

    [Fact]
    public void Wrong_key_fails()
    {
        var signature = Sm2.Generate().Sign(Message);
        Assert.False(Sm2.Verify(Sm2.Generate().PublicKey, Message, signature));
    }

    [Fact]
    public void Truncated_extended_or_altered_signature_fails()
    {
        var key = Sm2.Generate();
        var signature = key.Sign(Message);
        Assert.False(Sm2.Verify(key.PublicKey, Message, signature.AsSpan(0, 63)));
        Assert.False(Sm2.Verify(key.PublicKey, Message, signature.AsSpan(0, 32)));
        Assert.False(Sm2.Verify(key.PublicKey, Message, []));
        Assert.False(Sm2.Verify(key.PublicKey, Message, [.. signature, 0]));
        for (var i = 0; i < signature.Length; i += 7)
        {
            var altered = (byte[])signature.Clone();
            altered[i] ^= 0x10;
            Assert.False(Sm2.Verify(key.PublicKey, Message, altered), $"signature altered at byte {i} still verifies");
        }
    }

    [Fact]
    public void Out_of_range_signature_values_fail_without_throwing()
    {
        var key = Sm2.Generate();
        var zeros = new byte[64];
        var ones = Enumerable.Repeat((byte)0xff, 64).ToArray();
        Assert.False(Sm2.Verify(key.PublicKey, Message, zeros));
        Assert.False(Sm2.Verify(key.PublicKey, Message, ones));
    }

    [Fact]
    public void Public_key_round_trips_through_bytes_and_hex()
    {
        var key = Sm2.Generate();
        var bytes = Sm2.PublicKeyBytes(key.PublicKey);
        Assert.Equal(Sm2.PublicKeySize, bytes.Length);
        Assert.Equal(0x04, bytes[0]);
        var parsed = Sm2.PublicKeyFromBytes(bytes);
        Assert.Equal(key.PublicKey.Q.Normalize(), parsed.Q.Normalize());
        Assert.Equal(key.PublicKeyHex, Hex.Encode(Sm2.PublicKeyBytes(Sm2.PublicKeyFromHex(key.PublicKeyHex))));
        Assert.True(Sm2.Verify(parsed, Message, key.Sign(Message)));
    }

    [Fact]
    public void Private_key_round_trips_and_rebuilds_the_same_public_key()
    {
        var key = Sm2.Generate();
        var d = Sm2.PrivateKeyBytes(key.PrivateKey);
        Assert.Equal(32, d.Length);
        var rebuilt = Sm2KeyPair.FromPrivateKey(d);
        Assert.Equal(key.PublicKeyHex, rebuilt.PublicKeyHex);
        Assert.True(Sm2.Verify(key.PublicKey, Message, rebuilt.Sign(Message)));
    }

    [Fact]
    public void Small_private_key_is_left_padded_to_32_bytes()
    {
        var small = new ECPrivateKeyParameters(BigInteger.ValueOf(5), Sm2.Domain);
        var bytes = Sm2.PrivateKeyBytes(small);
        Assert.Equal(32, bytes.Length);
        Assert.Equal(5, bytes[31]);
        Assert.All(bytes[..31], b => Assert.Equal(0, b));
        Assert.Throws<FormatException>(() => Sm2.PrivateKeyFromBytes(new byte[31]));
    }

    [Fact]
    public void Off_curve_public_key_is_refused()
    {
        var bytes = Sm2.PublicKeyBytes(Sm2.Generate().PublicKey);
        bytes[64] ^= 1; // change Y: the point leaves the curve
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromBytes(bytes));
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromBytes(bytes, GmDomain));
    }

    [Fact]
    public void Malformed_public_key_encodings_are_refused()
    {
        var bytes = Sm2.PublicKeyBytes(Sm2.Generate().PublicKey);
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromBytes(bytes.AsSpan(0, 64)));
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromBytes([.. bytes, 0]));
        var compressedTag = (byte[])bytes.Clone();
        compressedTag[0] = 0x02;
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromBytes(compressedTag));
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromBytes(new byte[65]));
        Assert.Throws<FormatException>(() => Sm2.PublicKeyFromHex("04zz"));
    }
}

public sealed class Sm4Tests
{
    [Fact]
    public void Sm4_block_matches_GBT_32907_example_1()
    {
        var key = Hex.Decode("0123456789abcdeffedcba9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var output = new byte[16];
        engine.ProcessBlock(key, 0, output, 0); // plaintext = key in the standard's example
        Assert.Equal("681edf34d206965e86b3e94f536e4246", Hex.Encode(output));

        engine.Init(false, new KeyParameter(key));
        var back = new byte[16];
        engine.ProcessBlock(output, 0, back, 0);
        Assert.Equal(key, back);
    }

    [Fact]
    public void Sm4_block_matches_GBT_32907_example_2_one_million_encryptions()
    {
        var key = Hex.Decode("0123456789abcdeffedcba9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var block = (byte[])key.Clone();
        for (var i = 0; i < 1_000_000; i++) engine.ProcessBlock(block, 0, block, 0);
        Assert.Equal("595298c7c6fd271f0402f804c33d3f66", Hex.Encode(block));
    }

    [Fact]
    public void Sm4Gcm_decrypts_the_RFC_8998_A1_vector()
    {
        var key = Hex.Decode("0123456789abcdeffedcba9876543210");
        var sealedData = Hex.Decode(
            "00001234567800000000abcd" +
            "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735" +
            "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d" +
            "83de3541e4c2b58177e065a9bf7b62ec");
        var aad = Hex.Decode("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        var plaintext = Sm4Gcm.Decrypt(key, sealedData, aad);
        Assert.Equal("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
            Hex.Encode(plaintext));
    }

    [Fact]
    public void Round_trip_with_and_without_associated_data()
    {
        var key = Sm4Gcm.NewKey();
        Assert.Equal(Sm4Gcm.KeySize, key.Length);
        var secret = "a private key, 32 bytes long...."u8.ToArray();
        var sealedData = Sm4Gcm.Encrypt(key, secret, "id-1"u8);
        Assert.Equal(Sm4Gcm.NonceSize + secret.Length + Sm4Gcm.TagSize, sealedData.Length);
        Assert.Equal(secret, Sm4Gcm.Decrypt(key, sealedData, "id-1"u8));
        Assert.Equal(secret, Sm4Gcm.Decrypt(key, Sm4Gcm.Encrypt(key, secret)));
        Assert.Empty(Sm4Gcm.Decrypt(key, Sm4Gcm.Encrypt(key, [])));
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var key = Sm4Gcm.NewKey();
        var a = Sm4Gcm.Encrypt(key, "same"u8);
        var b = Sm4Gcm.Encrypt(key, "same"u8);
        Assert.NotEqual(a.AsSpan(0, Sm4Gcm.NonceSize).ToArray(), b.AsSpan(0, Sm4Gcm.NonceSize).ToArray());
    }

    [Fact]
    public void Wrong_key_throws_CryptographicFailure()
    {
        var sealedData = Sm4Gcm.Encrypt(Sm4Gcm.NewKey(), "secret"u8, "ad"u8);
        Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(Sm4Gcm.NewKey(), sealedData, "ad"u8));
    }

    [Fact]
    public void Wrong_associated_data_throws_CryptographicFailure()
    {
        var key = Sm4Gcm.NewKey();
        var sealedData = Sm4Gcm.Encrypt(key, "secret"u8, "key:alice"u8);
        Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(key, sealedData, "key:bob"u8));
        Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(key, sealedData));
    }

    [Fact]
    public void Every_flipped_byte_throws_CryptographicFailure()
    {
        var key = Sm4Gcm.NewKey();
        var sealedData = Sm4Gcm.Encrypt(key, "a secret worth protecting"u8, "ad"u8);
        for (var i = 0; i < sealedData.Length; i++) // nonce, ciphertext and tag
        {
            var tampered = (byte[])sealedData.Clone();
            tampered[i] ^= 0x01;
            Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(key, tampered, "ad"u8));
        }
    }

    [Fact]
    public void Truncated_ciphertext_throws_CryptographicFailure()
    {
        var key = Sm4Gcm.NewKey();
        var sealedData = Sm4Gcm.Encrypt(key, "secret"u8);
        Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(key, sealedData.AsSpan(0, sealedData.Length - 1)));
        Assert.Throws<CryptographicFailure>(() => Sm4Gcm.Decrypt(key, sealedData.AsSpan(0, Sm4Gcm.NonceSize + Sm4Gcm.TagSize - 1)));
    }

    [Fact]
    public void Key_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Sm4Gcm.Encrypt(new byte[15], "x"u8));
        Assert.Throws<ArgumentException>(() => Sm4Gcm.Decrypt(new byte[32], new byte[40]));
    }
}

public sealed class HexTests
{
    [Fact]
    public void Encodes_lower_case_and_decodes_both_cases()
    {
        Assert.Equal("00ff1a", Hex.Encode([0x00, 0xff, 0x1a]));
        Assert.Equal(new byte[] { 0xab, 0xcd }, Hex.Decode("ABcd"));
    }

    [Fact]
    public void Odd_length_and_non_hex_are_refused()
    {
        Assert.Throws<FormatException>(() => Hex.Decode("abc"));
        Assert.Throws<FormatException>(() => Hex.Decode("zz"));
        Assert.False(Hex.TryDecode("abc", out _));
        Assert.False(Hex.TryDecode("zz", out _));
        Assert.False(Hex.TryDecode(null, out _));
        Assert.True(Hex.TryDecode("", out var empty));
        Assert.Empty(empty);
    }
}
