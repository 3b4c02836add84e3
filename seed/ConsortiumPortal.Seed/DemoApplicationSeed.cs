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
    /// <summary>
    /// The seeding moment (ms since the Unix epoch): "now" for every seed. Undated waves commit at it or later; dated history
    /// lies between the (backdated) genesis and it.
    /// </summary>
    public long Now => Consortium.SeedingTime;

    /// <summary>
    /// The seeding moment, under its name from before the demo had dated history (genesis was "now" then). Seeds that still
    /// use it get the same data as before; new code says <see cref="Now"/>. The genesis block itself is
    /// <see cref="DemoConsortium.HistoryMs"/> older: Consortium.Genesis.Timestamp.
    /// </summary>
    public long GenesisTime => Now;
}

/// <summary>
/// One application's demo data: waves of signed transactions submitted after the base waves (certificates, deposits,
/// payments). A wave commits completely before the next is submitted, so a later wave may rely on an earlier one.
/// Each application keeps its seed in seed/ConsortiumPortal.Seed/&lt;Application&gt;/ and is listed once in
/// <see cref="DemoConsortium.ApplicationSeeds"/>.
/// </summary>
public interface IDemoApplicationSeed
{
    /// <summary>Waves committed at the seeding moment (context.Now) or later, in order, after every dated wave.</summary>
    IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context);

    /// <summary>
    /// Dated history: waves committed at their <see cref="DemoWave.At"/>, after genesis and the base waves, before the seeding
    /// moment. All seeds' dated waves are committed in time order (ties: seed order, then wave order) before any undated
    /// wave, so a dated wave may rely only on the base waves and on earlier dated waves. Metering data written here must not
    /// collide with what other seeds record later (use meters of your own).
    /// </summary>
    IEnumerable<DemoWave> History(DemoSeedContext context) => [];
}
