using System.Text.Json;
using ConsortiumPortal.Chain.Proofs;
using QRCoder;

namespace ConsortiumPortal.Features.Verify;

/// <summary>What a receipt says about itself, read leniently: a tampered or partial receipt still shows what it claims.</summary>
public sealed record ReceiptFacts(
    string? TxId, long? BlockHeight, string? BlockHash, string? ChainId, string? SignerPublicKey, string? Signer,
    string? Contract, string? Method, long? TxTimestamp, long? BlockTimestamp, string? Status)
{
    public static ReceiptFacts Read(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return Empty;
            var tx = Child(r, "tx");
            var header = Child(r, "header");
            var result = Child(r, "result");
            return new ReceiptFacts(Str(r, "txId"), Int(header, "height"), Str(r, "blockHash"), Str(r, "chainId"), Str(r, "signerPublicKey"),
                Str(tx, "signer"), Str(tx, "contract"), Str(tx, "method"), Int(tx, "timestamp"), Int(header, "timestamp"), Str(result, "status"));
        }
        catch (JsonException) { return Empty; }
    }

    public static ReceiptFacts Empty { get; } = new(null, null, null, null, null, null, null, null, null, null, null);

    private static JsonElement Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var c) && c.ValueKind == JsonValueKind.Object ? c : default;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}

/// <summary>The outcome of checking one receipt: every check, the receipt's own claims and a QR code for the printed report.</summary>
public sealed record ReceiptReport(ReceiptVerification Verification, ReceiptFacts Facts, string? QrCodeDataUri, DateTimeOffset CheckedAt)
{
    /// <summary>Largest receipt accepted, uploaded or pasted.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static ReceiptReport Check(string json)
    {
        var verification = ReceiptVerifier.Verify(json);
        var facts = ReceiptFacts.Read(json);
        var qr = facts.TxId is { } tx && facts.BlockHash is { } block ? QrCode($"consortium-receipt tx:{tx} block:{block}") : null;
        return new ReceiptReport(verification, facts, qr, DateTimeOffset.UtcNow);
    }

    /// <summary>A PNG data: URI (the CSP allows data: images), so the report prints without fetching anything.</summary>
    public static string QrCode(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
