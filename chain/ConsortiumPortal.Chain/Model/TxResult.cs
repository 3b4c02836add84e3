using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Chain.Model;

/// <summary>An event a contract emitted: a name and a JSON object of integers and strings.</summary>
public sealed record ContractEvent(string Name, JsonElement Data);

/// <summary>
/// The outcome of one transaction: what the receipts Merkle tree commits to.
/// Leaf data = canonical(result); status is "ok" or "failed" (with error); failed transactions change no state.
/// </summary>
public sealed record TxResult(string TxId, string Status, string? Error, IReadOnlyList<ContractEvent> Events, JsonElement? Output)
{
    public const string Ok = "ok";
    public const string Failed = "failed";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Succeeded => Status == Ok;

    public byte[] ToCanonicalBytes() => CanonicalJson.Serialize(this);

    public byte[] Hash() => Sm3.Hash(ToCanonicalBytes());

    public static TxResult FromJson(ReadOnlySpan<byte> json) => CanonicalJson.Deserialize<TxResult>(json);

    public static TxResult Failure(string txId, string error) => new(txId, Failed, error, [], null);
}
