using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Contracts;

/// <summary>Every business contract of the consortium, in one place: the ledger registers exactly these.</summary>
public static class ConsortiumContracts
{
    public static IReadOnlyList<Contract> All() =>
    [
        new SettlementContract(),
        new Registry.RegistryContract(),
        new Governance.GovernanceContract(),
        new Credit.CreditContract(),
        new MeteringContract(),
        new MeterStatementsContract(),
        new EvidenceContract(),
        new Insurance.InsuranceContract(),
        new DemandResponse.DemandResponseContract(),
        new Receivables.ReceivablesContract(),
        new Vouchers.VoucherContract(),
    ];
}
