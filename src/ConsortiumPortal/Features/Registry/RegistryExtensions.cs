using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Registry;

public static class RegistryExtensions
{
    /// <summary>Services of market registration, governance and credit (one application: Features/Registry/).</summary>
    public static WebApplicationBuilder AddRegistry(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<IRegistryQueries, LedgerRegistryQueries>();
        builder.Services.TryAddScoped<IRegistryActions, PersonSignerRegistryActions>();
        return builder;
    }
}
