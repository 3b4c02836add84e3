using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Evidence;

namespace ConsortiumPortal.Contracts.Tests.Evidence;

/// <summary>The demo's evidence waves commit through the real ledger and leave what the pages and tests rely on.</summary>
public sealed class EvidenceSeedTests
{
    [Fact]
    public void The_demo_evidence_is_anchored_signed_inspected_and_ticketed()
    {
        var keys = new ConcurrentDictionary<string, Sm2KeyPair>(StringComparer.Ordinal);
        Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        var demo = new DemoConsortium(KeyFor, new ConsortiumNode("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:7001", "http://127.0.0.1:5001"), TestChain.GenesisTime);
        using var chain = new TestChain(demo.Genesis, KeyFor, demo.NodeId);
        foreach (var wave in demo.Waves(KeyFor, chain.Ledger.Height))
            Assert.All(chain.Commit([.. wave]), r => TestChain.AssertOk(r));

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
