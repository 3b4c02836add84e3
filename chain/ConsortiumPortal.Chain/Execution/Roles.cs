namespace ConsortiumPortal.Chain.Execution;

/// <summary>Consortium roles an organisation can hold (several at once), plus the person-only OrgAdmin.</summary>
public static class Roles
{
    public const string TradingCenter = nameof(TradingCenter);
    public const string GridCompany = nameof(GridCompany);
    public const string Generator = nameof(Generator);
    public const string Retailer = nameof(Retailer);
    public const string Consumer = nameof(Consumer);
    public const string Aggregator = nameof(Aggregator);
    public const string Insurer = nameof(Insurer);
    public const string Bank = nameof(Bank);
    public const string Supplier = nameof(Supplier);
    public const string Regulator = nameof(Regulator);

    /// <summary>A person who issues and revokes the certificates of their own organisation.</summary>
    public const string OrgAdmin = nameof(OrgAdmin);

    public static readonly IReadOnlyList<string> Organisation =
        [TradingCenter, GridCompany, Generator, Retailer, Consumer, Aggregator, Insurer, Bank, Supplier, Regulator];

    public static bool IsOrganisationRole(string role) => Organisation.Contains(role);
}
