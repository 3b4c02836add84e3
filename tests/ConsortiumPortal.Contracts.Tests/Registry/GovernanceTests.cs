using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using static ConsortiumPortal.Contracts.Tests.Registry.RegistryFixtures;

namespace ConsortiumPortal.Contracts.Tests.Registry;

/// <summary>
/// Proposals under the threshold policy: pass exactly at the threshold and execute once, never after expiry, one vote per
/// member organisation cast by its admin. The consortium has 9 organisations and a 2/3 policy: 6 votes pass.
/// </summary>
public sealed class GovernanceTests : IDisposable
{
    private readonly RegistryChain _chain = new();
    private static readonly string[] Voters = RegistryChain.Organisations.Select(o => o.Id).ToArray();
    public void Dispose() => _chain.Dispose();

    private string Propose(ProposalKind kind, ProposalChange change, long? expiresAt = null, string by = "grid-east") =>
        _chain.Ok(_chain.Governance(by, "propose", new GovernanceContract.ProposeArgs(kind, $"{kind} proposal", change, expiresAt ?? _chain.Now + DayMs)))
            .GetProperty("proposalId").GetString()!;

    private JsonElement VoteYes(string proposalId, string voter) => _chain.Ok(_chain.Governance(voter, "vote", new GovernanceContract.VoteArgs(proposalId, true)));

    private Proposal Proposal(string id) => _chain.Read<Proposal>(GovernanceKeys.Proposal(id))!;

    private Consortium Consortium => _chain.Read<Consortium>(MembershipContract.Keys.Consortium)!;

    [Fact]
    public void A_proposal_passes_exactly_at_the_threshold_and_executes_once()
    {
        var id = Propose(ProposalKind.ChangePolicy, new ProposalChange(Policy: new GovernancePolicy(3, 4)));
        Assert.Equal(6, GovernanceContract.VotesNeeded(9, new GovernancePolicy(2, 3)));
        foreach (var voter in Voters.Take(5))
        {
            Assert.Equal("Open", VoteYes(id, voter).GetProperty("status").GetString());
            Assert.Equal(new GovernancePolicy(2, 3), Consortium.Policy);
        }
        var sixth = _chain.CommitOne(_chain.Governance(Voters[5], "vote", new GovernanceContract.VoteArgs(id, true)));
        Assert.True(sixth.Succeeded, sixth.Error);
        Assert.Equal(["VoteCast", "GovernancePolicyChanged", "ProposalPassed"], sixth.Events.Select(e => e.Name));
        var p = Proposal(id);
        Assert.Equal((ProposalStatus.Passed, 6, 9), (p.Status, p.YesVotes, p.VotersAtDecision));
        Assert.Equal(new GovernancePolicy(3, 4), Consortium.Policy);

        // Executed exactly once: no later vote counts or executes again.
        _chain.Refuse(_chain.Governance(Voters[6], "vote", new GovernanceContract.VoteArgs(id, true)), "is Passed");
        _chain.Refuse(_chain.Governance(Voters[7], "expire", new GovernanceContract.ProposalArgs(id)), "is Passed");
    }

    [Fact]
    public void No_votes_count_against_the_threshold_and_make_a_proposal_rejected_once_it_cannot_pass()
    {
        var id = Propose(ProposalKind.Resolution, new ProposalChange(Resolution: "Adopt the 2027 market rules."));
        // 9 voters, 6 needed: 3 no votes still leave 6 possible yes votes; the 4th no rejects it.
        foreach (var voter in Voters.Take(3)) _chain.Ok(_chain.Governance(voter, "vote", new GovernanceContract.VoteArgs(id, false)));
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        _chain.Ok(_chain.Governance(Voters[3], "vote", new GovernanceContract.VoteArgs(id, false)));
        Assert.Equal((ProposalStatus.Rejected, 4), (Proposal(id).Status, Proposal(id).NoVotes));
        _chain.Refuse(_chain.Governance(Voters[4], "vote", new GovernanceContract.VoteArgs(id, true)), "is Rejected");
    }

    [Fact]
    public void An_expired_proposal_cannot_pass()
    {
        var expiresAt = _chain.Now + 10 * 60_000;
        var id = Propose(ProposalKind.Resolution, new ProposalChange(Resolution: "Extend trading hours."), expiresAt);
        foreach (var voter in Voters.Take(5)) VoteYes(id, voter);
        _chain.Refuse(_chain.Governance(Voters[0], "expire", new GovernanceContract.ProposalArgs(id)), "is open until");
        _chain.Now = expiresAt;
        _chain.Refuse(_chain.Governance(Voters[5], "vote", new GovernanceContract.VoteArgs(id, true)), "expired at");
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        _chain.Ok(_chain.Governance("nea-reg", "expire", new GovernanceContract.ProposalArgs(id)));
        Assert.Equal(ProposalStatus.Expired, Proposal(id).Status);
        _chain.Refuse(_chain.Governance(Voters[5], "vote", new GovernanceContract.VoteArgs(id, true)), "is Expired");
    }

