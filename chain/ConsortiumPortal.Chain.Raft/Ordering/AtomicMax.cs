namespace ConsortiumPortal.Chain.Raft.Ordering;

/// <summary>Lock-free "raise to at least": heights and targets only ever grow, from several threads.</summary>
internal static class AtomicMax
{
    public static void Raise(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
