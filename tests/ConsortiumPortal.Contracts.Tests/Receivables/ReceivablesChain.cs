using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Receivables;
using static ConsortiumPortal.Contracts.Receivables.ReceivablesContract;

namespace ConsortiumPortal.Contracts.Tests.Receivables;

/// <summary>A supply chain to test receivables on: a core enterprise, three tiers of suppliers, two banks, bystanders.</summary>
internal static class ReceivablesChain
{
    public const string Grid = "grid";
    public const string Tier1 = "sup-1";
    public const string Tier2 = "sup-2";
    public const string Tier3 = "sup-3";
    public const string BankA = "bank-a";
    public const string BankB = "bank-b";
    public const long Day = ReceivablesContract.DayMs;

    public static readonly OrgSpec[] Organisations =
    [
        new(Grid, Roles.GridCompany),
        new(Tier1, Roles.Supplier),
        new(Tier2, Roles.Supplier),
        new(Tier3, Roles.Supplier),
        new(BankA, Roles.Bank),
        new(BankB, Roles.Bank),
        new("gen-one", Roles.Generator),
        new("regulator", Roles.Regulator),
    ];

    public static TestChain Create() => new(Organisations);

    public static string Hash(string text) => Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(text)));

    public static SignedTransaction R(this TestChain chain, string signer, string method, object args) =>
        chain.Tx(signer, ContractName, method, args);

    public static SignedTransaction IssueTx(this TestChain chain, string to, long face, long? maturityAt = null, long minSplit = 0, string? invoice = null, string signer = Grid) =>
        chain.R(signer, "issue", new IssueArgs(to, face, maturityAt ?? chain.Now + 90 * Day, Hash("contract " + (invoice ?? Guid.NewGuid().ToString())),
            Hash("invoice " + (invoice ?? Guid.NewGuid().ToString())), minSplit, "test voucher"));

    /// <summary>Issues and has the supplier accept: an active root voucher.</summary>
    public static string IssueAccepted(this TestChain chain, string to, long face, long? maturityAt = null, long minSplit = 0)
    {
        var id = chain.Ok<IdResult>(chain.IssueTx(to, face, maturityAt, minSplit)).VoucherId;
        chain.Ok(chain.R(to, "acceptIssue", new VoucherArgs(id)));
        return id;
    }

    public static IReadOnlyList<string> SplitOk(this TestChain chain, string holder, string id, params long[] amounts) =>
        chain.Ok<PartsResult>(chain.R(holder, "split", new SplitArgs(id, amounts))).Parts;

    public static void TransferOk(this TestChain chain, string holder, string id, string to)
    {
        chain.Ok(chain.R(holder, "transfer", new TransferArgs(id, to)));
        chain.Ok(chain.R(to, "acceptTransfer", new VoucherArgs(id)));
    }

    /// <summary>Apply, quote, accept: returns the financing request id.</summary>
    public static string FinanceOk(this TestChain chain, string holder, string id, string bank, long bps = 400)
    {
        var request = chain.Ok<RequestResult>(chain.R(holder, "applyFinancing", new ApplyArgs(id, bank))).RequestId;
        chain.Ok(chain.R(bank, "quote", new QuoteArgs(request, bps, chain.Now + Day)));
        chain.Ok(chain.R(holder, "acceptQuote", new RequestArgs(request)));
        return request;
    }

    public static TxResult Ok(this TestChain chain, SignedTransaction tx)
    {
        var result = chain.CommitOne(tx);
        TestChain.AssertOk(result);
        return result;
    }

    public static T Ok<T>(this TestChain chain, SignedTransaction tx) where T : class =>
        CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(chain.Ok(tx).Output!.Value.GetRawText()));

    public static Voucher Voucher(this TestChain chain, string id) => chain.Read<Voucher>(ReceivableKeys.Voucher(id))!;

    public static FinancingRequest Request(this TestChain chain, string id) => chain.Read<FinancingRequest>(ReceivableKeys.Financing(id))!;

    public static SettlementReport? Report(this TestChain chain, string rootId) => chain.Read<SettlementReport>(ReceivableKeys.Report(rootId));

    public static IReadOnlyList<Voucher> Vouchers(this TestChain chain) => chain.ScanAll<Voucher>(ReceivableKeys.VoucherPrefix);

    public static IReadOnlyList<FinancingRequest> Requests(this TestChain chain) => chain.ScanAll<FinancingRequest>(ReceivableKeys.FinancingPrefix);

    private static T? Read<T>(this TestChain chain, string key) where T : class =>
        chain.Ledger.Store.Get(key) is { } json ? CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json)) : null;

    private static List<T> ScanAll<T>(this TestChain chain, string prefix) =>
        chain.Ledger.Store.Scan(prefix).Select(p => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(p.Value))).ToList();

    public sealed record IdResult(string VoucherId);
    public sealed record PartsResult(IReadOnlyList<string> Parts);
    public sealed record RequestResult(string RequestId);
}