    [Fact]
    public void A_member_cannot_vote_twice_not_even_through_another_admin()
    {
        var id = Propose(ProposalKind.Resolution, new ProposalChange(Resolution: "r"));
        var secondAdmin = _chain.IssuePerson("gen-wind", "deputy", Roles.OrgAdmin);
        VoteYes(id, "gen-wind");
        _chain.Refuse(_chain.Governance("gen-wind", "vote", new GovernanceContract.VoteArgs(id, true)), "has already voted");
        _chain.Refuse(_chain.Governance(secondAdmin, "vote", new GovernanceContract.VoteArgs(id, false)), "has already voted");
        Assert.Equal(1, Proposal(id).YesVotes);
    }

    [Fact]
    public void Only_organisation_admins_propose_and_vote()
    {
        var trader = _chain.IssuePerson("gen-wind", "trader", Roles.Generator);
        _chain.Refuse(_chain.Governance(trader, "propose", new GovernanceContract.ProposeArgs(ProposalKind.Resolution, "t", new ProposalChange(Resolution: "r"), _chain.Now + DayMs)),
            "only an organisation admin may make");
        var id = Propose(ProposalKind.Resolution, new ProposalChange(Resolution: "r"));
        _chain.Refuse(_chain.Governance(trader, "vote", new GovernanceContract.VoteArgs(id, true)), "only an organisation admin casts");
    }

