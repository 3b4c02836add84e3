using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace ConsortiumPortal.Chain.Crypto;

/// <summary>
/// SM4 in GCM mode (128-bit key, 96-bit nonce, 128-bit tag) for secrets at rest: private keys and stored documents.
/// Output layout: nonce (12) || ciphertext || tag (16). Associated data binds a ciphertext to its purpose
/// (e.g. the key id), so a ciphertext copied to another entry fails to decrypt.
/// </summary>
public static class Sm4Gcm
{
    public const int KeySize = 16;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private static readonly SecureRandom Random = new();

    public static byte[] NewKey() => SecureRandom.GetNextBytes(Random, KeySize);

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        var nonce = SecureRandom.GetNextBytes(Random, NonceSize);
        var cipher = Create(true, key, nonce, associatedData);
        var output = new byte[NonceSize + cipher.GetOutputSize(plaintext.Length)];
        nonce.CopyTo(output, 0);
        var written = cipher.ProcessBytes(plaintext, output.AsSpan(NonceSize));
        cipher.DoFinal(output.AsSpan(NonceSize + written));
        return output;
    }

    /// <exception cref="CryptographicFailure">wrong key, wrong associated data or a tampered ciphertext</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData = default)
    {
        if (sealedData.Length < NonceSize + TagSize) throw new CryptographicFailure("ciphertext too short");
        var cipher = Create(false, key, sealedData[..NonceSize], associatedData);
        var body = sealedData[NonceSize..];
        var output = new byte[cipher.GetOutputSize(body.Length)];
        try
        {
            var written = cipher.ProcessBytes(body, output);
            written += cipher.DoFinal(output.AsSpan(written));
            return output[..written];
        }
        catch (InvalidCipherTextException e) { throw new CryptographicFailure("SM4-GCM authentication failed: wrong key or tampered data", e); }
    }

    private static GcmBlockCipher Create(bool encrypt, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
    {
        if (key.Length != KeySize) throw new ArgumentException("an SM4 key is 16 bytes", nameof(key));
        var cipher = new GcmBlockCipher(new SM4Engine());
        cipher.Init(encrypt, new AeadParameters(new KeyParameter(key.ToArray()), TagSize * 8, nonce.ToArray(), associatedData.ToArray()));
        return cipher;
    }
}

public sealed class CryptographicFailure(string message, Exception? inner = null) : Exception(message, inner);
