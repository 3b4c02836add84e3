using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Contracts.Settlement;

namespace ConsortiumPortal.Contracts.Vouchers;

/// <summary>
/// The exchange: limit orders matched continuously inside the contract with price-time priority (best price first, then
/// the earlier order; a fill is at the resting order's price), and bilateral deals (the seller proposes to a named buyer,
/// the buyer accepts). Every fill is delivery-versus-payment in one transaction: the serials move to the buyer and the
/// money to the seller through <see cref="SettlementAccounts"/>, or neither does.
/// <para>A sell order locks its range (Listed) until filled or cancelled. A buy order is paid as it fills: a resting buy
/// whose buyer can no longer pay is cancelled when a seller reaches it. Province rule: an obligated entity whose
/// completion is below its province's minimum for the year buys only vouchers of its own province.</para>
/// </summary>
public sealed partial class VoucherContract
{
    public const string OrderObligation = "voucher-order";
    public const string DealObligation = "voucher-deal";

    /// <summary>Bounds the work one order can do; a larger order rests and fills with later orders.</summary>
    public const int MaxFillsPerOrder = 200;

    public sealed record PlaceSellArgs(string RangeId, long Start, long End, long PriceFen);
    public sealed record PlaceBuyArgs(long Quantity, long PriceFen, string? VoucherClass);
    public sealed record OrderArgs(string OrderId);
    public sealed record ProposeDealArgs(string RangeId, long Start, long End, string Buyer, long PriceFen);
    public sealed record DealArgs(string DealId);

    [ContractMethod("placeSell")]
    public object PlaceSell(ContractContext ctx, PlaceSellArgs args)
    {
        RequirePrice(args.PriceFen);
        var range = RequireMovable(ctx, args.RangeId);
        var seq = VoucherState.NextSequence(ctx.State, VoucherState.OrderSeqKey);
        var id = VoucherState.OrderId(seq);
        var listed = Carve(ctx, range, args.Start, args.End, range.Owner, RangeStatuses.Listed, "listed", id);
        var order = new VoucherOrder(id, OrderSides.Sell, range.Owner, args.PriceFen, listed.Quantity, listed.Quantity, range.VoucherClass,
            range.Province, listed.Id, OrderStatuses.Open, seq, ctx.BlockTime, ctx.Caller.CertificateId, ctx.TxId, null);
        OpenObligations.Open(ctx.State, order.Owner, OrderObligation, id);
        ctx.Emit("OrderPlaced", new { orderId = id, side = order.Side, owner = order.Owner, priceFen = order.PriceFen, quantity = order.Quantity });
        order = MatchSell(ctx, order);
        Rest(ctx, order);
        return new { orderId = id, filled = order.Quantity - order.Remaining, remaining = order.Remaining, status = order.Status };
    }

    [ContractMethod("placeBuy")]
    public object PlaceBuy(ContractContext ctx, PlaceBuyArgs args)
    {
        RequirePrice(args.PriceFen);
        ContractContext.Require(ctx.Caller.ActsForBusiness, "only a person acting for the organisation's business places orders");
        ContractContext.Require(args.Quantity is > 0 and <= 10_000_000, "quantity must be 1..10,000,000 MWh");
        ContractContext.Require(args.VoucherClass is null || VoucherClasses.All.Contains(args.VoucherClass), "class is hydro, non-hydro or any");
        var buyer = ctx.Caller.OrganisationId;
        var cost = checked(args.Quantity * args.PriceFen);
        var balance = SettlementAccounts.Balance(ctx.State, buyer);
        ContractContext.Require(balance >= cost, $"insufficient funds for the order: balance {balance} fen, needed {cost} fen");
        var seq = VoucherState.NextSequence(ctx.State, VoucherState.OrderSeqKey);
        var id = VoucherState.OrderId(seq);
        var order = new VoucherOrder(id, OrderSides.Buy, buyer, args.PriceFen, args.Quantity, args.Quantity, args.VoucherClass, null, null,
            OrderStatuses.Open, seq, ctx.BlockTime, ctx.Caller.CertificateId, ctx.TxId, null);
        OpenObligations.Open(ctx.State, buyer, OrderObligation, id);
        ctx.Emit("OrderPlaced", new { orderId = id, side = order.Side, owner = buyer, priceFen = order.PriceFen, quantity = order.Quantity });
        order = MatchBuy(ctx, order);
        Rest(ctx, order);
        return new { orderId = id, filled = order.Quantity - order.Remaining, remaining = order.Remaining, status = order.Status };
    }

