using System.Net;
using System.Security.Claims;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Proofs;
using ConsortiumPortal.Features.Organisation;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Tests.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Organisation;

/// <summary>
/// An organisation admin adds a person (key in the keystore, certificate on chain, portal account), changes their
/// roles and revokes them: the revoked person's new transaction is refused by the ledger, their older receipt still
/// verifies, and they can no longer sign in.
/// </summary>
public sealed class PeopleAdminTests(PortalApp app) : IClassFixture<PortalApp>
{
    private const string Password = "Trader#2026x";

    private async Task<(IServiceScope Scope, PeopleAdmin Admin, ClaimsPrincipal Principal, UserManager<PortalUser> Users)> AsAdminAsync(string admin)
    {
        var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var principal = await signIn.CreateUserPrincipalAsync((await users.FindByNameAsync(admin))!);
        Assert.True(principal.IsInRole(Roles.OrgAdmin));
        return (scope, scope.ServiceProvider.GetRequiredService<PeopleAdmin>(), principal, users);
    }

    private Certificate? Certificate(string id) =>
        MembershipContract.Read<Certificate>(app.Runtime.Ledger.Store.Committed, MembershipContract.Keys.Certificate(id));

    [Fact]
    public async Task A_revoked_persons_new_transaction_is_refused_and_their_older_receipt_still_verifies()
    {
        var (scope, admin, principal, users) = await AsAdminAsync("steel-works/admin");
        using var _ = scope;

        // Add: key in the keystore, certificate on chain signed by the admin, then the account.
        var added = await admin.AddAsync(principal, new PeopleAdmin.NewPerson("trader", "Zhang Wei", [Roles.Consumer], Password));
        Assert.True(added.Succeeded, added.Error ?? added.Outcome?.Result?.Error ?? added.Outcome?.Refusal?.Message);
        Assert.True(app.Runtime.Keys.Contains("steel-works/trader"));
        var issued = Certificate("steel-works/trader")!;
        Assert.Equal(("Zhang Wei", "steel-works/admin", app.Runtime.Keys.PublicKey("steel-works/trader")), (issued.Name, issued.IssuedBy, issued.PublicKey));
        Assert.Equal([Roles.Consumer], issued.Roles);
        Assert.Equal("steel-works/admin", app.Runtime.Ledger.Store.GetTransaction(added.Outcome!.TxId)!.Transaction.Body.Signer);
        var account = await users.FindByNameAsync("steel-works/trader");
        Assert.Equal(("steel-works", "Zhang Wei"), (account!.OrganisationId, account.DisplayName));

        // The new person signs in and acts: their receipt verifies.
        using (var person = await app.SignedInClientAsync("steel-works/trader", Password)) { }
        using var steel = app.ClientOf("steel-works");
        var before = app.Transfer("steel-works/trader", "retail-one", 5, "before revocation");
        var committed = await ApiCalls.SubmitAsync(steel, before);
        Assert.True(committed.IsCommitted, committed.ToString());
        Assert.Equal(TxResult.Ok, committed.Json.GetProperty("status").GetString());

        // Roles change on chain.
        var roles = await admin.SetRolesAsync(principal, "steel-works/trader", [Roles.Consumer, Roles.OrgAdmin]);
        Assert.True(roles.Succeeded, roles.Outcome?.Result?.Error);
        Assert.Equal([Roles.Consumer, Roles.OrgAdmin], Certificate("steel-works/trader")!.Roles);

        // Revoke: on chain, and the account is locked for good.
        var revoked = await admin.RevokeAsync(principal, "steel-works/trader", "left the company");
        Assert.True(revoked.Succeeded, revoked.Error ?? revoked.Outcome?.Result?.Error);
        Assert.Equal(revoked.Outcome!.Height, Certificate("steel-works/trader")!.RevokedAtHeight);
        account = await users.FindByNameAsync("steel-works/trader");
        Assert.Equal(DateTimeOffset.MaxValue, account!.LockoutEnd);

        var after = app.Transfer("steel-works/trader", "retail-one", 5, "after revocation");
        var refused = await ApiCalls.SubmitAsync(steel, after);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("revoked", refused.Title);
        Assert.False(app.Runtime.Ledger.Store.ContainsTransaction(after.IdHex));

        var receipt = await steel.GetStringAsync($"/api/receipts/{before.IdHex}");
        var verification = ReceiptVerifier.Verify(receipt);
        Assert.True(verification.IsValid, verification.FirstFailure?.ToString());

        using var client = app.Client();
        using var login = await PortalApp.PostLoginAsync(client, "steel-works/trader", Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("revoked", WebUtility.HtmlDecode(await login.Content.ReadAsStringAsync()));

        // A revoked certificate's roles stay as they were.
        var late = await admin.SetRolesAsync(principal, "steel-works/trader", [Roles.Consumer]);
        Assert.False(late.Succeeded);
        Assert.Contains("revoked", late.Outcome!.Result!.Error);
    }

    [Theory]
    [InlineData("Bad Name", "Zhang", "Trader#2026x", "login name")]
    [InlineData("../admin", "Zhang", "Trader#2026x", "login name")]
    [InlineData("clerk", "", "Trader#2026x", "display name")]
    [InlineData("clerk", "Zhang", "short", "Password")]
    [InlineData("operator", "Someone", "Trader#2026x", "already exists")]
    public async Task Bad_input_is_refused_with_a_message_and_nothing_is_written(string login, string name, string password, string message)
    {
        var (scope, admin, principal, users) = await AsAdminAsync("data-park/admin");
        using var _ = scope;
        var height = app.Runtime.Ledger.Height;
        var keys = app.Runtime.Keys.Ids.Count();

        var result = await admin.AddAsync(principal, new PeopleAdmin.NewPerson(login, name, [Roles.Consumer], password));
        Assert.False(result.Succeeded);
        Assert.Null(result.Outcome);
        Assert.Contains(message, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(height, app.Runtime.Ledger.Height);
        Assert.Equal(keys, app.Runtime.Keys.Ids.Count());
        if (login == "clerk") Assert.Null(await users.FindByNameAsync("data-park/clerk"));
    }

    [Fact]
    public async Task A_role_the_organisation_does_not_hold_is_refused_by_the_contract_and_no_account_is_created()
    {
        var (scope, admin, principal, users) = await AsAdminAsync("data-park/admin");
        using var _ = scope;
        var result = await admin.AddAsync(principal, new PeopleAdmin.NewPerson("banker", "Li", [Roles.Bank], Password));
        Assert.False(result.Succeeded);
        Assert.Equal(TxResult.Failed, result.Outcome!.Result!.Status);
        Assert.Contains("not held by organisation", result.Outcome.Result.Error);
        Assert.Null(Certificate("data-park/banker"));
        Assert.Null(await users.FindByNameAsync("data-park/banker"));
    }

    [Fact]
    public async Task An_admin_cannot_touch_another_organisations_people()
    {
        var (scope, admin, principal, _) = await AsAdminAsync("data-park/admin");
        using var __ = scope;
        var height = app.Runtime.Ledger.Height;
        Assert.Contains("not in your organisation", (await admin.RevokeAsync(principal, "steel-works/operator", "no")).Error);
        Assert.Contains("not in your organisation", (await admin.SetRolesAsync(principal, "steel-works/operator", [])).Error);
        Assert.Equal(height, app.Runtime.Ledger.Height);
        Assert.False(Certificate("steel-works/operator")!.IsRevoked);
    }

    [Fact]
    public async Task The_people_directory_pages_sorts_and_searches_an_organisations_certificates()
    {
        var directory = app.Services.GetRequiredService<PeopleDirectory>();
        var all = await directory.PageAsync("icbc-bank", 0, 50);
        Assert.Equal(["icbc-bank/admin", "icbc-bank/operator"], all.Items.Select(p => p.CertificateId));
        Assert.Equal(2, all.Total);
        Assert.All(all.Items, p => Assert.True(p.HasAccount && !p.IsRevoked && !p.IsLockedOut));

        var second = await directory.PageAsync("icbc-bank", 1, 1);
        Assert.Equal((2, "icbc-bank/operator"), (second.Total, Assert.Single(second.Items).CertificateId));
        var descending = await directory.PageAsync("icbc-bank", 0, 1, sort: PeopleSort.Id, descending: true);
        Assert.Equal("icbc-bank/operator", Assert.Single(descending.Items).CertificateId);
        var search = await directory.PageAsync("icbc-bank", 0, 10, search: "OPER");
        Assert.Equal((1, "icbc-bank/operator"), (search.Total, Assert.Single(search.Items).CertificateId));
        Assert.Empty((await directory.PageAsync("icbc-bank", 0, 10, search: "nobody")).Items);
        // "icbc-bank" does not list a prefix-alike organisation's people, nor its own root certificate.
        Assert.DoesNotContain(all.Items, p => p.CertificateId == "icbc-bank");
        Assert.Equal([Roles.Bank, Roles.OrgAdmin], await directory.AssignableRolesAsync("icbc-bank"));
    }

    [Fact]
    public async Task The_admin_pages_are_for_OrgAdmins_only()
    {
        using var admin = await app.SignedInClientAsync("meter-co/admin");
        foreach (var (page, table) in new[] { ("/organisation/people", "people-table"), ("/organisation/api-keys", "api-keys-table") })
        {
            using var ok = await admin.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains($"data-testid=\"{table}\"", await ok.Content.ReadAsStringAsync());
        }

        using var operatorClient = await app.SignedInClientAsync("meter-co/operator");
        foreach (var page in new[] { "/organisation/people", "/organisation/api-keys" })
        {
            using var refused = await operatorClient.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/account/access-denied", refused.Headers.Location!.OriginalString);
        }
        using var anonymous = app.Client();
        using var redirect = await anonymous.GetAsync("/organisation/people");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("/account/login", redirect.Headers.Location!.OriginalString);
    }
}
