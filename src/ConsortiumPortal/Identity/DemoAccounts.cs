using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Node;
using ConsortiumPortal.Seed.Registry;
using Microsoft.AspNetCore.Identity;

namespace ConsortiumPortal.Identity;

/// <summary>
/// In demo mode every person of the demo consortium (an admin and an operator per organisation, the founders and those
/// the seed admits through governance) gets a portal account with the published demo password; the sign-in page lists
/// them. An account is made only once its certificate is on the ledger.
/// </summary>
public static class DemoAccounts
{
    /// <summary>Published on the sign-in page in demo mode only; never used outside it.</summary>
    public const string Password = "Power@2026";

    public sealed record Account(string UserName, string DisplayName, string OrganisationId, string OrganisationName, IReadOnlyList<string> Roles);

    public static IReadOnlyList<Account> List() =>
        DemoOnboarding.AllOrganisations.SelectMany(o => new[]
        {
            new Account($"{o.Id}/admin", $"{o.Name} admin", o.Id, o.Name, [Chain.Execution.Roles.OrgAdmin, .. o.Roles]),
            new Account($"{o.Id}/operator", $"{o.Name} operator", o.Id, o.Name, o.Roles),
        }).ToArray();

    public static async Task EnsureAsync(IServiceProvider services, NodeRuntime runtime, ILogger log)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        foreach (var account in List())
        {
            if (await users.FindByNameAsync(account.UserName) is not null) continue;
            var certificate = MembershipContract.Read<Certificate>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Certificate(account.UserName));
            if (certificate is null || !runtime.Keys.Contains(account.UserName)) continue;
            var user = new PortalUser { UserName = account.UserName, OrganisationId = account.OrganisationId, DisplayName = certificate.Name, LockoutEnabled = true };
            var result = await users.CreateAsync(user, Password);
            if (!result.Succeeded) log.LogWarning("Demo account {User} not created: {Errors}", account.UserName, string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
