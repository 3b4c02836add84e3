using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Seed;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>
/// The demo consortium goes through the real ledger: genesis, then its waves of ordinary signed transactions, each
/// wave in its own block. Every transaction must succeed and the money must add up.
/// </summary>
public sealed class DemoConsortiumTests
{
    private const long GenesisTime = 1_767_225_600_000;
    private static readonly ConsortiumNode Node = new("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:7001", "http://127.0.0.1:5001");

    private sealed class Keys
    {
        private readonly ConcurrentDictionary<string, Sm2KeyPair> _keys = new(StringComparer.Ordinal);
        public Sm2KeyPair For(string id) => _keys.GetOrAdd(id, _ => Sm2.Generate());
    }

    private static (DemoConsortium Demo, Keys Keys) Create(int seed = 2021)
    {
        var keys = new Keys();
        return (new DemoConsortium(keys.For, Node, GenesisTime, seed), keys);
    }

    [Fact]
    public void There_is_one_organisation_for_every_consortium_role()
    {
        var (demo, keys) = Create();
        foreach (var role in Roles.Organisation)
            Assert.Contains(DemoConsortium.Organisations, o => o.Roles.Contains(role));
        Assert.All(DemoConsortium.Organisations, o => Assert.All(o.Roles, r => Assert.True(Roles.IsOrganisationRole(r), r)));
        Assert.Equal(DemoConsortium.Organisations.Count, DemoConsortium.Organisations.Select(o => o.Id).Distinct().Count());
        Assert.True(DemoConsortium.Organisations.Count(o => o.Roles.Contains(Roles.Bank)) >= 2, "several banks");

        Assert.Equal(DemoConsortium.Organisations.Select(o => (o.Id, string.Join(",", o.Roles), keys.For(o.Id).PublicKeyHex)),
            demo.Genesis.Organisations.Select(o => (o.Id, string.Join(",", o.Roles), o.PublicKey)));
        var node = Assert.Single(demo.Genesis.Nodes);
        Assert.Equal(keys.For("node:node-1").PublicKeyHex, node.PublicKey);
        Assert.Equal(DemoConsortium.NodeOperator, node.OrganisationId);
        Assert.Contains(DemoConsortium.Organisations, o => o.Id == DemoConsortium.NodeOperator);
    }

