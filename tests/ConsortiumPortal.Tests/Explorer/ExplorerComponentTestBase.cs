using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Features.Explorer;
using ConsortiumPortal.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Explorer;

/// <summary>bunit context with MudBlazor, localization, a fake explorer data source and a signed-in person.</summary>
public abstract class ExplorerComponentTestBase : IAsyncLifetime
{
    protected BunitContext Ctx { get; } = new();
    protected FakeExplorerQueries Fake { get; } = new();
    private ClaimsPrincipal _user = new(new ClaimsIdentity());

    protected ExplorerComponentTestBase()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization();
        Ctx.Services.AddSingleton<IExplorerQueries>(Fake);
        // The pages read the cascading authentication state; it is resolved at the first render, after SignIn.
        Ctx.Services.AddCascadingValue(_ => Task.FromResult(new AuthenticationState(_user)));
        SignIn("org-a/alice", "org-a");
    }

    protected void SignIn(string certificateId, string organisation, params string[] roles)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, certificateId), new(PortalClaimTypes.Organisation, organisation), new(PortalClaimTypes.Certificate, certificateId),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        _user = new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    /// <summary>Popovers (the pager's page-size select) need their provider in the render tree.</summary>
    protected void RenderPopoverProvider() => Ctx.Render<MudPopoverProvider>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Ctx.DisposeAsync();
}
