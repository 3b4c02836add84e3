namespace ConsortiumPortal.Node;

/// <summary>
/// A training pilot's block clock (Consortium:TrainingClock=true, a single node only): the system clock plus an offset
/// that an operator can only increase, so that a whole demand-response event, a maturity or an expiry plays out in
/// minutes. It is the node's block clock only, not the portal's TimeProvider: sign-in cookies and lockouts keep wall time.
/// <para>
/// Why only forward: block time is on the ledger for ever and never goes back (Ledger.Propose keeps it monotonic), so
/// setting the clock back would only stop time until the wall clock caught up. A restarted node starts the clock at the
/// ledger's head time if that is ahead of the wall clock, for the same reason. A ledger that has been fast-forwarded
/// records times that have not happened yet: it is for training, never for production data.
/// </para>
/// </summary>
public sealed class TrainingClock(TimeProvider? real = null) : TimeProvider
{
    /// <summary>The most one move may jump: a typo (a year instead of a day) would otherwise be permanent.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(31);

    private readonly TimeProvider _real = real ?? System;
    private readonly Lock _lock = new();
    private long _offsetTicks; // ticks, not ms: a move lands exactly on the time asked for

    /// <summary>How far this clock is ahead of the wall clock.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => _real.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock forward to <paramref name="to"/>; refused (ArgumentOutOfRangeException) if that is in its past or more than <see cref="MaxStep"/> ahead.</summary>
    public DateTimeOffset AdvanceTo(DateTimeOffset to)
    {
        lock (_lock)
        {
            var now = GetUtcNow();
            if (to < now) throw new ArgumentOutOfRangeException(nameof(to), $"the block clock only moves forward: it is {now:O} already");
            if (to - now > MaxStep) throw new ArgumentOutOfRangeException(nameof(to), $"one move goes at most {MaxStep.TotalDays:0} days ahead");
            Interlocked.Add(ref _offsetTicks, (to - now).Ticks);
            return GetUtcNow();
        }
    }

    /// <summary>At start-up: never behind the ledger's last block (its time may be ahead of the wall clock after a fast-forward).</summary>
    public void CatchUp(long headTimestampMs)
    {
        lock (_lock)
        {
            var behind = headTimestampMs - GetUtcNow().ToUnixTimeMilliseconds();
            if (behind > 0) Interlocked.Add(ref _offsetTicks, behind * TimeSpan.TicksPerMillisecond);
        }
    }
}
