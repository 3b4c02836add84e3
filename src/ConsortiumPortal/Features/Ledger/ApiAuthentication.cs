using System.Security.Claims;
using System.Text.Encodings.Web;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ConsortiumPortal.Features.Ledger;

/// <summary>
/// Who may call /api: a member system with its organisation's API key (header X-Api-Key) or a person signed in to
/// the portal (cookie). Both end up as the same kind of principal: an organisation claim and the organisation's
/// (for a key) or the person's (for a person) roles, so the endpoints authorise them the same way.
/// </summary>
public static class ApiAuthentication
{
    /// <summary>The API key scheme: one organisation's key in <see cref="HeaderName"/>.</summary>
    public const string ApiKeyScheme = "ApiKey";
    /// <summary>What /api authenticates with: the API key when the header is present, else the portal cookie.</summary>
    public const string ApiScheme = "Api";
    public const string Policy = "Api";
    public const string HeaderName = "X-Api-Key";
    /// <summary>Claim naming the API key (its id) a caller used; absent for people.</summary>
    public const string ApiKeyClaim = "consortium/api-key";

    public static WebApplicationBuilder AddApiAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null)
            .AddPolicyScheme(ApiScheme, "API key or portal sign-in", o =>
            {
                o.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(HeaderName) ? ApiKeyScheme : IdentityConstants.ApplicationScheme;
                // Never the cookie's redirect to the sign-in page: an API answers 401/403 problem details.
                o.ForwardChallenge = ApiKeyScheme;
                o.ForwardForbid = ApiKeyScheme;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(ApiScheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>The caller may read every organisation's transactions (a Regulator person or a Regulator organisation's key).</summary>
    public static bool ReadsEveryOrganisation(this ClaimsPrincipal user) => user.IsInRole(Chain.Execution.Roles.Regulator);

    /// <summary>The organisation a certificate id belongs to: "org" (root) or "org/name" (the contract enforces the form).</summary>
    public static string OrganisationOf(string certificateId) => certificateId.Split('/', 2)[0];
}

internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyStore keys, NodeHostedService node) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiAuthentication.HeaderName, out var values)) return AuthenticateResult.NoResult();
        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0])) return AuthenticateResult.Fail("send exactly one API key in the X-Api-Key header");
        var key = await keys.FindActiveAsync(values[0]!.Trim(), Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("the API key is unknown or revoked");

        var runtime = await node.Runtime;
        var organisation = MembershipContract.Read<Chain.Membership.Organisation>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Organisation(key.OrganisationId));
        if (organisation is null) return AuthenticateResult.Fail("the API key's organisation is not a member");
        var identity = new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, $"api-key:{key.Id}"));
        identity.AddClaim(new Claim(ClaimTypes.Name, $"{key.OrganisationId} API key \"{key.Name}\""));
        identity.AddClaim(new Claim(ApiAuthentication.ApiKeyClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(PortalClaimTypes.Organisation, key.OrganisationId));
        identity.AddClaim(new Claim(PortalClaimTypes.DisplayName, $"{organisation.Name} ({key.Name})"));
        // A key acts for its organisation: it carries the organisation's roles (never OrgAdmin: keys administer nothing).
        foreach (var role in organisation.Roles) identity.AddClaim(new Claim(ClaimTypes.Role, role));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.Headers.WWWAuthenticate = $"{ApiAuthentication.ApiKeyScheme} header=\"{ApiAuthentication.HeaderName}\"";
        await LedgerApi.Problem(StatusCodes.Status401Unauthorized, "unauthenticated",
            failure ?? "send your organisation's API key in the X-Api-Key header, or sign in to the portal").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        LedgerApi.Problem(StatusCodes.Status403Forbidden, "forbidden", "this caller may not use this endpoint").ExecuteAsync(Context);
}