    [ContractMethod("cancelOrder")]
    public object CancelOrder(ContractContext ctx, OrderArgs args)
    {
        var order = ctx.State.Get<VoucherOrder>(VoucherState.OrderKey(args.OrderId)) ?? throw new ContractException($"order \"{args.OrderId}\" does not exist");
        ContractContext.Require(order.Owner == ctx.Caller.OrganisationId && ctx.Caller.ActsForBusiness, "only the organisation that placed an order cancels it");
        ContractContext.Require(order.Status == OrderStatuses.Open, $"order \"{order.Id}\" is {order.Status}");
        if (order.RangeId is { } rangeId)
        {
            var range = GetRange(ctx, rangeId);
            VoucherState.Save(ctx.State, range with { Status = RangeStatuses.Active, LockedBy = null, ChangedTxId = ctx.TxId });
        }
        Close(ctx, order with { Status = OrderStatuses.Cancelled, CancelReason = "cancelled by the owner" });
        ctx.Emit("OrderCancelled", new { orderId = order.Id, remaining = order.Remaining });
        return new { orderId = order.Id };
    }

    [ContractMethod("proposeDeal")]
    public object ProposeDeal(ContractContext ctx, ProposeDealArgs args)
    {
        RequirePrice(args.PriceFen);
        var range = RequireMovable(ctx, args.RangeId);
        ContractContext.Require(args.Buyer != range.Owner, "a deal is with another organisation");
        SettlementAccounts.RequireMember(ctx.State, args.Buyer);
        var id = VoucherState.DealId(VoucherState.NextSequence(ctx.State, VoucherState.DealSeqKey));
        var listed = Carve(ctx, range, args.Start, args.End, range.Owner, RangeStatuses.Listed, "listed", id);
        var deal = new VoucherDeal(id, range.Owner, args.Buyer, listed.Id, args.PriceFen, listed.Quantity, DealStatuses.Proposed,
            ctx.BlockTime, ctx.Caller.CertificateId, ctx.TxId, null, null);
        ctx.State.Put(VoucherState.DealKey(id), deal);
        OpenObligations.Open(ctx.State, deal.Seller, DealObligation, id);
        ctx.Emit("DealProposed", new { dealId = id, seller = deal.Seller, buyer = deal.Buyer, quantity = deal.Quantity, priceFen = deal.PriceFen });
        return new { dealId = id, rangeId = listed.Id };
    }

    [ContractMethod("acceptDeal")]
    public object AcceptDeal(ContractContext ctx, DealArgs args)
    {
        var deal = GetDeal(ctx, args.DealId);
        ContractContext.Require(deal.Buyer == ctx.Caller.OrganisationId && ctx.Caller.ActsForBusiness, "only the named buyer accepts a deal");
        var range = GetRange(ctx, deal.RangeId);
        ContractContext.Require(ctx.BlockTime < range.ExpiresAt, $"range \"{range.Id}\" expired at {range.ExpiresAt}");
        ContractContext.Require(ProvinceAllowed(ctx, deal.Buyer, range.Province),
            $"{deal.Buyer} is below its minimum quota and may buy only vouchers of its own province, not {range.Province}");
        var amount = checked(deal.Quantity * deal.PriceFen);
        var delivered = Carve(ctx, range, range.Start, range.End, deal.Buyer, RangeStatuses.Active, "deal", null);
        SettlementAccounts.Transfer(ctx.State, deal.Buyer, deal.Seller, amount);
        RecordTrade(ctx, deal.Buyer, deal.Seller, null, null, deal.Id, delivered, deal.PriceFen);
        ctx.State.Put(VoucherState.DealKey(deal.Id), deal with { Status = DealStatuses.Accepted, ClosedBy = ctx.Caller.CertificateId, CloseTxId = ctx.TxId });
        OpenObligations.Close(ctx.State, deal.Seller, DealObligation, deal.Id);
        ctx.Emit("DealAccepted", new { dealId = deal.Id, rangeId = delivered.Id, amountFen = amount });
        return new { dealId = deal.Id, rangeId = delivered.Id, amountFen = amount };
    }

    /// <summary>The buyer declines or the seller withdraws: the range is unlocked, nothing is paid.</summary>
    [ContractMethod("closeDeal")]
    public object CloseDeal(ContractContext ctx, DealArgs args)
    {
        var deal = GetDeal(ctx, args.DealId);
        var caller = ctx.Caller.OrganisationId;
        ContractContext.Require((caller == deal.Buyer || caller == deal.Seller) && ctx.Caller.ActsForBusiness, "only the buyer or the seller closes a deal");
        var range = GetRange(ctx, deal.RangeId);
        VoucherState.Save(ctx.State, range with { Status = RangeStatuses.Active, LockedBy = null, ChangedTxId = ctx.TxId });
        var status = caller == deal.Buyer ? DealStatuses.Declined : DealStatuses.Withdrawn;
        ctx.State.Put(VoucherState.DealKey(deal.Id), deal with { Status = status, ClosedBy = ctx.Caller.CertificateId, CloseTxId = ctx.TxId });
        OpenObligations.Close(ctx.State, deal.Seller, DealObligation, deal.Id);
        ctx.Emit("DealClosed", new { dealId = deal.Id, status });
        return new { dealId = deal.Id, status };
    }

