using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Contracts.Receivables;

/// <summary>
/// Supply-chain receivables (docs/receivables.md). The core enterprise (a GridCompany) issues an electronic debt voucher
/// to a supplier for a confirmed payable; the supplier accepts it, after which it cannot be altered or revoked. A holder
/// splits it into parts (each at least the minimum, summing exactly to the original), offers parts to its own suppliers
/// (a part moves only when the receiver accepts), or discounts a part at a bank: the bank quotes a rate, the holder
/// accepts, the bank pays the proceeds through the settlement accounts and the part is assigned to the bank. A part is
/// financed at most once and a financed part never moves again. At maturity one settlement transaction per batch of
/// roots pays every outstanding part's beneficiary from the core enterprise; what it cannot pay is recorded overdue and
/// reported to the issuer's credit rating.
/// </summary>
public sealed class ReceivablesContract : Contract
{
    public const string ContractName = "receivables";
    public override string Name => ContractName;

    public const long DayMs = 86_400_000;
    public const long MaxTermMs = 3 * 366 * DayMs;
    public const int MaxParts = 20;
    public const int MaxDepth = 8;
    public const int MaxBatch = 50;
    public const long MaxDiscountBps = 5_000;
    /// <summary>The obligation kind registered for the issuer while a voucher is unpaid.</summary>
    public const string ObligationKind = "receivable";

    public sealed record IssueArgs(string Supplier, long FaceFen, long MaturityAt, string ContractHash, string InvoiceHash, long MinSplitFen, string Memo);
    public sealed record VoucherArgs(string VoucherId);
    public sealed record SplitArgs(string VoucherId, IReadOnlyList<long> Amounts);
    public sealed record TransferArgs(string VoucherId, string To);
    public sealed record ApplyArgs(string VoucherId, string Bank);
    public sealed record QuoteArgs(string RequestId, long DiscountBps, long ValidUntil);
    public sealed record RequestArgs(string RequestId, string? Note = null);
    public sealed record SettleArgs(IReadOnlyList<string> RootIds);

    // ---- issue -------------------------------------------------------------------------------------------------

    [ContractMethod("issue")]
    public object Issue(ContractContext ctx, IssueArgs args)
    {
        ctx.RequireRole(Roles.GridCompany);
        var issuer = ctx.Caller.OrganisationId;
        RequireSupplier(ctx.State, args.Supplier);
        ContractContext.Require(args.Supplier != issuer, "the core enterprise cannot issue a voucher to itself");
        ContractContext.Require(args.FaceFen > 0 && args.FaceFen <= CanonicalJson.MaxSafeInteger, "face amount must be a positive number of fen");
        ContractContext.Require(args.MaturityAt > ctx.BlockTime, "maturity must be in the future");
        ContractContext.Require(args.MaturityAt - ctx.BlockTime <= MaxTermMs, "maturity is at most three years ahead");
        RequireHash(args.ContractHash, "contract");
        RequireHash(args.InvoiceHash, "invoice");
        ContractContext.Require(args.MinSplitFen >= 0 && args.MinSplitFen <= args.FaceFen, "minimum split amount must be between 0 and the face amount");
        ContractContext.Require((args.Memo ?? "").Length <= 256, "memo is at most 256 characters");
        // One voucher per invoice: the same payable cannot be turned into money twice.
        ContractContext.Require(!ctx.State.Exists(ReceivableKeys.Invoice(args.InvoiceHash)), $"invoice {args.InvoiceHash} already backs a voucher");

        var id = NextId(ctx.State, ReceivableKeys.VoucherSequence, ReceivableKeys.VoucherId);
        var voucher = new Voucher(id, id, null, 0, issuer, args.Supplier, args.FaceFen, args.MaturityAt, args.ContractHash, args.InvoiceHash,
            args.MinSplitFen, VoucherStatus.Pending, ctx.BlockTime, ctx.BlockTime, args.Memo ?? "", []);
        ctx.State.Put(ReceivableKeys.Voucher(id), voucher);
        ctx.State.Put(ReceivableKeys.Invoice(args.InvoiceHash), new { voucherId = id });
        ctx.Emit("VoucherIssued", new { voucherId = id, issuer, supplier = args.Supplier, faceFen = args.FaceFen, maturityAt = args.MaturityAt });
        return new { voucherId = id };
    }

