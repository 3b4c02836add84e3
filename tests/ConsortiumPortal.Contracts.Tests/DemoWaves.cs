using ConsortiumPortal.Chain.Crypto;
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

    /// <summary>Commits every wave of the demo, each at its time; every transaction must succeed.</summary>
    public static void CommitDemo(this TestChain chain, DemoConsortium demo, Func<string, Sm2KeyPair> keyFor)
    {
        foreach (var wave in demo.Waves(keyFor, chain.Ledger.Height))
        {
            var results = chain.CommitWave(demo, wave);
            Assert.All(results.Zip(wave), r => Assert.True(r.First.Succeeded, $"{r.Second.Body.Method} by {r.Second.Body.Signer}: {r.First.Error}"));
        }
    }
}