    // ---- matching -------------------------------------------------------------------------------------------

    private static VoucherOrder MatchSell(ContractContext ctx, VoucherOrder sell)
    {
        var fills = 0;
        foreach (var (_, buyId) in ctx.State.Scan<string>(VoucherState.BookSidePrefix(OrderSides.Buy)).ToList())
        {
            if (sell.Remaining == 0 || fills >= MaxFillsPerOrder) break;
            var buy = ctx.State.Get<VoucherOrder>(VoucherState.OrderKey(buyId))!;
            if (buy.PriceFen < sell.PriceFen) break;
            if (!Compatible(ctx, buy, sell)) continue;
            var affordable = SettlementAccounts.Balance(ctx.State, buy.Owner) / buy.PriceFen;
            var quantity = Math.Min(Math.Min(buy.Remaining, sell.Remaining), affordable);
            if (quantity == 0)
            {
                Close(ctx, buy with { Status = OrderStatuses.Cancelled, CancelReason = "insufficient funds when matched" });
                ctx.Emit("OrderCancelled", new { orderId = buy.Id, remaining = buy.Remaining });
                continue;
            }
            (buy, sell) = Fill(ctx, buy, sell, quantity, buy.PriceFen);
            Store(ctx, buy);
            fills++;
        }
        return sell;
    }

    private static VoucherOrder MatchBuy(ContractContext ctx, VoucherOrder buy)
    {
        var fills = 0;
        foreach (var (_, sellId) in ctx.State.Scan<string>(VoucherState.BookSidePrefix(OrderSides.Sell)).ToList())
        {
            if (buy.Remaining == 0 || fills >= MaxFillsPerOrder) break;
            var sell = ctx.State.Get<VoucherOrder>(VoucherState.OrderKey(sellId))!;
            if (sell.PriceFen > buy.PriceFen) break;
            if (!Compatible(ctx, buy, sell)) continue;
            var range = GetRange(ctx, sell.RangeId!);
            if (range.ExpiresAt <= ctx.BlockTime)
            {
                // An expired offer leaves the book; the range stays with its owner for the expiry job to mark.
                VoucherState.Save(ctx.State, range with { Status = RangeStatuses.Active, LockedBy = null, ChangedTxId = ctx.TxId });
                Close(ctx, sell with { Status = OrderStatuses.Cancelled, CancelReason = "expired" });
                continue;
            }
            // The taker was checked for qty x limit at placement and pays at most its limit, so it can always pay.
            (buy, sell) = Fill(ctx, buy, sell, Math.Min(buy.Remaining, sell.Remaining), sell.PriceFen);
            Store(ctx, sell);
            fills++;
        }
        return buy;
    }

    private static bool Compatible(ContractContext ctx, VoucherOrder buy, VoucherOrder sell) =>
        buy.Owner != sell.Owner
        && (buy.VoucherClass is null || buy.VoucherClass == sell.VoucherClass)
        && ProvinceAllowed(ctx, buy.Owner, sell.Province!);

    private static (VoucherOrder Buy, VoucherOrder Sell) Fill(ContractContext ctx, VoucherOrder buy, VoucherOrder sell, long quantity, long price)
    {
        var range = GetRange(ctx, sell.RangeId!);
        ContractContext.Require(range.Status == RangeStatuses.Listed && range.LockedBy == sell.Id, $"range \"{range.Id}\" is not listed by order \"{sell.Id}\"");
        var (delivered, rest) = CarveWithRest(ctx, range, range.Start, range.Start + quantity, buy.Owner, RangeStatuses.Active, "trade", null);
        SettlementAccounts.Transfer(ctx.State, buy.Owner, sell.Owner, checked(quantity * price));
        RecordTrade(ctx, buy.Owner, sell.Owner, buy.Id, sell.Id, null, delivered, price);
        buy = buy with { Remaining = buy.Remaining - quantity };
        sell = sell with { Remaining = sell.Remaining - quantity, RangeId = rest?.Id ?? sell.RangeId };
        if (buy.Remaining == 0) buy = buy with { Status = OrderStatuses.Filled };
        if (sell.Remaining == 0) sell = sell with { Status = OrderStatuses.Filled };
        return (buy, sell);
    }

