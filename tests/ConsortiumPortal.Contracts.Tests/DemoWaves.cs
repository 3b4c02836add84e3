using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Seed;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>Commits the demo's waves the way seeding through a node does: each dated wave at its time, undated ones from the seeding moment on.</summary>
internal static class DemoWaves
{
    public static TxResult[] CommitWave(this TestChain chain, DemoConsortium demo, DemoWave wave)
    {
        chain.Now = wave.At ?? Math.Max(chain.Now, demo.SeedingTime + 1_000);
        return chain.Commit([.. wave]);
    }
}
