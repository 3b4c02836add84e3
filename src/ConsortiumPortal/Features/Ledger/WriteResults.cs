using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Raft.Ordering;

namespace ConsortiumPortal.Features.Ledger;

/// <summary>What an application API answers for a write it signed and submitted for its caller: where it committed.</summary>
public sealed record WriteResponse(string TxId, long Height, int Index, string Status, JsonNode? Output);

/// <summary>
/// The HTTP answer to an application write's outcome, one mapping for every application API: refused before ordering
/// (503 while the consortium cannot commit, else <c>refusedStatus</c>), refused by the contract (422), or committed (200).
/// </summary>
public static class WriteResults
{
    public static IResult From(TxOutcome outcome, int refusedStatus = StatusCodes.Status400BadRequest)
    {
        if (outcome.Refusal is { } refusal)
            return LedgerApi.Problem(refusal.Code is "busy" or "halted" or "no-leader" or "quorum-lost" ? StatusCodes.Status503ServiceUnavailable : refusedStatus,
                refusal.Code, refusal.Message, outcome.TxId);
        var result = outcome.Result!;
        if (!result.Succeeded) return LedgerApi.Problem(StatusCodes.Status422UnprocessableEntity, "refused-by-contract", result.Error ?? "refused", outcome.TxId);
        var output = result.Output is { } o ? JsonNode.Parse(o.GetRawText()) : null;
        return TypedResults.Ok(new WriteResponse(outcome.TxId, outcome.Height, outcome.Index, result.Status, output));
    }
}
