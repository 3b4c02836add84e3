using System.Globalization;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Features.Ledger;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Cluster;

/// <summary>
/// POST /internal/transactions: the leader's door for transactions that followers admitted and forward. Only
/// consortium nodes may use it: the request is signed with the sending node's SM2 key (<see cref="NodeRequestSignature"/>),
/// checked against membership/node/{id} in committed state, within a timestamp window, from a node with the same
/// genesis. Each transaction is admitted again here (a follower is trusted to sign requests, not to check signatures).
/// </summary>
public static class ForwardingApi
{
    /// <summary>A forwarded batch is at most one block of the largest transactions (plus framing).</summary>
    private const long MaxBodyBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapForwardingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(LeaderForwarder.Path, ReceiveAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, NodeHostedService host, CancellationToken token)
    {
        var runtime = await host.Runtime;
        if (request.ContentLength > MaxBodyBytes) return LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "forwarded batch too large");
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, token);
            if (buffer.Length > MaxBodyBytes) return LedgerApi.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "forwarded batch too large");
            body = buffer.ToArray();
        }
        if (NodeRequestAuthentication.Authenticate(request, body, runtime) is { } refused) return refused;
        if (!runtime.Node.IsLeader)
            return LedgerApi.Problem(StatusCodes.Status503ServiceUnavailable, "not-leader", "this node is not the leader; forward to the current leader");

        List<SignedTransaction> transactions = [];
        var refusals = new List<ForwardRefusal>();
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Array) return LedgerApi.Problem(StatusCodes.Status400BadRequest, "malformed", "expected a JSON array of transactions");
            foreach (var element in json.RootElement.EnumerateArray())
            {
                try { transactions.Add(SignedTransaction.Parse(JsonSerializer.SerializeToUtf8Bytes(element))); }
                catch (InvalidTransactionException e) { refusals.Add(new ForwardRefusal("", "malformed", e.Message)); }
            }
        }
        catch (JsonException e) { return LedgerApi.Problem(StatusCodes.Status400BadRequest, "malformed", e.Message); }

        // Admission verifies signatures: spread it over the cores as the public API's concurrent submitters do.
        var outcomes = new Task<Chain.Raft.Ordering.TxOutcome>[transactions.Count];
        Parallel.For(0, transactions.Count, i => outcomes[i] = runtime.Node.SubmitAsync(transactions[i]));
        for (var i = 0; i < transactions.Count; i++)
            if (outcomes[i].IsCompleted && outcomes[i].Result.Refusal is { } refusal)
                refusals.Add(new ForwardRefusal(transactions[i].IdHex, refusal.Code, refusal.Message));
        return TypedResults.Ok(new ForwardAnswer(refusals));
    }
}