    /// <summary>The named supplier accepts: from now on the core enterprise owes the face amount at maturity.</summary>
    [ContractMethod("acceptIssue")]
    public object AcceptIssue(ContractContext ctx, VoucherArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        ContractContext.Require(v.Status == VoucherStatus.Pending, $"voucher {v.Id} is {v.Status}, not waiting for acceptance");
        RequireActsFor(ctx, v.Holder, "only the supplier the voucher was issued to may accept it");
        ContractContext.Require(ctx.BlockTime < v.MaturityAt, "the voucher has matured before acceptance");
        Put(ctx, v with { Status = VoucherStatus.Active });
        OpenObligations.Open(ctx.State, v.Issuer, ObligationKind, v.Id);
        ctx.Emit("VoucherAccepted", new { voucherId = v.Id, holder = v.Holder, faceFen = v.FaceFen });
        return new { voucherId = v.Id };
    }

    [ContractMethod("rejectIssue")]
    public object RejectIssue(ContractContext ctx, VoucherArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        ContractContext.Require(v.Status == VoucherStatus.Pending, $"voucher {v.Id} is {v.Status}, not waiting for acceptance");
        RequireActsFor(ctx, v.Holder, "only the supplier the voucher was issued to may reject it");
        Void(ctx, v, VoucherStatus.Rejected);
        return new { voucherId = v.Id };
    }

    /// <summary>The issuer withdraws a voucher the supplier has not accepted yet; after acceptance nothing revokes it.</summary>
    [ContractMethod("cancelIssue")]
    public object CancelIssue(ContractContext ctx, VoucherArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        RequireActsFor(ctx, v.Issuer, "only the issuer may cancel a voucher it issued");
        ContractContext.Require(v.Status == VoucherStatus.Pending, $"voucher {v.Id} is {v.Status}: an accepted voucher cannot be revoked");
        Void(ctx, v, VoucherStatus.Cancelled);
        return new { voucherId = v.Id };
    }

    private static void Void(ContractContext ctx, Voucher v, VoucherStatus status)
    {
        Put(ctx, v with { Status = status });
        // The invoice is free again: the payable can back a corrected voucher.
        ctx.State.Delete(ReceivableKeys.Invoice(v.InvoiceHash));
        ctx.Emit(status == VoucherStatus.Rejected ? "VoucherRejected" : "VoucherCancelled", new { voucherId = v.Id });
    }

    // ---- split and transfer ------------------------------------------------------------------------------------

    [ContractMethod("split")]
    public object Split(ContractContext ctx, SplitArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        RequireHolderMayMove(ctx, v, "split");
        ContractContext.Require(v.Depth < MaxDepth, $"a voucher is split at most {MaxDepth} levels deep");
        var amounts = args.Amounts ?? [];
        ContractContext.Require(amounts.Count is >= 2 and <= MaxParts, $"a split makes 2 to {MaxParts} parts");
        foreach (var amount in amounts)
        {
            ContractContext.Require(amount > 0 && amount <= v.FaceFen, "every part must be a positive number of fen, at most the face amount");
            ContractContext.Require(amount >= v.MinSplitFen, $"part of {amount} fen is below the minimum split amount of {v.MinSplitFen} fen");
        }
        // At most 20 parts, each at most the face amount (< 2^53): the sum cannot overflow a long.
        var sum = amounts.Sum();
        ContractContext.Require(sum == v.FaceFen, $"parts sum to {sum} fen, not the voucher's {v.FaceFen} fen");

        var children = new List<string>();
        foreach (var amount in amounts)
        {
            var id = NextId(ctx.State, ReceivableKeys.VoucherSequence, ReceivableKeys.VoucherId);
            ctx.State.Put(ReceivableKeys.Voucher(id), v with
            {
                Id = id, ParentId = v.Id, Depth = v.Depth + 1, FaceFen = amount, Status = VoucherStatus.Active,
                IssuedAt = ctx.BlockTime, UpdatedAt = ctx.BlockTime, Children = [],
            });
            children.Add(id);
        }
        Put(ctx, v with { Status = VoucherStatus.Split, Children = children });
        ctx.Emit("VoucherSplit", new { voucherId = v.Id, rootId = v.RootId, holder = v.Holder, parts = children, amounts });
        return new { parts = children };
    }

