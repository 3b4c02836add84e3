namespace ConsortiumPortal.Features.Settlement;

public static class SettlementExtensions
{
    /// <summary>Services of the payments between members from the portal.</summary>
    public static WebApplicationBuilder AddSettlementFeature(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
