using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;

namespace ConsortiumPortal.Components;

public static class PortalUiExtensions
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    /// <summary>Blazor Server with global interactivity, MudBlazor, zh-CN/English resources, the live block feed.</summary>
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddLocalization();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        builder.Services.AddSingleton<BlockFeed>();
        return builder;
    }

    /// <summary>Remembers the chosen language in the culture cookie and goes back to the page.</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/set", (HttpContext http, string culture, string? redirectUri) =>
        {
            if (Cultures.All(c => c.Name != culture)) return Results.BadRequest();
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            var target = redirectUri is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//") ? r : "/";
            return Results.LocalRedirect(target);
        }).AllowAnonymous();
        return app;
    }
}
