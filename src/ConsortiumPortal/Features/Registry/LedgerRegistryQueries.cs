using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.State;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Registry;

/// <summary>
/// Registry, governance and credit reads over committed world state. The registry is small (participants of one
/// consortium), so filters and pages are applied to one scan of the participant rows, on the server.
/// </summary>
public sealed class LedgerRegistryQueries(NodeHostedService node) : IRegistryQueries
{
    private async Task<IStateReader> StateAsync() => (await node.Runtime).Ledger.Store.Committed;

    private static IEnumerable<T> Scan<T>(IStateReader state, string prefix) =>
        state.Scan(prefix).Select(p => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(p.Value)));

    private static T? Get<T>(IStateReader state, string key) where T : class =>
        state.Get(key) is { } json ? CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    private async Task<IReadOnlyList<Participant>> ParticipantsAsync()
    {
        var state = await StateAsync();
        return await Task.Run(() => (IReadOnlyList<Participant>)Scan<Participant>(state, RegistryKeys.ParticipantPrefix).ToList());
    }

    public async Task<RegistryPage<Participant>> DirectoryAsync(DirectoryFilter filter, int skip, int take)
    {
        var rows = (await ParticipantsAsync()).Where(p => Matches(p, filter)).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        return new RegistryPage<Participant>(rows.Skip(skip).Take(take).ToList(), rows.Count);
    }

    public static bool Matches(Participant p, DirectoryFilter f) =>
        (f.Province is null || p.Details.Provinces.Contains(f.Province))
        && (f.Type is null || p.Details.Type == f.Type)
        && (f.Status is null || p.Status == f.Status)
        && (string.IsNullOrWhiteSpace(f.Text) || p.Details.LegalName.Contains(f.Text, StringComparison.OrdinalIgnoreCase)
            || p.Details.CreditCode.Contains(f.Text, StringComparison.OrdinalIgnoreCase) || p.Id.Contains(f.Text, StringComparison.OrdinalIgnoreCase)
            || p.OrganisationId.Contains(f.Text, StringComparison.OrdinalIgnoreCase));

    public async Task<IReadOnlyList<Participant>> OfOrganisationAsync(string organisationId) =>
        (await ParticipantsAsync()).Where(p => p.OrganisationId == organisationId).ToList();

    public async Task<IReadOnlyList<Participant>> ReviewQueueAsync() =>
        (await ParticipantsAsync()).Where(p => p.Pending is not null).OrderBy(p => p.UpdatedAt).ToList();

    public async Task<IReadOnlyList<DisclosureEntry>> DisclosureBoardAsync()
    {
        var state = await StateAsync();
        return await Task.Run(() =>
        {
            var entries = new List<DisclosureEntry>();
            foreach (var p in Scan<Participant>(state, RegistryKeys.ParticipantPrefix))
            {
                if (p.Pending is not { Stage: ParticipantStatus.Disclosure, DisclosureEndsAt: { } endsAt } pending) continue;
                var v = Get<ParticipantVersion>(state, RegistryKeys.Version(p.Id, pending.Version));
                if (v is null) continue;
                var comments = Scan<DisclosureComment>(state, RegistryKeys.Comments(p.Id)).Where(c => c.Version == pending.Version).ToList();
                var d = v.Details;
                entries.Add(new DisclosureEntry(p.Id, p.OrganisationId, pending.Kind, pending.Version, d.LegalName, d.CreditCode, d.Type, d.Provinces,
                    d.CapacityKw1000, d.Documents, v.RecordHash, endsAt, comments));
            }
            return (IReadOnlyList<DisclosureEntry>)entries.OrderBy(e => e.DisclosureEndsAt).ToList();
        });
    }

    public async Task<ParticipantHistory?> ParticipantAsync(string participantId)
    {
        var state = await StateAsync();
        return await Task.Run(() =>
        {
            var p = Get<Participant>(state, RegistryKeys.Participant(participantId));
            if (p is null) return null;
            var versions = Scan<ParticipantVersion>(state, RegistryKeys.Versions(p.Id)).ToList();
            var comments = Scan<DisclosureComment>(state, RegistryKeys.Comments(p.Id)).ToList();
            var match = versions.All(v => RegistryContract.RecordHash(v.ParticipantId, v.Version, v.Details) == v.RecordHash);
            return new ParticipantHistory(p, versions, comments, match);
        });
    }

    public async Task<RegistrySettings> SettingsAsync() => Get<RegistrySettings>(await StateAsync(), RegistryKeys.Settings) ?? RegistrySettings.Default;

    public async Task<IReadOnlyList<Proposal>> ProposalsAsync()
    {
        var state = await StateAsync();
        return await Task.Run(() => (IReadOnlyList<Proposal>)Scan<Proposal>(state, GovernanceKeys.ProposalPrefix).OrderByDescending(p => p.CreatedAt).ToList());
    }

    public async Task<ProposalDetail?> ProposalAsync(string proposalId)
    {
        var state = await StateAsync();
        return await Task.Run(() =>
        {
            var p = Get<Proposal>(state, GovernanceKeys.Proposal(proposalId));
            if (p is null) return null;
            var votes = Scan<Vote>(state, GovernanceKeys.Votes(p.Id)).OrderBy(v => v.At).ToList();
            var voters = p.VotersAtDecision ?? Scan<Chain.Membership.Organisation>(state, MembershipContract.Keys.OrganisationPrefix).Count();
            var policy = Get<Consortium>(state, MembershipContract.Keys.Consortium)!.Policy;
            var decisionPolicy = p.Status == ProposalStatus.Open ? policy : p.Policy;
            return new ProposalDetail(p, votes, voters, GovernanceContract.VotesNeeded(voters, decisionPolicy), policy);
        });
    }

    public async Task<IReadOnlyList<CreditRating>> RatingsAsync()
    {
        var state = await StateAsync();
        return await Task.Run(() =>
        {
            var stored = Scan<CreditRating>(state, CreditKeys.RatingPrefix).ToDictionary(r => r.OrganisationId);
            // Members with no recorded behaviour have the base rating: shown too, so every member has a line.
            return (IReadOnlyList<CreditRating>)Scan<Chain.Membership.Organisation>(state, MembershipContract.Keys.OrganisationPrefix)
                .Select(o => stored.TryGetValue(o.Id, out var r) ? r : CreditEvents.Compute(o.Id, [], 0))
                .OrderBy(r => r.Score).ThenBy(r => r.OrganisationId, StringComparer.Ordinal).ToList();
        });
    }

    public async Task<RatingDetail?> RatingAsync(string organisationId)
    {
        var state = await StateAsync();
        return await Task.Run(() =>
        {
            if (state.Get(MembershipContract.Keys.Organisation(organisationId)) is null) return null;
            var rating = Get<CreditRating>(state, CreditKeys.Rating(organisationId)) ?? CreditEvents.Compute(organisationId, [], 0);
            return new RatingDetail(rating, Scan<CreditEvent>(state, CreditKeys.Events(organisationId)).ToList());
        });
    }

    public async Task<IReadOnlyList<MemberSummary>> MembersAsync()
    {
        var state = await StateAsync();
        return await Task.Run(() => (IReadOnlyList<MemberSummary>)Scan<Chain.Membership.Organisation>(state, MembershipContract.Keys.OrganisationPrefix)
            .Select(o => new MemberSummary(o.Id, o.Name, o.Roles)).ToList());
    }
}
