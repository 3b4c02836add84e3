using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Seed.Evidence;

namespace ConsortiumPortal.Contracts.Tests.Evidence;

/// <summary>The demo's evidence waves commit through the real ledger and leave what the pages and tests rely on.</summary>
public sealed class EvidenceSeedTests
{
    [Fact]
    public void The_demo_evidence_is_anchored_signed_inspected_and_ticketed()
    {
        using var chain = SeededDemoChain.Create();

        var documents = chain.Ledger.Store.Scan(EvidenceKeys.DocumentPrefix).Select(kv => chain.Read<DocumentRecord>(kv.Key)!).ToList();
        var contracts = documents.Where(d => DocumentTypes.IsSupplyContract(d.Type)).ToList();
        Assert.True(contracts.Count >= 6);
        var pending = Assert.Single(contracts, d => d.Status == DocumentStatus.Pending);
        Assert.Equal(EvidenceSeed.PendingContractHash, pending.Hash);
        Assert.All(documents, d => Assert.Equal(DocumentCustody.Owner, d.Custody));
        Assert.Contains(contracts, d => d.Version == 2 && d.PreviousVersion is not null);

        Assert.Null(chain.Read<TestingLab>(EvidenceKeys.Lab("grid-east"))!.WithdrawnAt);
        var cable = chain.Supplier("cable-co")!;
        Assert.Equal((5, 1, SupplierScore.Of(5, 1)), (cable.Passed, cable.Failed, cable.Score));
        var meter = chain.Supplier("meter-co")!;
        Assert.Equal(2, meter.Categories.Count);
        Assert.Equal(SupplierScore.Of(meter.Passed, meter.Failed), meter.Score);

        var states = chain.Ledger.Store.Scan(EvidenceKeys.TicketPrefix).Select(kv => chain.Read<WorkTicket>(kv.Key)!.State).Order().ToList();
        Assert.Equal([WorkTicketSteps.Closed, WorkTicketSteps.Issued, WorkTicketSteps.SafetyMeasuresDone, WorkTicketSteps.WorkStarted], states);
    }
}
