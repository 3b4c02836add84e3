using ConsortiumPortal.Jobs;
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
        // Meter-triggered: readings that complete a meter's day get the day settled on chain (Jobs/ runs it).
        builder.Services.AddChainEventSubscriber<MeterDaySettlement>(MeterDaySettlement.SubscriberName);
        return builder;
    }
}
