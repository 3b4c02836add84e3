using Bogus;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Seed;

/// <summary>
/// What an application's demo data is built from: the consortium (organisations, people, genesis), a builder that signs
/// as any demo certificate id, the height the transactions expire from, and a random source seeded from the demo seed.
/// </summary>
public sealed record DemoSeedContext(DemoConsortium Consortium, Func<string, TxBuilder> As, long CurrentHeight, Randomizer Random)
{
    /// <summary>When the consortium was founded (ms since the Unix epoch): demo history is dated relative to it.</summary>
    public long GenesisTime => Consortium.Genesis.Timestamp;
}

/// <summary>
/// One application's demo data: waves of signed transactions submitted after the base waves (certificates, deposits,
/// payments). A wave commits completely before the next is submitted, so a later wave may rely on an earlier one.
/// Each application keeps its seed in seed/ConsortiumPortal.Seed/&lt;Application&gt;/ and is listed once in
/// <see cref="DemoConsortium.ApplicationSeeds"/>.
/// </summary>
public interface IDemoApplicationSeed
{
    IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context);
}