    /// <summary>
    /// Offers a voucher to one of the holder's suppliers. The voucher moves only when the receiver accepts (it must sign
    /// for what it takes as payment); until then it is frozen and the holder may cancel, the receiver decline.
    /// </summary>
    [ContractMethod("transfer")]
    public object Transfer(ContractContext ctx, TransferArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        RequireHolderMayMove(ctx, v, "transfer");
        RequireSupplier(ctx.State, args.To);
        ContractContext.Require(args.To != v.Holder, "the voucher is already held by that organisation");
        ContractContext.Require(args.To != v.Issuer, "a voucher cannot be transferred to its issuer");
        Put(ctx, v with { Status = VoucherStatus.Transferring, OfferedTo = args.To });
        ctx.Emit("VoucherOffered", new { voucherId = v.Id, rootId = v.RootId, from = v.Holder, to = args.To, faceFen = v.FaceFen });
        return new { voucherId = v.Id };
    }

    [ContractMethod("acceptTransfer")]
    public object AcceptTransfer(ContractContext ctx, VoucherArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        ContractContext.Require(v.Status == VoucherStatus.Transferring, $"voucher {v.Id} is {v.Status}, not offered");
        RequireActsFor(ctx, v.OfferedTo!, "only the organisation the voucher was offered to may accept it");
        ContractContext.Require(ctx.BlockTime < v.MaturityAt, "the voucher has matured: it is paid to its holder");
        Put(ctx, v with { Status = VoucherStatus.Active, Holder = v.OfferedTo!, OfferedTo = null });
        ctx.Emit("VoucherTransferred", new { voucherId = v.Id, rootId = v.RootId, from = v.Holder, to = v.OfferedTo, faceFen = v.FaceFen });
        return new { voucherId = v.Id };
    }

    [ContractMethod("declineTransfer")]
    public object DeclineTransfer(ContractContext ctx, VoucherArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        ContractContext.Require(v.Status == VoucherStatus.Transferring, $"voucher {v.Id} is {v.Status}, not offered");
        var receiver = ctx.Caller.OrganisationId == v.OfferedTo;
        ContractContext.Require(receiver || ctx.Caller.OrganisationId == v.Holder, "only the holder or the organisation it was offered to may withdraw an offer");
        RequireActsFor(ctx, ctx.Caller.OrganisationId, "");
        Put(ctx, v with { Status = VoucherStatus.Active, OfferedTo = null });
        ctx.Emit("VoucherOfferWithdrawn", new { voucherId = v.Id, by = ctx.Caller.OrganisationId, to = v.OfferedTo });
        return new { voucherId = v.Id };
    }

    // ---- financing ---------------------------------------------------------------------------------------------

    [ContractMethod("applyFinancing")]
    public object ApplyFinancing(ContractContext ctx, ApplyArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        RequireHolderMayMove(ctx, v, "finance");
        RequireOrganisation(ctx.State, args.Bank, Roles.Bank, "a bank");
        var id = NextId(ctx.State, ReceivableKeys.FinancingSequence, ReceivableKeys.FinancingId);
        var request = new FinancingRequest(id, v.Id, v.RootId, v.Holder, args.Bank, v.FaceFen, v.MaturityAt, FinancingStatus.Applied, ctx.BlockTime);
        ctx.State.Put(ReceivableKeys.Financing(id), request);
        Put(ctx, v with { PendingFinancing = id });
        ctx.Emit("FinancingApplied", new { requestId = id, voucherId = v.Id, holder = v.Holder, bank = args.Bank, faceFen = v.FaceFen });
        return new { requestId = id };
    }

