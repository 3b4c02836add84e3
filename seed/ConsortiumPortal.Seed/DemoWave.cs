using System.Collections;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Seed;

/// <summary>
/// One wave of demo transactions (they commit together, before the next wave is submitted) and the block time it is
/// committed at: <see cref="At"/> (ms since the Unix epoch) for the demo's dated history, null for "now", the seeding
/// moment or later (<see cref="DemoConsortium.SeedingTime"/>). Seeding through a node pins the leader's block clock to
/// <see cref="At"/> (<see cref="SeedingClock"/>); a test ledger sets its proposer clock to it.
/// </summary>
public sealed class DemoWave(IReadOnlyList<SignedTransaction> transactions, long? at = null) : IReadOnlyList<SignedTransaction>
{
    public long? At { get; } = at;

    public SignedTransaction this[int index] => transactions[index];
    public int Count => transactions.Count;
    public IEnumerator<SignedTransaction> GetEnumerator() => transactions.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// The block clock while the demo is seeded through a node: pinned to a dated wave's time, the real clock for undated
/// waves. Set it between waves only (every transaction of the previous wave committed), so each wave's blocks carry its
/// time; the ledger keeps block time monotonic, and <see cref="DemoConsortium.Waves"/> orders the dated waves by time.
/// </summary>
public sealed class SeedingClock(TimeProvider? real = null) : TimeProvider
{
    private readonly TimeProvider _real = real ?? System;
    private const long Real = long.MinValue;
    private long _at = Real;

    /// <summary>Stamps the next blocks with <paramref name="wave"/>'s time (the real time for an undated wave).</summary>
    public void Enter(DemoWave wave) => Interlocked.Exchange(ref _at, wave.At ?? Real);

    public override DateTimeOffset GetUtcNow() => Interlocked.Read(ref _at) is var at && at != Real ? DateTimeOffset.FromUnixTimeMilliseconds(at) : _real.GetUtcNow();
}
