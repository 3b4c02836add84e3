namespace ConsortiumPortal.Components;

/// <summary>Role lists for [Authorize(Roles = ...)] and AuthorizeView: comma-separated, any one suffices.</summary>
public static class PortalRoles
{
    /// <summary>Roles that act for an organisation's business (may move its money); not OrgAdmin, not Regulator.</summary>
    public const string Business = "TradingCenter,GridCompany,Generator,Retailer,Consumer,Aggregator,Insurer,Bank,Supplier";
    public const string OrgAdmin = "OrgAdmin";
    public const string Regulator = "Regulator";
}
