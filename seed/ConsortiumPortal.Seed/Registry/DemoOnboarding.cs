using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Seed.Registry;

/// <summary>
/// Organisations that join the demo consortium after genesis, the way a real member joins: an admin proposes admitting it
/// (id, name, roles, the public key of its root certificate), the founding members vote it in under the consortium's
/// policy (two thirds), its root key then issues certificates to its people, and its bank opens its settlement account
/// with a deposit. <see cref="DemoConsortium.Organisations"/> stays the fifteen founders; <see cref="AllOrganisations"/>
/// is who the portal makes demo accounts for.
/// A supplier is not a market participant (the registry has no participant type for it), so it does not apply there.
/// </summary>
public static class DemoOnboarding
{
    /// <summary>A small tier-3 supplier: terminal blocks and insulating parts for Wasion's meters (meter-co).</summary>
    public const string InsulCo = "insul-co";

    public static readonly IReadOnlyList<DemoOrganisation> Organisations =
    [
        new(InsulCo, "华瓷绝缘件 Huaci Insulation Parts", [Roles.Supplier]),
    ];

    /// <summary>Its admin and operator, named here (the founders' people are generated from the demo seed).</summary>
    public static readonly IReadOnlyList<DemoPerson> People =
    [
        new($"{InsulCo}/admin", InsulCo, "周立新", [Roles.OrgAdmin, Roles.Supplier]),
        new($"{InsulCo}/operator", InsulCo, "郑晓梅", [Roles.Supplier]),
    ];

    /// <summary>Founders first, then the organisations admitted by the seed.</summary>
    public static IReadOnlyList<DemoOrganisation> AllOrganisations => [.. DemoConsortium.Organisations, .. Organisations];

    /// <summary>Who proposes each admission: the member that buys from the newcomer.</summary>
    private const string Sponsor = "meter-co/admin";
    private const long OpeningDepositFen = 300_000_00;

    /// <summary>
    /// Wave 1 the proposals, wave 2 exactly the votes that pass them (the founders' admins, in founding order), wave 3 the
    /// people's certificates and the opening deposits. <paramref name="firstProposal"/> is the sequence number the first
    /// proposal gets (the seed's earlier proposals come before it).
    /// </summary>
    public static IEnumerable<IReadOnlyList<SignedTransaction>> Waves(DemoSeedContext context, int firstProposal)
    {
        var height = context.CurrentHeight;
        SignedTransaction Governance(string signer, string method, object args) => context.As(signer).Build(GovernanceContract.ContractName, method, args, height);
        var expires = context.GenesisTime + 30 * 86_400_000L;
        var proposals = Organisations.Select((o, i) => (Org: o, Id: $"G{firstProposal + i:D5}")).ToList();

        yield return proposals.Select(p => Governance(Sponsor, "propose", new GovernanceContract.ProposeArgs(ProposalKind.AdmitOrganisation,
            $"接纳新成员：{p.Org.Name}（威胜电表的三级供应商）Admit {p.Org.Name}, a supplier of Wasion Meters",
            new ProposalChange(Organisation: new GenesisOrganisation(p.Org.Id, p.Org.Name, p.Org.Roles, context.KeyFor(p.Org.Id).PublicKeyHex)), expires))).ToList();

        // One vote more than needed would be refused (a passed proposal takes no votes), so cast exactly the threshold;
        // each admission adds a voter for the next one.
        var votes = new List<SignedTransaction>();
        var members = DemoConsortium.Organisations.Count;
        foreach (var p in proposals)
        {
            var needed = (int)GovernanceContract.VotesNeeded(members++, context.Consortium.Genesis.Policy);
            votes.AddRange(DemoConsortium.Organisations.Take(needed).Select(o => Governance($"{o.Id}/admin", "vote", new GovernanceContract.VoteArgs(p.Id, true))));
        }
        yield return votes;

        var banks = DemoConsortium.Organisations.Where(o => o.Roles.Contains(Roles.Bank)).ToArray();
        yield return
        [
            .. People.Select(p => context.As(p.OrganisationId).Build(MembershipContract.ContractName, "issueCertificate",
                new MembershipContract.IssueCertificateArgs(p.CertificateId, p.Name, p.Roles, context.KeyFor(p.CertificateId).PublicKeyHex), height)),
            .. Organisations.Select((o, i) => context.As($"{banks[i % banks.Length].Id}/operator").Build(SettlementContract.ContractName, "deposit",
                new SettlementContract.BankEntryArgs(o.Id, OpeningDepositFen, $"OPEN-{o.Id.ToUpperInvariant()}"), height)),
        ];
    }
}
