using ConsortiumPortal.Features.Metering;
using ConsortiumPortal.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Insurance;

public static class InsuranceExtensions
{
    /// <summary>Outage insurance: read models, signed writes, and the claims job triggered by outage restorations.</summary>
    public static WebApplicationBuilder AddInsurance(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<IInsuranceQueries, LedgerInsuranceQueries>();
        builder.Services.TryAddScoped<MeteringSigner>();
        builder.Services.TryAddScoped<IInsuranceActions, InsuranceService>();
        builder.Services.AddChainEventSubscriber<OutageClaims>(OutageClaims.SubscriberName);
        return builder;
    }
}