    /// <summary>The bank quotes a yearly discount rate (basis points, 360-day year); it may quote again until accepted.</summary>
    [ContractMethod("quote")]
    public object Quote(ContractContext ctx, QuoteArgs args)
    {
        var r = GetRequest(ctx.State, args.RequestId);
        RequireBankOf(ctx, r);
        ContractContext.Require(r.Status is FinancingStatus.Applied or FinancingStatus.Quoted, $"financing request {r.Id} is {r.Status}");
        ContractContext.Require(args.DiscountBps is > 0 and <= MaxDiscountBps, $"discount rate must be 1..{MaxDiscountBps} basis points a year");
        ContractContext.Require(args.ValidUntil > ctx.BlockTime, "a quote must be valid into the future");
        ContractContext.Require(args.ValidUntil < r.MaturityAt, "a quote must expire before the voucher matures");
        var (days, proceeds) = Proceeds(r.FaceFen, args.DiscountBps, r.MaturityAt, ctx.BlockTime);
        ContractContext.Require(proceeds > 0, "the discount would take the whole face amount");
        ctx.State.Put(ReceivableKeys.Financing(r.Id), r with
        {
            Status = FinancingStatus.Quoted, DiscountBps = args.DiscountBps, QuotedAt = ctx.BlockTime, QuoteValidUntil = args.ValidUntil,
            QuotedProceedsFen = proceeds, Days = days,
        });
        ctx.Emit("FinancingQuoted", new { requestId = r.Id, voucherId = r.VoucherId, bank = r.Bank, holder = r.Holder, discountBps = args.DiscountBps, proceedsFen = proceeds });
        return new { requestId = r.Id, days, proceedsFen = proceeds };
    }

    [ContractMethod("declineFinancing")]
    public object DeclineFinancing(ContractContext ctx, RequestArgs args)
    {
        var r = GetRequest(ctx.State, args.RequestId);
        RequireBankOf(ctx, r);
        return Close(ctx, r, FinancingStatus.Declined, args.Note);
    }

    [ContractMethod("withdrawFinancing")]
    public object WithdrawFinancing(ContractContext ctx, RequestArgs args)
    {
        var r = GetRequest(ctx.State, args.RequestId);
        RequireActsFor(ctx, r.Holder, "only the applicant may withdraw a financing request");
        return Close(ctx, r, FinancingStatus.Withdrawn, args.Note);
    }

    private static object Close(ContractContext ctx, FinancingRequest r, FinancingStatus status, string? note)
    {
        ContractContext.Require(r.Status is FinancingStatus.Applied or FinancingStatus.Quoted, $"financing request {r.Id} is {r.Status}");
        ContractContext.Require((note ?? "").Length <= 256, "note is at most 256 characters");
        ctx.State.Put(ReceivableKeys.Financing(r.Id), r with { Status = status, Note = note });
        var v = Get(ctx.State, r.VoucherId);
        if (v.PendingFinancing == r.Id) Put(ctx, v with { PendingFinancing = null });
        ctx.Emit(status == FinancingStatus.Declined ? "FinancingDeclined" : "FinancingWithdrawn", new { requestId = r.Id, voucherId = r.VoucherId });
        return new { requestId = r.Id };
    }

    /// <summary>
    /// The holder accepts the quote: the bank pays the proceeds to the holder and the part is assigned to the bank, which
    /// the core enterprise pays at maturity. The holder's financed total must stay within its credit rating's limit.
    /// </summary>
    [ContractMethod("acceptQuote")]
    public object AcceptQuote(ContractContext ctx, RequestArgs args)
    {
        var r = GetRequest(ctx.State, args.RequestId);
        RequireActsFor(ctx, r.Holder, "only the applicant may accept a quote");
        ContractContext.Require(r.Status == FinancingStatus.Quoted, $"financing request {r.Id} is {r.Status}, not quoted");
        ContractContext.Require(ctx.BlockTime <= r.QuoteValidUntil, "the quote has expired");
        var v = Get(ctx.State, r.VoucherId);
        ContractContext.Require(v.FinancingId is null && v.Financier is null, $"voucher {v.Id} is already financed");
        ContractContext.Require(v.Status == VoucherStatus.Active && v.Holder == r.Holder && v.PendingFinancing == r.Id,
            $"voucher {v.Id} is {v.Status} and no longer available for this request");
        ContractContext.Require(ctx.BlockTime < v.MaturityAt, $"voucher {v.Id} is overdue");