    [Fact]
    public void Malformed_proposals_are_refused()
    {
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.Resolution, "t",
            new ProposalChange(Resolution: "r", Policy: new GovernancePolicy(1, 2)), _chain.Now + DayMs)), "exactly one thing");
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.ChangePolicy, "t",
            new ProposalChange(Resolution: "r"), _chain.Now + DayMs)), "names the new policy");
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.ChangePolicy, "t",
            new ProposalChange(Policy: new GovernancePolicy(4, 3)), _chain.Now + DayMs)), "fraction in (0, 1]");
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.AdmitOrganisation, "t",
            new ProposalChange(Organisation: new GenesisOrganisation("gen-wind", "Dup", [Roles.Generator], _chain.KeyOf("x").PublicKeyHex)), _chain.Now + DayMs)), "already a member");
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.AdmitOrganisation, "t",
            new ProposalChange(Organisation: new GenesisOrganisation("new-org", "New", [Roles.Generator], "04abcd")), _chain.Now + DayMs)), "invalid SM2 public key");
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.RemoveNode, "t",
            new ProposalChange(NodeId: "node-1"), _chain.Now + DayMs)), "the last node cannot be removed");
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.Resolution, "t",
            new ProposalChange(Resolution: "r"), _chain.Now + 1_000)), "between one minute and ninety days");
    }

    [Fact]
    public void Admitting_an_organisation_makes_it_a_voting_member_that_can_sign()
    {
        var key = Sm2.Generate();
        var id = Propose(ProposalKind.AdmitOrganisation, new ProposalChange(Organisation: new GenesisOrganisation("retail-two", "Retail Two Co.", [Roles.Retailer], key.PublicKeyHex)));
        foreach (var voter in Voters.Take(6)) VoteYes(id, voter);
        var org = _chain.Read<Organisation>(MembershipContract.Keys.Organisation("retail-two"))!;
        Assert.Equal([Roles.Retailer], org.Roles);
        var root = _chain.Read<Certificate>(MembershipContract.Keys.Certificate("retail-two"))!;
        Assert.Equal($"governance:{id}", root.IssuedBy);
        Assert.Contains(Roles.OrgAdmin, root.Roles);

        // It signs with its own key and now counts as a voter: 10 voters, 7 needed.
        var signed = new ConsortiumPortal.Chain.Model.TxBuilder(_chain.Genesis.ChainId, "retail-two", key)
            .Build(RegistryContract.ContractName, "apply", new RegistryContract.ApplyArgs(Details(1)), _chain.Ledger.Height);
        Assert.True(_chain.CommitOne(signed).Succeeded);
        var next = Propose(ProposalKind.Resolution, new ProposalChange(Resolution: "welcome"));
        foreach (var voter in Voters.Take(6)) VoteYes(next, voter);
        Assert.Equal(ProposalStatus.Open, Proposal(next).Status);
        var last = _chain.Ok(new ConsortiumPortal.Chain.Model.TxBuilder(_chain.Genesis.ChainId, "retail-two", key)
            .Build(GovernanceContract.ContractName, "vote", new GovernanceContract.VoteArgs(next, true), _chain.Ledger.Height));
        Assert.Equal(("Passed", 10), (last.GetProperty("status").GetString(), last.GetProperty("voters").GetInt32()));
    }

    [Fact]
    public void Adding_and_removing_a_node_writes_membership_and_emits_the_events_raft_follows()
    {
        var node = new ConsortiumNode("node-2", "px-center", _chain.KeyOf("node:node-2").PublicKeyHex, "10.0.0.2:5001", "http://10.0.0.2:5000");
        var add = Propose(ProposalKind.AddNode, new ProposalChange(Node: node));
        foreach (var voter in Voters.Take(5)) VoteYes(add, voter);
        var passing = _chain.CommitOne(_chain.Governance(Voters[5], "vote", new GovernanceContract.VoteArgs(add, true)));
        var added = Assert.Single(passing.Events, e => e.Name == "NodeAdded");
        Assert.Equal(node, ConsortiumPortal.Chain.Encoding.CanonicalJson.Deserialize<ConsortiumNode>(added.Data));
        Assert.Equal(node, _chain.Read<ConsortiumNode>(MembershipContract.Keys.Node("node-2")));

        var remove = Propose(ProposalKind.RemoveNode, new ProposalChange(NodeId: "node-1"));
        foreach (var voter in Voters.Take(5)) VoteYes(remove, voter);
        var removing = _chain.CommitOne(_chain.Governance(Voters[5], "vote", new GovernanceContract.VoteArgs(remove, true)));
        var removed = Assert.Single(removing.Events, e => e.Name == "NodeRemoved");
        Assert.Equal("node-1", removed.Data.GetProperty("nodeId").GetString());
        Assert.Null(_chain.Read<ConsortiumNode>(MembershipContract.Keys.Node("node-1")));
    }

    [Fact]
    public void A_passed_change_that_no_longer_applies_is_recorded_as_failed_not_executed_twice()
    {
        var key = Sm2.Generate().PublicKeyHex;
        var first = Propose(ProposalKind.AdmitOrganisation, new ProposalChange(Organisation: new GenesisOrganisation("new-gen", "New Gen", [Roles.Generator], key)));
        var second = Propose(ProposalKind.AdmitOrganisation, new ProposalChange(Organisation: new GenesisOrganisation("new-gen", "Other", [Roles.Retailer], key)));
        foreach (var voter in Voters.Take(6)) VoteYes(first, voter);
        // new-gen is a member now: 10 voters, 7 needed.
        foreach (var voter in Voters.Take(6)) VoteYes(second, voter);
        var result = _chain.CommitOne(_chain.Governance(Voters[6], "vote", new GovernanceContract.VoteArgs(second, true)));
        Assert.True(result.Succeeded);
        Assert.Equal(ProposalStatus.Failed, Proposal(second).Status);
        Assert.Contains("already a member", Proposal(second).Outcome);
        Assert.Equal("New Gen", _chain.Read<Organisation>(MembershipContract.Keys.Organisation("new-gen"))!.Name);
    }

    [Fact]
    public void Registry_settings_are_changed_by_governance_and_bound_the_disclosure_period()
    {
        var id = Propose(ProposalKind.RegistrySettings, new ProposalChange(Registry: new RegistrySettings(1_000, 60_000, DayMs)));
        foreach (var voter in Voters.Take(6)) VoteYes(id, voter);
        Assert.Equal(new RegistrySettings(1_000, 60_000, DayMs), _chain.Read<RegistrySettings>(RegistryKeys.Settings));
        var participant = _chain.Apply("retail-one", Details(2));
        _chain.Do(Center, "startReview", P(participant));
        _chain.Refuse(_chain.Registry(Center, "approve", new RegistryContract.ApproveArgs(participant, 999)), "between 1000 and 86400000");
        _chain.Do(Center, "approve", new RegistryContract.ApproveArgs(participant, 1_000));
        _chain.Refuse(_chain.Governance("grid-east", "propose", new GovernanceContract.ProposeArgs(ProposalKind.RegistrySettings, "t",
            new ProposalChange(Registry: new RegistrySettings(10, 5, 20)), _chain.Now + DayMs)), "min <= default <= max");
    }

    [Fact]
    public void The_threshold_is_exact_for_other_policies()
    {
        using var chain = new RegistryChain(new GovernancePolicy(1, 2), RegistryChain.Organisations.Take(4).ToArray());
        // 4 voters, 1/2: 2 yes votes pass (2 * 2 >= 1 * 4), 1 does not.
        var id = chain.Ok(chain.Governance("px-center", "propose", new GovernanceContract.ProposeArgs(ProposalKind.Resolution, "t",
            new ProposalChange(Resolution: "r"), chain.Now + DayMs))).GetProperty("proposalId").GetString()!;
        Assert.Equal("Open", chain.Ok(chain.Governance("px-center", "vote", new GovernanceContract.VoteArgs(id, true))).GetProperty("status").GetString());
        Assert.Equal("Passed", chain.Ok(chain.Governance("px-south", "vote", new GovernanceContract.VoteArgs(id, true))).GetProperty("status").GetString());
        Assert.True(GovernanceContract.ReachesThreshold(2, 3, new GovernancePolicy(2, 3)));
        Assert.False(GovernanceContract.ReachesThreshold(1, 3, new GovernancePolicy(2, 3)));
        Assert.False(GovernanceContract.ReachesThreshold(6, 10, new GovernancePolicy(2, 3)));
        Assert.True(GovernanceContract.ReachesThreshold(7, 10, new GovernancePolicy(2, 3)));
    }
}
