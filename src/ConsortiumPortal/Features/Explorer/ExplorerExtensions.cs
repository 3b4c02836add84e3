namespace ConsortiumPortal.Features.Explorer;

public static class ExplorerExtensions
{
    /// <summary>Services of the explorer pages: blocks, transactions, state, search, CSV export.</summary>
    public static WebApplicationBuilder AddExplorer(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