        var limit = CreditEvents.FinancingLimitFen(ctx.State, r.Holder, ctx.BlockTime);
        var financed = ctx.State.GetInteger(ReceivableKeys.Financed(r.Holder));
        ContractContext.Require(financed + v.FaceFen <= limit,
            $"financing limit exceeded: {financed} fen already financed, limit {limit} fen from the credit rating");

        var (days, proceeds) = Proceeds(v.FaceFen, r.DiscountBps!.Value, v.MaturityAt, ctx.BlockTime);
        SettlementAccounts.Transfer(ctx.State, r.Bank, r.Holder, proceeds);
        ctx.State.PutInteger(ReceivableKeys.Financed(r.Holder), financed + v.FaceFen);
        ctx.State.Put(ReceivableKeys.Financing(r.Id), r with { Status = FinancingStatus.Financed, FinancedAt = ctx.BlockTime, Days = days, ProceedsFen = proceeds });
        Put(ctx, v with { Status = VoucherStatus.Financed, Financier = r.Bank, FinancingId = r.Id, PendingFinancing = null });
        ctx.Emit("VoucherFinanced", new { requestId = r.Id, voucherId = v.Id, rootId = v.RootId, holder = r.Holder, bank = r.Bank, faceFen = v.FaceFen, proceedsFen = proceeds, days });
        return new { requestId = r.Id, days, proceedsFen = proceeds };
    }

    /// <summary>
    /// Discounted proceeds P = F * (1 - d * days / 360), d in basis points a year. Days are whole days to maturity,
    /// rounded up (a started day is charged). The discount F * d * days / 3,600,000 is rounded half up to a fen, in
    /// 128-bit integers, and P = F - discount. A quote whose discount would take the whole face amount is refused.
    /// </summary>
    public static (long Days, long ProceedsFen) Proceeds(long faceFen, long discountBps, long maturityAt, long now)
    {
        var days = Math.Max(1, (maturityAt - now + DayMs - 1) / DayMs);
        var numerator = (Int128)faceFen * discountBps * days;
        var discount = (long)((numerator + 1_800_000) / 3_600_000);
        return (days, faceFen - discount);
    }

    // ---- maturity settlement -----------------------------------------------------------------------------------

    /// <summary>
    /// Pays matured root vouchers, each in full to the beneficiaries of its outstanding parts, from the issuer's account,
    /// in one transaction. Accepting a voucher made the issuer's payment at maturity a standing instruction, so any member
    /// acting for its business (the maturity job, the issuer, a holder) may trigger it once maturity has passed. Parts are
    /// paid in id order while money lasts; what is left unpaid is recorded as overdue and as a settlement default.
    /// </summary>
    [ContractMethod("settle")]
    public object Settle(ContractContext ctx, SettleArgs args)
    {
        ContractContext.Require(ctx.Caller.ActsForBusiness, "only a person acting for a member's business may settle vouchers");
        var ids = args.RootIds ?? [];
        ContractContext.Require(ids.Count is > 0 and <= MaxBatch, $"a settlement batch holds 1 to {MaxBatch} root vouchers");
        ContractContext.Require(ids.Distinct().Count() == ids.Count, "a root voucher is named twice in the batch");
        var reports = new List<SettlementReport>();
        foreach (var rootId in ids) reports.Add(SettleRoot(ctx, rootId));
        return new { settled = reports.Select(r => new { r.RootId, r.PaidFen, r.OverdueFen }) };
    }

