using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Chain.Model;

/// <summary>
/// What a person signs: chain id, signer certificate, contract, method, args, nonce, timestamp, expiry height.
/// txId = SM3(canonical(body)); the signature is SM2 over the same canonical bytes.
/// </summary>
public sealed record TransactionBody(
    string ChainId, string Signer, string Contract, string Method, JsonElement Args,
    string Nonce, long Timestamp, long ExpiryHeight)
{
    public const int MaxNonceLength = 64;

    public byte[] ToCanonicalBytes() => CanonicalJson.Serialize(new
    {
        args = Args, chainId = ChainId, contract = Contract, expiryHeight = ExpiryHeight,
        method = Method, nonce = Nonce, signer = Signer, timestamp = Timestamp,
    });

    /// <summary>Reads a body from its JSON form, checking every field's presence and type.</summary>
    public static TransactionBody FromJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new InvalidTransactionException("the body must be a JSON object");
        string? chainId = null, signer = null, contract = null, method = null, nonce = null;
        long? timestamp = null, expiry = null;
        JsonElement? args = null;
        foreach (var p in body.EnumerateObject())
        {
            switch (p.Name)
            {
                case "chainId": chainId = RequireString(p); break;
                case "signer": signer = RequireString(p); break;
                case "contract": contract = RequireString(p); break;
                case "method": method = RequireString(p); break;
                case "nonce": nonce = RequireString(p); break;
                case "timestamp": timestamp = RequireInteger(p); break;
                case "expiryHeight": expiry = RequireInteger(p); break;
                case "args":
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new InvalidTransactionException("args must be a JSON object");
                    args = p.Value.Clone();
                    break;
                default: throw new InvalidTransactionException($"unknown body field \"{p.Name}\"");
            }
        }
        var result = new TransactionBody(
            chainId ?? throw Missing("chainId"), signer ?? throw Missing("signer"), contract ?? throw Missing("contract"),
            method ?? throw Missing("method"), args ?? throw Missing("args"), nonce ?? throw Missing("nonce"),
            timestamp ?? throw Missing("timestamp"), expiry ?? throw Missing("expiryHeight"));
        if (result.Nonce.Length is 0 or > MaxNonceLength) throw new InvalidTransactionException($"nonce must be 1..{MaxNonceLength} characters");
        return result;
    }

    private static InvalidTransactionException Missing(string field) => new($"body field \"{field}\" is missing");

    private static string RequireString(JsonProperty p) => p.Value.ValueKind == JsonValueKind.String
        ? p.Value.GetString()! : throw new InvalidTransactionException($"body field \"{p.Name}\" must be a string");

    private static long RequireInteger(JsonProperty p) => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var v)
        ? v : throw new InvalidTransactionException($"body field \"{p.Name}\" must be an integer");
}

/// <summary>
/// A signed transaction as it travels and as it is stored: the canonical body bytes (the exact bytes signed) and the
/// raw r||s signature. Wire form: {"body": {...}, "signature": "hex"}.
/// </summary>
public sealed class SignedTransaction
{
    /// <summary>Payload limit: a transaction larger than this is refused at admission.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public TransactionBody Body { get; }
    public byte[] BodyBytes { get; }
    public byte[] Signature { get; }
    public byte[] Id { get; }
    public string IdHex { get; }

    private SignedTransaction(TransactionBody body, byte[] bodyBytes, byte[] signature)
    {
        Body = body;
        BodyBytes = bodyBytes;
        Signature = signature;
        Id = Sm3.Hash(bodyBytes);
        IdHex = Hex.Encode(Id);
    }

    public static SignedTransaction Create(TransactionBody body, byte[] signature) => new(body, body.ToCanonicalBytes(), signature);

    /// <summary>Rebuilds a stored transaction. Its body must be exactly canonical: the id is the hash of these bytes.</summary>
    public static SignedTransaction FromStored(ReadOnlySpan<byte> bodyBytes, byte[] signature)
    {
        using var doc = CanonicalJson.Parse(bodyBytes);
        if (!CanonicalJson.Canonicalize(doc.RootElement).AsSpan().SequenceEqual(bodyBytes))
            throw new InvalidTransactionException("transaction body is not canonical JSON (RFC 8785): its id could not be recomputed");
        return new SignedTransaction(TransactionBody.FromJson(doc.RootElement), bodyBytes.ToArray(), signature);
    }

    /// <exception cref="InvalidTransactionException">malformed JSON, missing fields, oversized payload, bad encoding</exception>
    public static SignedTransaction Parse(ReadOnlySpan<byte> wireJson)
    {
        if (wireJson.Length > MaxBodyBytes + 1024) throw new InvalidTransactionException($"transaction larger than {MaxBodyBytes} bytes");
        try
        {
            using var doc = CanonicalJson.Parse(wireJson);
            return FromJson(doc.RootElement);
        }
        catch (CanonicalJsonException e) { throw new InvalidTransactionException(e.Message, e); }
        catch (InvalidOperationException e) { throw new InvalidTransactionException($"malformed JSON text: {e.Message}", e); }
    }

    public static SignedTransaction FromJson(JsonElement wire)
    {
        if (wire.ValueKind != JsonValueKind.Object) throw new InvalidTransactionException("a transaction is a JSON object {body, signature}");
        if (!wire.TryGetProperty("body", out var bodyElement)) throw new InvalidTransactionException("\"body\" is missing");
        if (!wire.TryGetProperty("signature", out var sigElement) || sigElement.ValueKind != JsonValueKind.String
            || !Hex.TryDecode(sigElement.GetString(), out var signature))
            throw new InvalidTransactionException("\"signature\" must be a hex string");
        foreach (var p in wire.EnumerateObject())
            if (p.Name is not ("body" or "signature" or "signatureEncoding"))
                throw new InvalidTransactionException($"unknown field \"{p.Name}\"");
        byte[] bodyBytes;
        try { bodyBytes = CanonicalJson.Canonicalize(bodyElement); }
        catch (CanonicalJsonException e) { throw new InvalidTransactionException(e.Message, e); }
        if (bodyBytes.Length > MaxBodyBytes) throw new InvalidTransactionException($"transaction body larger than {MaxBodyBytes} bytes");
        return new SignedTransaction(TransactionBody.FromJson(bodyElement), bodyBytes, signature);
    }

    public string ToJson() => System.Text.Encoding.UTF8.GetString(CanonicalJson.Serialize(new
    {
        body = JsonDocument.Parse(BodyBytes).RootElement, signature = Hex.Encode(Signature), signatureEncoding = Sm2.SignatureEncoding,
    }));

    public bool VerifySignature(Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters key) => Sm2.Verify(key, BodyBytes, Signature);

    /// <summary>Set once this node has checked the signature, so each transaction is verified once per node.</summary>
    public bool SignatureVerified { get; internal set; }
}

public sealed class InvalidTransactionException(string message, Exception? inner = null) : Exception(message, inner);
