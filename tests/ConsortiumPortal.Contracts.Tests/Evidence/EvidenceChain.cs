using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Evidence;

namespace ConsortiumPortal.Contracts.Tests.Evidence;

/// <summary>The evidence application's transactions and reads on a <see cref="TestChain"/>.</summary>
internal static class EvidenceChain
{
    public static readonly OrgSpec[] Organisations =
    [
        new("grid-east", Roles.GridCompany),
        new("steel-works", Roles.Consumer),
        new("retail-one", Roles.Retailer),
        new("cable-co", Roles.Supplier),
        new("meter-co", Roles.Supplier),
        new("regulator", Roles.Regulator),
    ];

    public static string HashOf(string content) => Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(content)));

    public static DocumentLabels Labels(string title, params string[] parties) =>
        new(title, parties, "HT-2026-001", "MTR-0001", null, "2026-01-01", "2026-12-31");

    public static SignedTransaction Anchor(this TestChain chain, string signer, string hash, string[] parties, string[] requiredSigners,
        string type = DocumentTypes.HighVoltageSupplyContract, string? previous = null, DocumentLabels? labels = null) =>
        chain.Tx(signer, EvidenceContract.ContractName, "anchor",
            new EvidenceContract.AnchorArgs(hash, type, labels ?? Labels("Supply contract", parties), requiredSigners, DocumentCustody.NodeStore, previous));

    public static SignedTransaction Sign(this TestChain chain, string signer, string hash) =>
        chain.Tx(signer, EvidenceContract.ContractName, "sign", new EvidenceContract.SignArgs(hash));

    public static SignedTransaction Accredit(this TestChain chain, string signer, string organisationId, params string[] categories) =>
        chain.Tx(signer, EvidenceContract.ContractName, "accreditLab", new EvidenceContract.AccreditArgs(organisationId, "Metrology and quality-inspection centre", categories));

    public static SignedTransaction Inspect(this TestChain chain, string signer, string hash, string supplier, string category, bool passed, string batch = "B-1") =>
        chain.Tx(signer, EvidenceContract.ContractName, "anchorInspection",
            new EvidenceContract.InspectionArgs(hash, supplier, category, batch, passed, "Inspection report " + batch, DocumentCustody.Owner));

    public static SignedTransaction Grant(this TestChain chain, string admin, string certificateId, string qualification) =>
        chain.Tx(admin, EvidenceContract.ContractName, "grantQualification", new EvidenceContract.QualificationArgs(certificateId, qualification));

    public static SignedTransaction Revoke(this TestChain chain, string admin, string certificateId, string qualification) =>
        chain.Tx(admin, EvidenceContract.ContractName, "revokeQualification", new EvidenceContract.QualificationArgs(certificateId, qualification));

    public static SignedTransaction IssueTicket(this TestChain chain, string issuer, string number, string workLeader, string? hash = null) =>
        chain.Tx(issuer, EvidenceContract.ContractName, "issueWorkTicket",
            new EvidenceContract.IssueTicketArgs(number, "Replace 10 kV cable joint", "Substation 3, bay 2", workLeader, hash));

    public static SignedTransaction Step(this TestChain chain, string signer, string ticketId, string step) =>
        chain.Tx(signer, EvidenceContract.ContractName, "signWorkTicketStep", new EvidenceContract.TicketStepArgs(ticketId, step));

    public static DocumentRecord? Document(this TestChain chain, string hash) => chain.Read<DocumentRecord>(EvidenceKeys.Document(hash));
    public static SupplierRecord? Supplier(this TestChain chain, string supplier) => chain.Read<SupplierRecord>(EvidenceKeys.Supplier(supplier));
    public static WorkTicket? Ticket(this TestChain chain, string id) => chain.Read<WorkTicket>(EvidenceKeys.Ticket(id));

    public static T? Read<T>(this TestChain chain, string key) where T : class =>
        chain.Ledger.Store.Get(key) is { } json ? CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    public static string Output(this TxResult result, string property) => result.Output!.Value.GetProperty(property).ToString();
}