    private static SettlementReport SettleRoot(ContractContext ctx, string rootId)
    {
        var root = Get(ctx.State, rootId);
        ContractContext.Require(root.ParentId is null, $"{rootId} is a part; settle its root {root.RootId}");
        ContractContext.Require(root.Status is not (VoucherStatus.Pending or VoucherStatus.Rejected or VoucherStatus.Cancelled),
            $"voucher {rootId} is {root.Status}: nothing is owed on it");
        ContractContext.Require(!ctx.State.Exists(ReceivableKeys.Report(rootId)), $"voucher {rootId} is already settled");
        ContractContext.Require(ctx.BlockTime >= root.MaturityAt, $"voucher {rootId} matures at {root.MaturityAt}, not yet");

        var lines = new List<SettlementLine>();
        foreach (var leaf in Leaves(ctx.State, root).Where(l => l.IsOutstandingLeaf).OrderBy(l => l.Id, StringComparer.Ordinal))
        {
            var available = SettlementAccounts.Balance(ctx.State, root.Issuer);
            var paid = leaf.Beneficiary == root.Issuer ? leaf.FaceFen : Math.Min(available, leaf.FaceFen);
            if (paid > 0 && leaf.Beneficiary != root.Issuer) SettlementAccounts.Transfer(ctx.State, root.Issuer, leaf.Beneficiary, paid);
            var overdue = leaf.FaceFen - paid;
            if (leaf.Financier is not null)
            {
                var key = ReceivableKeys.Financed(leaf.Holder);
                var left = ctx.State.GetInteger(key) - leaf.FaceFen;
                if (left == 0) ctx.State.Delete(key); else ctx.State.PutInteger(key, left);
            }
            if (leaf.PendingFinancing is { } pending)
            {
                var request = GetRequest(ctx.State, pending);
                ctx.State.Put(ReceivableKeys.Financing(pending), request with { Status = FinancingStatus.Withdrawn, Note = "matured before financing" });
            }
            var status = overdue == 0 ? VoucherStatus.Settled : VoucherStatus.Overdue;
            ctx.State.Put(ReceivableKeys.Voucher(leaf.Id), leaf with
            {
                Status = status, OfferedTo = null, PendingFinancing = null, PaidFen = paid, OverdueFen = overdue, SettledAt = ctx.BlockTime, UpdatedAt = ctx.BlockTime,
            });
            lines.Add(new SettlementLine(leaf.Id, leaf.Holder, leaf.Beneficiary, leaf.FaceFen, paid, overdue));
        }
        var due = lines.Sum(l => l.FaceFen);
        var paidTotal = lines.Sum(l => l.PaidFen);
        var report = new SettlementReport(rootId, root.Issuer, root.MaturityAt, ctx.BlockTime, ctx.TxId, due, paidTotal, due - paidTotal, lines);
        ctx.State.Put(ReceivableKeys.Report(rootId), report);
        if (root.Status == VoucherStatus.Split)
            ctx.State.Put(ReceivableKeys.Voucher(rootId), Get(ctx.State, rootId) with { SettledAt = ctx.BlockTime, PaidFen = paidTotal, OverdueFen = due - paidTotal });
        if (report.OverdueFen == 0)
            OpenObligations.Close(ctx.State, root.Issuer, ObligationKind, rootId);
        else
            CreditEvents.Record(ctx.State, root.Issuer, CreditEventKind.SettlementDefault, report.OverdueFen, $"receivable {rootId} unpaid at maturity", ctx.BlockTime, ctx.Caller.CertificateId);
        ctx.Emit("VouchersSettled", new { rootId, issuer = root.Issuer, dueFen = due, paidFen = paidTotal, overdueFen = report.OverdueFen,
            paid = lines.Select(l => new { voucherId = l.VoucherId, beneficiary = l.Beneficiary, paidFen = l.PaidFen }) });
        return report;
    }

    /// <summary>
    /// The issuer pays what a part was left owing at maturity, in full, to the same beneficiary. It is recorded as a late
    /// payment of the issuer (days late, rounded up); when every part of the root is paid the issuer's obligation closes.
    /// </summary>
    [ContractMethod("payOverdue")]
    public object PayOverdue(ContractContext ctx, VoucherArgs args)
    {
        var v = Get(ctx.State, args.VoucherId);
        RequireActsFor(ctx, v.Issuer, "only the issuer pays an overdue voucher");
        ContractContext.Require(v.Status == VoucherStatus.Overdue, $"voucher {v.Id} is {v.Status}, not overdue");
        var amount = v.OverdueFen;
        SettlementAccounts.Transfer(ctx.State, v.Issuer, v.Beneficiary, amount);
        ctx.State.Put(ReceivableKeys.Voucher(v.Id), v with { Status = VoucherStatus.Settled, PaidFen = v.FaceFen, OverdueFen = 0, UpdatedAt = ctx.BlockTime });
        var daysLate = Math.Clamp((ctx.BlockTime - v.MaturityAt + DayMs - 1) / DayMs, 1, 3_650);
        CreditEvents.Record(ctx.State, v.Issuer, CreditEventKind.LatePayment, daysLate, $"receivable {v.Id} paid {daysLate} day(s) late", ctx.BlockTime, ctx.Caller.CertificateId);
        var root = Get(ctx.State, v.RootId);
        if (Leaves(ctx.State, root).All(l => l.Status != VoucherStatus.Overdue))
            OpenObligations.Close(ctx.State, v.Issuer, ObligationKind, v.RootId);
        ctx.Emit("OverduePaid", new { voucherId = v.Id, rootId = v.RootId, beneficiary = v.Beneficiary, amountFen = amount, daysLate });
        return new { voucherId = v.Id, paidFen = amount, daysLate };
    }

