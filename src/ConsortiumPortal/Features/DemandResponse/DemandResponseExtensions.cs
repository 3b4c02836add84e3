using ConsortiumPortal.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.DemandResponse;

public static class DemandResponseExtensions
{
    /// <summary>Demand response: read models for pages and /api/dr, and the meter-triggered event settlement.</summary>
    public static WebApplicationBuilder AddDemandResponse(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<DemandResponseQueries>();
        builder.Services.AddChainEventSubscriber<EventSettlement>(EventSettlement.SubscriberName);
        return builder;
    }
}
