using System.Net;
using ConsortiumPortal.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Api;

/// <summary>Sign-in through the real static SSR form: antiforgery, wrong passwords, and lockout after five failures.</summary>
public sealed class SignInLockoutTests(PortalApp app) : IClassFixture<PortalApp>
{
    private const string LockedMessage = "This account is locked after too many failed attempts";
    private const string WrongMessage = "Wrong user name or password.";

    [Fact]
    public async Task The_right_password_signs_in_and_sets_the_portal_cookie()
    {
        using var client = app.Client();
        using var response = await PortalApp.PostLoginAsync(client, "icbc-bank/operator", DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application="));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        using var client = app.Client();
        await client.GetStringAsync("/account/login");
        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.UserName"] = "icbc-bank/operator", ["Input.Password"] = DemoAccounts.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity.Application=")));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_the_right_password_is_refused()
    {
        const string user = "gen-hydro/operator";
        for (var attempt = 1; attempt <= IdentityExtensions.MaxFailedSignIns; attempt++)
        {
            using var client = app.Client();
            using var wrong = await PortalApp.PostLoginAsync(client, user, $"Wrong@{attempt}password");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            var page = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
            // The fifth failure is the one that locks.
            Assert.Contains(attempt < IdentityExtensions.MaxFailedSignIns ? WrongMessage : LockedMessage, page);
        }

        using (var client = app.Client())
        {
            using var right = await PortalApp.PostLoginAsync(client, user, DemoAccounts.Password);
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            Assert.Contains(LockedMessage, WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()));
            Assert.False(right.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity.Application=")));
        }

        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var account = await users.FindByNameAsync(user);
        Assert.True(await users.IsLockedOutAsync(account!));
        Assert.True(account!.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(10));

        // Another account is not affected.
        using var other = await app.SignedInClientAsync("gen-solar/operator");
    }
}