    /// <summary>Every part of a root that has not been split further (the root itself if it never was).</summary>
    public static IEnumerable<Voucher> Leaves(ContractState state, Voucher root)
    {
        var stack = new Stack<Voucher>([root]);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            if (v.Children.Count == 0) { yield return v; continue; }
            foreach (var child in v.Children) stack.Push(Get(state, child));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    public static Voucher Get(ContractState state, string id) =>
        state.Get<Voucher>(ReceivableKeys.Voucher(id ?? "")) ?? throw new ContractException($"voucher \"{id}\" does not exist");

    private static FinancingRequest GetRequest(ContractState state, string id) =>
        state.Get<FinancingRequest>(ReceivableKeys.Financing(id ?? "")) ?? throw new ContractException($"financing request \"{id}\" does not exist");

    private static void Put(ContractContext ctx, Voucher v) => ctx.State.Put(ReceivableKeys.Voucher(v.Id), v with { UpdatedAt = ctx.BlockTime });

    /// <summary>Split, transfer and financing need the holder, a part that is free (active, not matured, no open application).</summary>
    private static void RequireHolderMayMove(ContractContext ctx, Voucher v, string action)
    {
        RequireActsFor(ctx, v.Holder, $"only the holder of voucher {v.Id} may {action} it");
        ContractContext.Require(v.Status != VoucherStatus.Financed, $"voucher {v.Id} is pledged to {v.Financier}: it cannot be split, transferred or financed again");
        ContractContext.Require(v.Status == VoucherStatus.Active, $"voucher {v.Id} is {v.Status}, not available to {action}");
        ContractContext.Require(v.PendingFinancing is null, $"voucher {v.Id} has an open financing request {v.PendingFinancing}");
        ContractContext.Require(ctx.BlockTime < v.MaturityAt, $"voucher {v.Id} is overdue (matured)");
    }

    /// <summary>The caller is a person of the organisation, acting in one of its business roles (not admin or regulator alone).</summary>
    private static void RequireActsFor(ContractContext ctx, string organisationId, string message)
    {
        ContractContext.Require(ctx.Caller.OrganisationId == organisationId, message);
        ContractContext.Require(ctx.Caller.ActsForBusiness, "only a person holding one of the organisation's business roles may commit it");
    }

    private static void RequireBankOf(ContractContext ctx, FinancingRequest r)
    {
        ContractContext.Require(ctx.Caller.OrganisationId == r.Bank, $"only {r.Bank}, the bank applied to, may answer this request");
        ctx.RequireRole(Roles.Bank);
    }

    private static void RequireSupplier(ContractState state, string organisationId) =>
        RequireOrganisation(state, organisationId, Roles.Supplier, "a supplier");

    private static void RequireOrganisation(ContractState state, string organisationId, string role, string what)
    {
        var org = state.Get<Organisation>(MembershipContract.Keys.Organisation(organisationId ?? ""))
            ?? throw new ContractException($"organisation \"{organisationId}\" is not a member");
        ContractContext.Require(org.Roles.Contains(role), $"organisation \"{organisationId}\" is not {what}");
    }

    private static void RequireHash(string hash, string what) =>
        ContractContext.Require(hash is { Length: 64 } && hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')),
            $"the {what} hash must be an SM3 hash: 64 lower-case hex digits");

    private static string NextId(ContractState state, string sequenceKey, Func<long, string> format)
    {
        var seq = state.GetInteger(sequenceKey) + 1;
        state.PutInteger(sequenceKey, seq);
        return format(seq);
    }
}
