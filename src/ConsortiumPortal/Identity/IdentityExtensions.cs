using Microsoft.Extensions.DependencyInjection.Extensions;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConsortiumPortal.Identity;

public static class IdentityExtensions
{
    public const int MaxFailedSignIns = 5;

    /// <summary>
    /// ASP.NET Core Identity over SQLite (identity.db in the data directory): hashed passwords, lockout after
    /// <see cref="MaxFailedSignIns"/> failed attempts, cookie sign-in; claims from the person's on-chain certificate.
    /// </summary>
    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, Microsoft.AspNetCore.Components.Server.ServerAuthenticationStateProvider>();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/access-denied";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            }));
        builder.Services.AddAuthorization();
        builder.Services.AddDbContext<PortalIdentityDbContext>((sp, o) =>
        {
            var data = new DataDirectory(sp.GetRequiredService<IOptions<NodeSettings>>().Value.DataDirectory);
            o.UseSqlite($"Data Source={Path.Combine(data.Root, "identity.db")}");
        });
        builder.Services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789-._/";
                o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.Password.RequiredLength = 8;
            })
            .AddEntityFrameworkStores<PortalIdentityDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<ChainClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        builder.Services.AddScoped<PersonSigner>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddHostedService<IdentityBootstrap>(); // after the node's hosted service: it needs the ledger
        return builder;
    }

    /// <summary>Sign-out is a POST with an antiforgery token (a GET could be triggered by any page).</summary>
    public static IEndpointRouteBuilder MapPortalAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        });
        return app;
    }
}

/// <summary>
/// Creates identity.db on first start and, in demo mode, the demo accounts and demo API keys (once the node is running).
/// </summary>
internal sealed class IdentityBootstrap(IServiceProvider services, NodeHostedService node, IOptions<NodeSettings> settings, ApiKeyStore apiKeys,
    ILogger<IdentityBootstrap> log) : IHostedService
{
    public async Task StartAsync(CancellationToken token)
    {
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalIdentityDbContext>();
            await db.Database.EnsureCreatedAsync(token);
            await ApiKeyStore.EnsureTableAsync(db, token);
        }
        if (!settings.Value.Demo) return;
        var runtime = await node.Runtime;
        await DemoAccounts.EnsureAsync(services, runtime, log);
        await DemoApiKeys.EnsureAsync(apiKeys, runtime, token);
    }

    public Task StopAsync(CancellationToken token) => Task.CompletedTask;
}
