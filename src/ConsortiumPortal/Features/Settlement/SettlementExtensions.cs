using ConsortiumPortal.Features.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Settlement;

public static class SettlementExtensions
{
    /// <summary>Services of the payments between members from the portal.</summary>
    public static WebApplicationBuilder AddSettlementFeature(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<ISettlementQueries, LedgerSettlementQueries>();
        builder.Services.TryAddScoped<IPaymentSubmitter, PersonSignerPaymentSubmitter>();
        return builder;
    }
}
