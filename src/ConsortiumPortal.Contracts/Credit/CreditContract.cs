using ConsortiumPortal.Chain.Execution;

namespace ConsortiumPortal.Contracts.Credit;

/// <summary>
/// Credit behaviour reported by a market operator as a transaction (other contracts call <see cref="CreditEvents.Record"/>
/// directly), and a refresh anyone may ask for so that year-old events start counting half.
/// A TradingCenter reports settlement defaults and late payments; a TradingCenter or GridCompany reports demand-response
/// performance. An organisation cannot report on itself.
/// </summary>
public sealed class CreditContract : Contract
{
    public const string ContractName = "credit";
    public override string Name => ContractName;

    public sealed record RecordArgs(string OrganisationId, CreditEventKind Kind, long Amount, string Reference);
    public sealed record RefreshArgs(string OrganisationId);

    [ContractMethod("recordEvent")]
    public object RecordEvent(ContractContext ctx, RecordArgs args)
    {
        var allowed = args.Kind switch
        {
            CreditEventKind.SettlementDefault or CreditEventKind.LatePayment => ctx.Caller.Acts(Roles.TradingCenter),
            CreditEventKind.DemandResponse => ctx.Caller.Acts(Roles.TradingCenter) || ctx.Caller.Acts(Roles.GridCompany),
            _ => false, // exits are recorded by the registry itself
        };
        ContractContext.Require(allowed, $"{args.Kind} cannot be reported by this caller (settlement behaviour: a TradingCenter; demand response: a TradingCenter or GridCompany; exits: the registry)");
        ContractContext.Require(args.OrganisationId != ctx.Caller.OrganisationId, "an organisation cannot report on its own credit");
        var e = CreditEvents.Record(ctx.State, args.OrganisationId, args.Kind, args.Amount, args.Reference, ctx.BlockTime, ctx.Caller.CertificateId);
        var rating = CreditEvents.Rating(ctx.State, args.OrganisationId, ctx.BlockTime);
        ctx.Emit("CreditEventRecorded", new { organisationId = args.OrganisationId, seq = e.Seq, kind = e.Kind, score = rating.Score, grade = rating.Grade });
        return new { seq = e.Seq, score = rating.Score, grade = rating.Grade, financingLimitFen = rating.FinancingLimitFen };
    }

    [ContractMethod("refresh")]
    public object Refresh(ContractContext ctx, RefreshArgs args)
    {
        ContractContext.Require(ctx.State.Exists(Chain.Membership.MembershipContract.Keys.Organisation(args.OrganisationId ?? "")), $"organisation \"{args.OrganisationId}\" is not a member");
        var rating = CreditEvents.Recompute(ctx.State, args.OrganisationId!, ctx.BlockTime);
        ctx.Emit("CreditRatingRefreshed", new { organisationId = args.OrganisationId, score = rating.Score, grade = rating.Grade });
        return new { score = rating.Score, grade = rating.Grade, financingLimitFen = rating.FinancingLimitFen };
    }
}
