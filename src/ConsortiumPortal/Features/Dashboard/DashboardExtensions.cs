using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Dashboard;

public static class DashboardExtensions
{
    /// <summary>The live dashboard's data: ledger queries and the committed-block stream. Safe to call more than once.</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IBlockStream, BlockFeedStream>();
        builder.Services.TryAddScoped<IDashboardQueries, LedgerDashboardQueries>();
        return builder;
    }
}
