using System.Security.Claims;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Metering;

/// <summary>
/// Records a batch of readings the way docs/metering.md describes: every row is validated against committed state;
/// rejected rows are reported (line, reason) and not submitted; the valid rows are packed into transactions signed by
/// the caller and submitted together; rows already recorded with the same value are counted, not resubmitted. A
/// transaction the contract refuses anyway (state changed meanwhile) moves its rows to the rejected list with the
/// contract's reason, so every row ends up either accepted, already recorded or rejected: nothing is lost silently.
/// </summary>
public sealed class MeteringIngest(NodeHostedService node, MeteringSigner signer, TimeProvider clock)
{
    public const int MaxRowsPerRequest = 200_000;

    /// <summary>Writes need a person (or key) acting as GridCompany: the contract says so too; this is the readable message.</summary>
    public static bool MayWrite(ClaimsPrincipal user) => user.IsInRole(Chain.Execution.Roles.GridCompany);

    public async Task<IngestReport> RecordAsync(ClaimsPrincipal user, IReadOnlyList<ReadingRow> rows, IReadOnlyList<RejectedRow>? alreadyRejected = null,
        IProgress<IngestProgress>? progress = null, CancellationToken token = default)
    {
        var (certificate, problem) = await signer.ResolveAsync(user);
        if (certificate is null) throw new MeteringRequestException(problem!);
        var organisation = user.OrganisationId() ?? throw new MeteringRequestException("the caller has no organisation");
        var runtime = await node.Runtime;

        // The contract checks that an interval has ended against block time, which a training pilot's clock runs ahead of.
        var now = Math.Max(clock.GetUtcNow().ToUnixTimeMilliseconds(), runtime.Node.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        var validator = new ReadingValidator(runtime.Ledger.Store.Committed, organisation, now);
        var checkedRows = await Task.Run(() => validator.Validate(rows, progress), token);
        var rejected = new List<RejectedRow>(alreadyRejected ?? []);
        rejected.AddRange(checkedRows.Rejected);

        var series = ReadingBatcher.ToSeries(checkedRows.Valid.Select(v => (v.Meter.MeterId, v.Start, v.Wh)));
        var batches = ReadingBatcher.ToBatches(series);
        var lines = checkedRows.Valid.ToDictionary(v => (v.Meter.MeterId, v.Start), v => v.Row);

        progress?.Report(new IngestProgress("submitting", 0, checkedRows.Valid.Count));
        var submissions = new List<(MeteringContract.RecordReadingsArgs Args, string TxId, Task<TxOutcome> Outcome)>();
        foreach (var batch in batches)
        {
            token.ThrowIfCancellationRequested();
            var tx = await signer.SignAsync(certificate, MeteringContract.ContractName, "recordReadings", batch);
            submissions.Add((batch, tx.IdHex, runtime.Node.SubmitAsync(tx)));
        }

        var transactions = new List<BatchTransaction>();
        int accepted = 0, already = checkedRows.AlreadyRecorded, done = 0;
        foreach (var (args, txId, pending) in submissions)
        {
            var outcome = await pending.WaitAsync(TimeSpan.FromMinutes(2), token);
            var count = args.Series.Sum(s => s.Wh.Count);
            done += count;
            progress?.Report(new IngestProgress("committing", done, checkedRows.Valid.Count));
            var error = outcome.Refusal?.Message ?? outcome.Result?.Error;
            if (outcome.Refusal is null && outcome.Result is { Succeeded: true } result)
            {
                var recorded = (int)result.Output!.Value.GetProperty("recorded").GetInt64();
                accepted += recorded;
                already += count - recorded;
                transactions.Add(new BatchTransaction(txId, count, outcome.Height, "committed", null));
                continue;
            }
            transactions.Add(new BatchTransaction(txId, count, outcome.Refusal is null ? outcome.Height : null, outcome.Refusal is null ? "failed" : "refused", error));
            foreach (var s in args.Series)
                for (var i = 0; i < s.Wh.Count; i++)
                {
                    var row = lines[(s.MeterId, s.Start + i * MeteringState.IntervalMs)];
                    rejected.Add(new RejectedRow(row.Line, row.MeterId, row.IntervalStart, $"the batch was refused: {error}"));
                }
        }
        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new IngestReport(rows.Count + (alreadyRejected?.Count ?? 0), accepted, already, rejected, transactions);
    }

    /// <summary>Signs and submits one metering transaction for the caller and waits for its block.</summary>
    public async Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string method, object args, CancellationToken token = default)
    {
        var (certificate, problem) = await signer.ResolveAsync(user);
        if (certificate is null) throw new MeteringRequestException(problem!);
        var runtime = await node.Runtime;
        var tx = await signer.SignAsync(certificate, MeteringContract.ContractName, method, args);
        return await runtime.Node.SubmitAsync(tx).WaitAsync(TimeSpan.FromMinutes(1), token);
    }
}

/// <summary>A request that cannot be carried out as a whole (no key to sign with, too large): a problem, not a row.</summary>
public sealed class MeteringRequestException(string message) : Exception(message);
