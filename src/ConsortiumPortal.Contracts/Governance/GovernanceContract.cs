using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Contracts.Governance;

/// <summary>
/// Consortium governance: admitting a member organisation, changing the threshold policy, adding or removing a node,
/// registry settings and free-text resolutions are proposals the voting members decide. Every member organisation has
/// one vote, cast by one of its OrgAdmins; a proposal passes when yes * denominator >= numerator * voters (the policy of
/// the membership genesis, or as governance changed it) and is executed in that same transaction, exactly once. It is
/// rejected once the threshold can no longer be reached, and after its expiry (block time) no vote counts.
/// </summary>
public sealed class GovernanceContract : Contract
{
    public const string ContractName = "governance";
    public override string Name => ContractName;

    public const long MinLifetimeMs = 60_000;              // a minute: members must have a chance to vote
    public const long MaxLifetimeMs = 90L * 86_400_000;    // ninety days

    public sealed record ProposeArgs(ProposalKind Kind, string Title, ProposalChange Change, long ExpiresAt);
    public sealed record VoteArgs(string ProposalId, bool Approve);
    public sealed record ProposalArgs(string ProposalId);

    [ContractMethod("propose")]
    public object Propose(ContractContext ctx, ProposeArgs args)
    {
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin, "only an organisation admin may make a governance proposal");
        ContractContext.Require(!string.IsNullOrWhiteSpace(args.Title) && args.Title.Length <= 200, "a title of 1..200 characters is required");
        ContractContext.Require(args.ExpiresAt >= ctx.BlockTime + MinLifetimeMs && args.ExpiresAt <= ctx.BlockTime + MaxLifetimeMs,
            "a proposal must expire between one minute and ninety days from now");
        var change = args.Change ?? new ProposalChange();
        if (Explain(ctx.State, args.Kind, change) is { } error) throw new ContractException(error);
        var seq = ctx.State.GetInteger(GovernanceKeys.Sequence) + 1;
        ctx.State.PutInteger(GovernanceKeys.Sequence, seq);
        var id = $"G{seq:D5}";
        var policy = Policy(ctx.State);
        var proposal = new Proposal(id, args.Kind, args.Title, change, ctx.Caller.CertificateId, ctx.Caller.OrganisationId,
            ctx.BlockTime, args.ExpiresAt, ProposalStatus.Open, 0, 0, policy, null, null, null);
        ctx.State.Put(GovernanceKeys.Proposal(id), proposal);
        ctx.Emit("ProposalMade", new { proposalId = id, kind = args.Kind, expiresAt = args.ExpiresAt });
        return new { proposalId = id };
    }

    [ContractMethod("vote")]
    public object CastVote(ContractContext ctx, VoteArgs args)
    {
        ContractContext.Require(ctx.Caller.IsOrganisationAdmin, "only an organisation admin casts the organisation's vote");
        var proposal = Load(ctx, args.ProposalId);
        ContractContext.Require(proposal.Status == ProposalStatus.Open, $"proposal \"{proposal.Id}\" is {proposal.Status}");
        ContractContext.Require(ctx.BlockTime < proposal.ExpiresAt, $"proposal \"{proposal.Id}\" expired at {proposal.ExpiresAt}");
        var voteKey = GovernanceKeys.Vote(proposal.Id, ctx.Caller.OrganisationId);
        ContractContext.Require(!ctx.State.Exists(voteKey), $"organisation \"{ctx.Caller.OrganisationId}\" has already voted on \"{proposal.Id}\"");
        ctx.State.Put(voteKey, new Vote(proposal.Id, ctx.Caller.OrganisationId, ctx.Caller.CertificateId, args.Approve, ctx.BlockTime));
        proposal = args.Approve ? proposal with { YesVotes = proposal.YesVotes + 1 } : proposal with { NoVotes = proposal.NoVotes + 1 };
        ctx.Emit("VoteCast", new { proposalId = proposal.Id, organisationId = ctx.Caller.OrganisationId, approve = args.Approve });

        var policy = Policy(ctx.State);
        var voters = MembershipContract.Organisations(ctx.State).Count;
        if (ReachesThreshold(proposal.YesVotes, voters, policy))
            proposal = Execute(ctx, proposal with { Policy = policy, VotersAtDecision = voters, DecidedAt = ctx.BlockTime });
        else if (!ReachesThreshold(voters - proposal.NoVotes, voters, policy))
        {
            proposal = proposal with { Status = ProposalStatus.Rejected, Policy = policy, VotersAtDecision = voters, DecidedAt = ctx.BlockTime, Outcome = "the threshold can no longer be reached" };
            ctx.Emit("ProposalRejected", new { proposalId = proposal.Id });
        }
        ctx.State.Put(GovernanceKeys.Proposal(proposal.Id), proposal);
        return new { proposalId = proposal.Id, status = proposal.Status, yes = proposal.YesVotes, no = proposal.NoVotes, voters };
    }

    /// <summary>Records that an open proposal ran out of time (anyone may; it could not pass anyway).</summary>
    [ContractMethod("expire")]
    public object Expire(ContractContext ctx, ProposalArgs args)
    {
        var proposal = Load(ctx, args.ProposalId);
        ContractContext.Require(proposal.Status == ProposalStatus.Open, $"proposal \"{proposal.Id}\" is {proposal.Status}");
        ContractContext.Require(ctx.BlockTime >= proposal.ExpiresAt, $"proposal \"{proposal.Id}\" is open until {proposal.ExpiresAt}");
        ctx.State.Put(GovernanceKeys.Proposal(proposal.Id), proposal with { Status = ProposalStatus.Expired, DecidedAt = ctx.BlockTime, Outcome = "expired before reaching the threshold" });
        ctx.Emit("ProposalExpired", new { proposalId = proposal.Id });
        return new { proposalId = proposal.Id, status = ProposalStatus.Expired };
    }

    /// <summary>yes / voters >= numerator / denominator, in integers.</summary>
    public static bool ReachesThreshold(long yes, long voters, GovernancePolicy policy) =>
        voters > 0 && yes * policy.ThresholdDenominator >= (long)policy.ThresholdNumerator * voters;

    /// <summary>The smallest number of yes votes that passes with this many voters.</summary>
    public static long VotesNeeded(long voters, GovernancePolicy policy) =>
        (policy.ThresholdNumerator * voters + policy.ThresholdDenominator - 1) / policy.ThresholdDenominator;

    public static GovernancePolicy Policy(ContractState state) =>
        state.Get<Consortium>(MembershipContract.Keys.Consortium)?.Policy ?? throw new ContractException("the consortium has no genesis");

    private static Proposal Execute(ContractContext ctx, Proposal proposal)
    {
        var decidedBy = $"governance:{proposal.Id}";
        // Checked again now: state may have changed since the proposal was made. A change that no longer applies is
        // recorded as Failed rather than refusing the vote, so the proposal is decided either way.
        if (Explain(ctx.State, proposal.Kind, proposal.Change) is { } error)
        {
            ctx.Emit("ProposalFailed", new { proposalId = proposal.Id, reason = error });
            return proposal with { Status = ProposalStatus.Failed, Outcome = error };
        }
        var c = proposal.Change;
        switch (proposal.Kind)
        {
            case ProposalKind.AdmitOrganisation: MembershipContract.AdmitOrganisation(ctx, c.Organisation!, decidedBy); break;
            case ProposalKind.ChangePolicy: MembershipContract.SetPolicy(ctx, c.Policy!); break;
            case ProposalKind.AddNode: MembershipContract.AddNode(ctx, c.Node!); break;
            case ProposalKind.RemoveNode: MembershipContract.RemoveNode(ctx, c.NodeId!); break;
            case ProposalKind.RegistrySettings: RegistryContract.SetSettings(ctx, c.Registry!); break;
            case ProposalKind.Resolution: break; // adopted: the record itself is the resolution
        }
        ctx.Emit("ProposalPassed", new { proposalId = proposal.Id, kind = proposal.Kind });
        return proposal with { Status = ProposalStatus.Passed, Outcome = "executed" };
    }

    /// <summary>Why this change cannot be proposed or executed now, or null. Exactly one field, the kind's, must be set.</summary>
    public static string? Explain(ContractState state, ProposalKind kind, ProposalChange c)
    {
        var set = new object?[] { c.Organisation, c.Policy, c.Node, c.NodeId, c.Resolution, c.Registry }.Count(v => v is not null);
        if (set != 1) return "a proposal changes exactly one thing: set only the field of its kind";
        return kind switch
        {
            ProposalKind.AdmitOrganisation => c.Organisation is null ? "an AdmitOrganisation proposal names the organisation" : MembershipContract.ExplainAdmission(state, c.Organisation),
            ProposalKind.ChangePolicy => c.Policy is null ? "a ChangePolicy proposal names the new policy" : MembershipContract.ExplainPolicy(c.Policy),
            ProposalKind.AddNode => c.Node is null ? "an AddNode proposal names the node" : MembershipContract.ExplainNewNode(state, c.Node),
            ProposalKind.RemoveNode => c.NodeId is null ? "a RemoveNode proposal names the node id" : MembershipContract.ExplainNodeRemoval(state, c.NodeId),
            ProposalKind.Resolution => string.IsNullOrWhiteSpace(c.Resolution) || c.Resolution.Length > 4_000 ? "a resolution is 1..4000 characters" : null,
            ProposalKind.RegistrySettings => c.Registry is null ? "a RegistrySettings proposal names the settings" : c.Registry.Explain(),
            _ => "unknown proposal kind",
        };
    }

    private static Proposal Load(ContractContext ctx, string id) =>
        ctx.State.Get<Proposal>(GovernanceKeys.Proposal(id ?? "")) ?? throw new ContractException($"proposal \"{id}\" does not exist");
}
