using System.Collections.Concurrent;

namespace ConsortiumPortal.Jobs;

/// <summary>The latest progress of one job (a subscriber's run or a feature's long job).</summary>
public sealed record JobProgress(string Job, long Done, long Total, string Message, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, bool Finished, string? Error)
{
    public double Percent => Total <= 0 ? (Finished ? 100 : 0) : Math.Min(100, 100.0 * Done / Total);
}

/// <summary>
/// Progress of running and recent jobs on this node, for the portal's Jobs page (live through <see cref="Changed"/>).
/// In memory on purpose: what is done is on the chain; this only shows a run while it happens.
/// </summary>
public sealed class JobProgressBoard(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, JobProgress> _jobs = new(StringComparer.Ordinal);

    public event Action<JobProgress>? Changed;

    public IReadOnlyList<JobProgress> All => _jobs.Values.OrderBy(j => j.Job, StringComparer.Ordinal).ToArray();

    public JobProgress? Get(string job) => _jobs.GetValueOrDefault(job);

    public void Start(string job, string message) => Publish(new JobProgress(job, 0, 0, message, clock.GetUtcNow(), clock.GetUtcNow(), false, null));

    public void Report(string job, long done, long total, string message)
    {
        var now = clock.GetUtcNow();
        var started = _jobs.TryGetValue(job, out var previous) && !previous.Finished ? previous.StartedAt : now;
        Publish(new JobProgress(job, done, total, message, started, now, false, null));
    }

    public void Finish(string job, string message, string? error = null)
    {
        var now = clock.GetUtcNow();
        var previous = _jobs.GetValueOrDefault(job);
        Publish(new JobProgress(job, previous?.Total ?? 0, previous?.Total ?? 0, message, previous?.StartedAt ?? now, now, true, error));
    }

    private void Publish(JobProgress progress)
    {
        _jobs[progress.Job] = progress;
        Changed?.Invoke(progress);
    }
}
