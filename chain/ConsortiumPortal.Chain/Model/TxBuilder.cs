using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Chain.Model;

/// <summary>
/// Builds and signs transactions for one signer: the one way pages, jobs, seed, the CLI and tests create them.
/// </summary>
public sealed class TxBuilder(string chainId, string signerCertificateId, Sm2KeyPair key)
{
    /// <summary>How many blocks a transaction stays valid by default when the caller gives no expiry.</summary>
    public const long DefaultValidityBlocks = 10_000;

    public string ChainId { get; } = chainId;
    public string Signer { get; } = signerCertificateId;

    public SignedTransaction Build(string contract, string method, object args, long currentHeight, string? nonce = null, long? timestamp = null)
    {
        using var argsDoc = JsonDocument.Parse(CanonicalJson.Serialize(args));
        var body = new TransactionBody(ChainId, Signer, contract, method, argsDoc.RootElement.Clone(),
            nonce ?? NewNonce(), timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), currentHeight + DefaultValidityBlocks);
        return Sign(body);
    }

    public SignedTransaction Sign(TransactionBody body)
    {
        var bytes = body.ToCanonicalBytes();
        return SignedTransaction.Create(body, key.Sign(bytes));
    }

    public static string NewNonce() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}
