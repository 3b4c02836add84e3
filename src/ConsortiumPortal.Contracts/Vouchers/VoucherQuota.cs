using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Registry;

namespace ConsortiumPortal.Contracts.Vouchers;

/// <summary>
/// Quota accounting: the regulator sets each province's minimum total and non-hydro weights for a year; the grid company
/// serving an obligated entity (or the regulator) reports its consumption figures. Retired vouchers are counted by the
/// retire method itself, so completion is always what the ledger says (see <see cref="QuotaCompletion"/>).
/// </summary>
public sealed partial class VoucherContract
{
    public sealed record SetQuotaPolicyArgs(string Province, int Year, long TotalWeightBp, long NonHydroWeightBp);
    public sealed record ReportConsumptionArgs(
        string OrganisationId, int Year, string Province, long ConsumptionMWh, long ExemptMWh, long RenewableMWh,
        long NonHydroRenewableMWh, long GreenCertificatesMWh, long ExcessSoldMWh, long NonHydroExcessSoldMWh);

    [ContractMethod("setQuotaPolicy")]
    public object SetQuotaPolicy(ContractContext ctx, SetQuotaPolicyArgs args)
    {
        ctx.RequireRole(Roles.Regulator);
        ContractContext.Require(Provinces.IsKnown(args.Province), $"unknown province \"{args.Province}\"");
        ContractContext.Require(args.Year is >= 2000 and <= 2099, "year must be 2000..2099");
        ContractContext.Require(args.TotalWeightBp is >= 0 and <= 10_000 && args.NonHydroWeightBp is >= 0 and <= 10_000, "weights are 0..10,000 basis points");
        ContractContext.Require(args.NonHydroWeightBp <= args.TotalWeightBp, "the non-hydro weight is part of the total weight");
        var policy = new QuotaPolicy(args.Province, args.Year, args.TotalWeightBp, args.NonHydroWeightBp, ctx.Caller.CertificateId, ctx.TxId);
        ctx.State.Put(VoucherState.PolicyKey(args.Province, args.Year), policy);
        ctx.Emit("QuotaPolicySet", new { province = args.Province, year = args.Year, totalWeightBp = args.TotalWeightBp, nonHydroWeightBp = args.NonHydroWeightBp });
        return new { province = args.Province, year = args.Year };
    }

    [ContractMethod("reportConsumption")]
    public object ReportConsumption(ContractContext ctx, ReportConsumptionArgs args)
    {
        ContractContext.Require(ctx.Caller.Acts(Roles.GridCompany) || ctx.Caller.Acts(Roles.Regulator), "only a GridCompany or the Regulator reports consumption");
        Settlement.SettlementAccounts.RequireMember(ctx.State, args.OrganisationId);
        ContractContext.Require(Provinces.IsKnown(args.Province), $"unknown province \"{args.Province}\"");
        ContractContext.Require(args.Year is >= 2000 and <= 2099, "year must be 2000..2099");
        long[] amounts = [args.ConsumptionMWh, args.ExemptMWh, args.RenewableMWh, args.NonHydroRenewableMWh, args.GreenCertificatesMWh, args.ExcessSoldMWh, args.NonHydroExcessSoldMWh];
        ContractContext.Require(amounts.All(a => a is >= 0 and <= 1_000_000_000_000), "amounts are 0..10^12 MWh");
        ContractContext.Require(args.ExemptMWh < args.ConsumptionMWh, "exempt load is less than consumption");
        ContractContext.Require(args.NonHydroRenewableMWh <= args.RenewableMWh && args.RenewableMWh <= args.ConsumptionMWh, "non-hydro renewable <= renewable <= consumption");
        ContractContext.Require(args.NonHydroExcessSoldMWh <= args.ExcessSoldMWh, "non-hydro excess sold is part of excess sold");
        var record = new EntityConsumption(args.OrganisationId, args.Year, args.Province, args.ConsumptionMWh, args.ExemptMWh, args.RenewableMWh,
            args.NonHydroRenewableMWh, args.GreenCertificatesMWh, args.ExcessSoldMWh, args.NonHydroExcessSoldMWh, ctx.Caller.CertificateId, ctx.TxId);
        ctx.State.Put(VoucherState.ConsumptionKey(args.OrganisationId, args.Year), record);
        ctx.Emit("ConsumptionReported", new { organisationId = args.OrganisationId, year = args.Year, province = args.Province });
        return new { organisationId = args.OrganisationId, year = args.Year };
    }
}
