using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Registry;
using System.Collections.Concurrent;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>The demo consortium's registry: every wave commits and every lifecycle state is present.</summary>
public sealed class RegistrySeedTests
{
    [Fact]
    public void The_demo_has_participants_in_every_state_proposals_and_ratings()
    {
        var keys = new ConcurrentDictionary<string, Sm2KeyPair>(StringComparer.Ordinal);
        Sm2KeyPair For(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        var demo = new DemoConsortium(For, new ConsortiumNode("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:1", "http://127.0.0.1:2"), TestChain.GenesisTime);
        using var chain = new TestChain(demo.Genesis, For, demo.NodeId) { StepMs = 5 };
        chain.CommitDemo(demo, For);
        T Read<T>(string key) => Chain.Encoding.CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(chain.Ledger.Store.Get(key)!));
        var participants = chain.Ledger.Store.Scan(RegistryKeys.ParticipantPrefix).Select(p => Read<Participant>(p.Key)).ToList();
        Assert.Equal(Enum.GetValues<ParticipantStatus>().Order(), participants.Select(p => p.Status).Distinct().Order());
        Assert.Contains(participants, p => p is { Status: ParticipantStatus.Active, Pending.Stage: ParticipantStatus.UnderReview, Pending.Kind: ChangeKind.Major });
        Assert.Contains(participants, p => p is { Status: ParticipantStatus.Active, InForceVersion: 2 });
        Assert.Equal(RegistrySeed.DemoSettings, Read<RegistrySettings>(RegistryKeys.Settings));
        var proposals = chain.Ledger.Store.Scan(GovernanceKeys.ProposalPrefix).Select(p => Read<Proposal>(p.Key)).ToList();
        Assert.Equal([ProposalStatus.Passed, ProposalStatus.Open, ProposalStatus.Open, ProposalStatus.Rejected], proposals.Select(p => p.Status));
        Assert.True(chain.Ledger.Store.Scan(CreditKeys.RatingPrefix).Count() >= 4);
    }
}
