namespace ConsortiumPortal.Contracts.Vouchers;

/// <summary>An entity's completion of both weights, in basis points, next to the province's minimums.</summary>
public sealed record QuotaResult(
    string OrganisationId, string Province, int Year, long DenominatorMWh, long TotalNumeratorMWh, long NonHydroNumeratorMWh,
    long TotalCompletionBp, long NonHydroCompletionBp, long? TotalWeightBp, long? NonHydroWeightBp)
{
    public bool MeetsTotal => TotalWeightBp is not { } w || TotalCompletionBp >= w;
    public bool MeetsNonHydro => NonHydroWeightBp is not { } w || NonHydroCompletionBp >= w;
    public bool Meets => MeetsTotal && MeetsNonHydro;
}

/// <summary>
/// The consumption-responsibility formula, one implementation for the contract (province rule), the portal's report and
/// the worked example in docs/vouchers.md:
/// completion = (renewable consumption + vouchers retired + green certificates counted - excess sold) / (consumption - exempt load),
/// computed for the total weight (all renewable, all retired vouchers) and the non-hydro weight (non-hydro renewable,
/// non-hydro vouchers). Integer arithmetic: basis points rounded down, so "meets" never rounds up to a pass.
/// </summary>
public static class QuotaCompletion
{
    public static QuotaResult Compute(EntityConsumption c, long retiredTotalMWh, long retiredNonHydroMWh, QuotaPolicy? policy)
    {
        var denominator = c.ConsumptionMWh - c.ExemptMWh;
        var total = c.RenewableMWh + retiredTotalMWh + c.GreenCertificatesMWh - c.ExcessSoldMWh;
        var nonHydro = c.NonHydroRenewableMWh + retiredNonHydroMWh + c.GreenCertificatesMWh - c.NonHydroExcessSoldMWh;
        return new QuotaResult(c.OrganisationId, c.Province, c.Year, denominator, total, nonHydro,
            Bp(total, denominator), Bp(nonHydro, denominator), policy?.TotalWeightBp, policy?.NonHydroWeightBp);
    }

    private static long Bp(long numerator, long denominator) =>
        denominator <= 0 ? 0 : (long)(System.Numerics.BigInteger.Max(0, numerator) * 10_000 / denominator);
}
