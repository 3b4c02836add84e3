using ConsortiumPortal.Contracts.Insurance;
using ConsortiumPortal.Seed.Insurance;

namespace ConsortiumPortal.Contracts.Tests.Insurance;

/// <summary>The demo's insurance waves commit through the real ledger and leave a history of paid and declined claims.</summary>
public sealed class InsuranceSeedTests
{
    [Fact]
    public void The_demo_has_products_policies_and_paid_declined_and_contested_claims()
    {
        using var chain = SeededDemoChain.Create();

        var state = chain.Ledger.Store;
        Assert.Equal([InsuranceSeed.LostLoadProduct, InsuranceSeed.HourlyProduct], InsuranceState.Products(state).Select(p => p.ProductId));
        var policies = InsuranceState.Policies(state).ToDictionary(p => p.PolicyId);
        Assert.Equal(3, policies.Values.Count(p => p.Status == PolicyStatuses.Active));
        Assert.Equal(PolicyStatuses.PremiumHeld, policies[InsuranceSeed.PendingPolicy].Status);

        var mill = InsuranceState.GetClaim(state, "steel-mill1-2026", InsuranceSeed.PaidOutage)!;
        Assert.Equal(ClaimStatuses.Paid, mill.Status);
        Assert.Equal(500_000, mill.AmountFen);                                   // 3 h - 30 min deductible at 2,000 yuan/h
        var furnace = InsuranceState.GetClaim(state, "steel-furnace-2026", InsuranceSeed.PaidOutage)!;
        Assert.Equal(ClaimStatuses.Paid, furnace.Status);
        Assert.True(furnace.LostWh > 0);
        Assert.Equal(ClaimStatuses.Declined, InsuranceState.GetClaim(state, "steel-mill1-2026", InsuranceSeed.PlannedOutage)!.Status);
        var dip = InsuranceState.GetClaim(state, "data-park-2026", InsuranceSeed.ShortOutage)!;
        Assert.Equal(ClaimStatuses.Declined, dip.Status);
        Assert.NotNull(dip.Dispute);
        Assert.Null(dip.Dispute!.Answer);
    }
}
