using Bogus;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Model;

namespace ConsortiumPortal.Seed;

/// <summary>
/// What an application's demo data is built from: the consortium (organisations, people, genesis), a builder that signs
/// as any demo certificate id, the height the transactions expire from, a random source seeded from the demo seed, and
/// the key of any id (an organisation that joins later needs its public key in the admission proposal).
/// </summary>
public sealed record DemoSeedContext(DemoConsortium Consortium, Func<string, TxBuilder> As, long CurrentHeight, Randomizer Random,
    Func<string, Sm2KeyPair> KeyFor)
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