    private static void RecordTrade(ContractContext ctx, string buyer, string seller, string? buyOrder, string? sellOrder, string? deal, VoucherRange delivered, long price)
    {
        var id = VoucherState.TradeId(VoucherState.NextSequence(ctx.State, VoucherState.TradeSeqKey));
        var trade = new VoucherTrade(id, buyer, seller, buyOrder, sellOrder, deal, delivered.Id, delivered.IssuanceId, delivered.Start, delivered.End,
            price, checked(delivered.Quantity * price), delivered.VoucherClass, delivered.Province, ctx.BlockTime, ctx.TxId);
        ctx.State.Put(VoucherState.TradeKey(id), trade);
        ctx.State.Put(VoucherState.TradeByRangeKey(delivered.Id), id); // the trace finds a range's trade without scanning trades
        ctx.Emit("TradeExecuted", new { tradeId = id, buyer, seller, rangeId = delivered.Id, quantity = delivered.Quantity, priceFen = price, amountFen = trade.AmountFen });
    }

    /// <summary>Puts a just-placed order in the book if anything is left, or closes it.</summary>
    private static void Rest(ContractContext ctx, VoucherOrder order)
    {
        if (order.Status == OrderStatuses.Open) Store(ctx, order);
        else Close(ctx, order);
    }

    /// <summary>Writes an order: in the book while open, out of it (obligation closed) once filled or cancelled.</summary>
    private static void Store(ContractContext ctx, VoucherOrder order)
    {
        if (order.Status != OrderStatuses.Open) { Close(ctx, order); return; }
        ctx.State.Put(VoucherState.OrderKey(order.Id), order);
        ctx.State.Put(VoucherState.BookKey(order.Side, order.PriceFen, order.Sequence), order.Id);
    }

    private static void Close(ContractContext ctx, VoucherOrder order)
    {
        ctx.State.Put(VoucherState.OrderKey(order.Id), order);
        ctx.State.Delete(VoucherState.BookKey(order.Side, order.PriceFen, order.Sequence));
        if (OpenObligations.IsOpen(ctx.State, order.Owner, OrderObligation, order.Id)) OpenObligations.Close(ctx.State, order.Owner, OrderObligation, order.Id);
    }

    /// <summary>Cancels whatever locks a range that is expiring (an order or a deal); the caller saves the range.</summary>
    private static void ReleaseLock(ContractContext ctx, VoucherRange range, string reason)
    {
        if (range.LockedBy is not { } id) return;
        if (ctx.State.Get<VoucherOrder>(VoucherState.OrderKey(id)) is { Status: OrderStatuses.Open } order)
            Close(ctx, order with { Status = OrderStatuses.Cancelled, CancelReason = reason });
        else if (ctx.State.Get<VoucherDeal>(VoucherState.DealKey(id)) is { Status: DealStatuses.Proposed } deal)
        {
            ctx.State.Put(VoucherState.DealKey(id), deal with { Status = DealStatuses.Withdrawn, ClosedBy = "expiry", CloseTxId = ctx.TxId });
            OpenObligations.Close(ctx.State, deal.Seller, DealObligation, id);
        }
    }

    private static VoucherDeal GetDeal(ContractContext ctx, string dealId)
    {
        var deal = ctx.State.Get<VoucherDeal>(VoucherState.DealKey(dealId)) ?? throw new ContractException($"deal \"{dealId}\" does not exist");
        ContractContext.Require(deal.Status == DealStatuses.Proposed, $"deal \"{dealId}\" is {deal.Status}");
        return deal;
    }

    private static void RequirePrice(long priceFen) =>
        ContractContext.Require(priceFen is > 0 and <= 100_000_000, "price must be 1..100,000,000 fen per MWh");

    /// <summary>The province rule: an obligated entity below its province's minimum for the year buys only in its own province.</summary>
    internal static bool ProvinceAllowed(ContractContext ctx, string buyer, string voucherProvince)
    {
        var year = VoucherState.YearOf(ctx.BlockTime);
        if (ctx.State.Get<EntityConsumption>(VoucherState.ConsumptionKey(buyer, year)) is not { } consumption) return true;
        if (consumption.Province == voucherProvince) return true;
        var policy = ctx.State.Get<QuotaPolicy>(VoucherState.PolicyKey(consumption.Province, year));
        if (policy is null) return true;
        return QuotaCompletion.Compute(consumption, ctx.State.GetInteger(VoucherState.RetiredTotalKey(buyer, year, "total")),
            ctx.State.GetInteger(VoucherState.RetiredTotalKey(buyer, year, VoucherClasses.NonHydro)), policy).Meets;
    }
}
