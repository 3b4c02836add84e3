using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Explorer;

public static class ExplorerExtensions
{
    /// <summary>Services of the explorer pages: blocks, transactions, state, search, CSV export.</summary>
    public static WebApplicationBuilder AddExplorer(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IExplorerQueries>(sp => new ExplorerQueries(sp.GetRequiredService<NodeHostedService>()));
        return builder;
    }
}
