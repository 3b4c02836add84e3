using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Metering;

public static class MeteringExtensions
{
    /// <summary>Meters, readings and outages: ingestion (API, CSV), read models for pages and the API.</summary>
    public static WebApplicationBuilder AddMetering(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<IMeteringQueries, LedgerMeteringQueries>();
        builder.Services.TryAddScoped<MeteringSigner>();
        builder.Services.TryAddScoped<MeteringIngest>();
        return builder;
    }
}