    [Fact]
    public void The_people_are_an_admin_and_an_operator_per_organisation()
    {
        var (demo, _) = Create();
        Assert.Equal(2 * DemoConsortium.Organisations.Count, demo.People.Count);
        Assert.Equal(demo.People.Count, demo.People.Select(p => p.CertificateId).Distinct().Count());
        foreach (var org in DemoConsortium.Organisations)
        {
            var admin = Assert.Single(demo.People, p => p.CertificateId == $"{org.Id}/admin");
            var operatorPerson = Assert.Single(demo.People, p => p.CertificateId == $"{org.Id}/operator");
            Assert.Equal(org.Id, admin.OrganisationId);
            Assert.Equal(org.Id, operatorPerson.OrganisationId);
            Assert.Contains(Roles.OrgAdmin, admin.Roles);
            Assert.DoesNotContain(Roles.OrgAdmin, operatorPerson.Roles);
            Assert.Equal(org.Roles.Order(), operatorPerson.Roles.Order());
            Assert.Equal(org.Roles.Append(Roles.OrgAdmin).Order(), admin.Roles.Order());
            Assert.False(string.IsNullOrWhiteSpace(admin.Name));
            Assert.False(string.IsNullOrWhiteSpace(operatorPerson.Name));
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_people_and_opening_balances()
    {
        var (first, firstKeys) = Create(2021);
        var (second, secondKeys) = Create(2021);
        Assert.Equal(first.People.Select(Describe), second.People.Select(Describe));
        Assert.Equal(DepositArgs(first.Waves(firstKeys.For, 0)[1]), DepositArgs(second.Waves(secondKeys.For, 0)[1]));

        var (other, otherKeys) = Create(7);
        Assert.NotEqual(first.People.Select(p => p.Name), other.People.Select(p => p.Name));
        Assert.NotEqual(DepositArgs(first.Waves(firstKeys.For, 0)[1]).Select(d => d.Amount), DepositArgs(other.Waves(otherKeys.For, 0)[1]).Select(d => d.Amount));
        // Calling Waves twice gives the same amounts: it does not consume shared randomness.
        Assert.Equal(DepositArgs(first.Waves(firstKeys.For, 0)[1]), DepositArgs(first.Waves(firstKeys.For, 0)[1]));

        static string Describe(DemoPerson p) => $"{p.CertificateId}|{p.OrganisationId}|{p.Name}|{string.Join(",", p.Roles)}";
    }

    [Fact]
    public void The_default_seed_commits_every_wave()
    {
        AssertWavesCommit(2021);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    [InlineData(123456)]
    public void Any_seed_commits_every_wave(int seed)
    {
        AssertWavesCommit(seed);
    }

    private static void AssertWavesCommit(int seed)
    {
        var (demo, keys) = Create(seed);
        using var chain = new TestChain(demo.Genesis, keys.For, demo.NodeId);
        Assert.Equal(demo.Genesis.ChainId, chain.Ledger.ChainId);

        var waves = demo.Waves(keys.For, chain.Ledger.Height);
        Assert.True(waves.Count >= 3, "the base waves come first, then the applications' waves");
        var failures = new List<string>();
        void CommitWaves(IEnumerable<(DemoWave Wave, int Index)> some)
        {
            foreach (var (wave, index) in some)
            {
                var results = chain.CommitWave(demo, wave);
                for (var i = 0; i < results.Length; i++)
                    if (!results[i].Succeeded)
                        failures.Add($"seed {seed}, wave {index + 1}, {wave[i].Body.Method} by {wave[i].Body.Signer}: {results[i].Error}");
            }
        }
        // The base waves first: their balances are checked exactly below. Applications' waves (insurance premiums and
        // payouts move money) come after, and then only conservation is checked.
        var indexed = waves.Select((w, i) => (w, i)).ToList();
        CommitWaves(indexed.Take(3));
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Wave 1: every person's certificate is on chain with their key and roles.
        foreach (var person in demo.People)
        {
            var certificate = chain.Certificate(person.CertificateId)!;
            Assert.Equal(person.OrganisationId, certificate.OrganisationId);
            Assert.Equal(person.Roles.Order(), certificate.Roles.Order());
            Assert.Equal(keys.For(person.CertificateId).PublicKeyHex, certificate.PublicKey);
            Assert.False(certificate.IsRevoked);
        }

        // Wave 2 and 3: balances are the opening deposits moved by the payments; the held escrow is out of the payer's balance.
        var deposits = DepositArgs(waves[1]);
        Assert.Equal(DemoConsortium.Organisations.Select(o => o.Id).Order(), deposits.Select(d => d.OrganisationId).Order());
        Assert.All(waves[1], tx => Assert.Contains(DemoConsortium.Organisations, o => o.Roles.Contains(Roles.Bank) && tx.Body.Signer == $"{o.Id}/operator"));
        var expected = deposits.ToDictionary(d => d.OrganisationId, d => d.Amount);
        expected["steel-works"] -= 1_250_000_00;
        expected["data-park"] -= 830_000_00;
        expected["retail-one"] += 1_250_000_00 + 830_000_00 - 420_000_00;
        expected["gen-wind"] += 420_000_00;
        expected["grid-east"] -= 2_400_000_00;
        Assert.Equal(expected.OrderBy(p => p.Key), chain.Balances().OrderBy(p => p.Key));
        Assert.All(chain.Balances(), p => Assert.True(p.Value >= 0, $"{p.Key} is negative"));

        var escrow = Assert.Single(chain.Escrows());
        Assert.Equal(("grid-east:cable-order-2026-118", "grid-east", "cable-co", 2_400_000_00L, EscrowStatus.Held),
            (escrow.Id, escrow.Payer, escrow.Payee, escrow.Amount, escrow.Status));
        Assert.Equal(deposits.Sum(d => d.Amount), chain.Total);
        Assert.Equal(chain.Total, chain.Balances().Values.Sum() + escrow.Amount);

        CommitWaves(indexed.Skip(3));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Money enters only by bank deposits: the opening ones and those of members admitted later (their new accounts).
        var laterDeposits = DepositArgs(waves.Skip(3).SelectMany(w => w).Where(tx => (tx.Body.Contract, tx.Body.Method) == (SettlementContract.ContractName, "deposit")).ToList());
        Assert.Equal(deposits.Sum(d => d.Amount) + laterDeposits.Sum(d => d.Amount), chain.Total);
        Assert.Equal(chain.Total, chain.Balances().Values.Sum() + chain.Escrows().Where(e => e.Status == EscrowStatus.Held).Sum(e => e.Amount));
        Assert.All(chain.Balances(), p => Assert.True(p.Value >= 0, $"{p.Key} is negative"));
        escrow = chain.Escrow(escrow.Id)!;

        // The people can act afterwards: the payer captures the escrow for the cable order (applications' waves moved
        // cable-co's balance too, e.g. financing proceeds, so compare with its balance just before).
        var cableBefore = chain.Balance("cable-co");
        TestChain.AssertOk(chain.CommitOne(chain.Capture("grid-east/operator", escrow.Id)));
        Assert.Equal(cableBefore + 2_400_000_00, chain.Balance("cable-co"));
    }

    [Fact]
    public void Waves_must_be_committed_in_order()
    {
        var (demo, keys) = Create();
        using var chain = new TestChain(demo.Genesis, keys.For, demo.NodeId);
        var waves = demo.Waves(keys.For, chain.Ledger.Height);
        // Deposits before the operators' certificates: the signers are unknown.
        Assert.All(waves[1], tx => Assert.Equal("unknown-signer", chain.Ledger.Admit(tx)?.Code));
        // Certificates and deposits in a single block: the deposits' signers are still unknown when admitted.
        Assert.All(waves[0], tx => Assert.Null(chain.Ledger.Admit(tx)));
        Assert.All(waves[1], tx => Assert.Equal("unknown-signer", chain.Ledger.Admit(tx)?.Code));
    }

    private static List<SettlementContract.BankEntryArgs> DepositArgs(IReadOnlyList<SignedTransaction> wave) =>
        wave.Select(tx =>
        {
            Assert.Equal((SettlementContract.ContractName, "deposit"), (tx.Body.Contract, tx.Body.Method));
            return CanonicalJson.Deserialize<SettlementContract.BankEntryArgs>(tx.Body.Args);
        }).ToList();
}
