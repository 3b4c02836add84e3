using ConsortiumPortal.Node;

namespace ConsortiumPortal.Jobs;

/// <summary>One subscriber as the Jobs page shows it.</summary>
public sealed record SubscriberRow(string Name, string Signer, bool RunsHere, long Cursor, long Head, JobProgress? Progress)
{
    public long Lag => RunsHere ? Math.Max(0, Head - Cursor) : 0;
}

/// <summary>Reads what the Jobs page shows: every subscriber with its cursor against the chain head, and its progress.</summary>
public sealed class JobsOverview(NodeHostedService host, ChainEventSubscriptions subscriptions, JobProgressBoard progress)
{
    public async Task<IReadOnlyList<SubscriberRow>> SubscribersAsync()
    {
        var runtime = await host.Runtime;
        var cursors = await subscriptions.CursorsAsync();
        var head = runtime.Ledger.Height;
        return subscriptions.All
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new SubscriberRow(s.Name, s.SignerCertificateId, ChainEventSubscriptions.RunsHere(s, runtime), cursors.Get(s.Name), head, progress.Get(s.Name)))
            .ToArray();
    }

    /// <summary>Progress of jobs that are not subscribers (e.g. an import), newest first.</summary>
    public IReadOnlyList<JobProgress> OtherJobs() =>
        progress.All.Where(p => subscriptions.All.All(s => s.Name != p.Job)).OrderByDescending(p => p.UpdatedAt).ToArray();
}
