using System.Globalization;
using ConsortiumPortal.Chain.Storage;
using Microsoft.Data.Sqlite;

namespace ConsortiumPortal.Contracts.Vouchers;

public sealed record HoldingQuery(string Owner, string? Status = null, string? VoucherClass = null, string SortBy = "id", bool Descending = false, int Skip = 0, int Take = 25);

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>One step in a serial's history: the transaction that created or changed a range holding it.</summary>
public sealed record TraceStep(long At, string TxId, string Kind, string RangeId, long Start, long End, string Owner, string? Counterparty, string? Detail);

public sealed record SerialTrace(long Serial, string Code, VoucherIssuance Issuance, string CurrentRangeId, string CurrentStatus, string CurrentOwner, IReadOnlyList<TraceStep> Steps);

public sealed record DepthLevel(long PriceFen, long Quantity, int Orders);

public sealed record OrderBook(IReadOnlyList<DepthLevel> Bids, IReadOnlyList<DepthLevel> Asks);

public sealed record VoucherStatistic(string Province, string Technology, string Month, long IssuedMWh, int Issuances);

/// <summary>
/// Read side of the vouchers, over committed world state: pages, the API, jobs and the benchmark use the same queries.
/// Paged lists are SQL over the state table (key ranges plus json_extract on the canonical JSON), so a page costs the
/// same however much an organisation holds; everything else follows the contract's key layout (<see cref="VoucherState"/>).
/// </summary>
public sealed class VoucherReadModel(LedgerStore store)
{
    public Page<HoldingEntry> Holdings(HoldingQuery q)
    {
        var filters = new List<string>();
        var parameters = new List<(string, string)>();
        if (q.Status is not null) { filters.Add("json_extract(value, '$.status') = $status"); parameters.Add(("$status", q.Status)); }
        if (q.VoucherClass is not null) { filters.Add("json_extract(value, '$.voucherClass') = $class"); parameters.Add(("$class", q.VoucherClass)); }
        var order = q.SortBy switch
        {
            "quantity" => "json_extract(value, '$.end') - json_extract(value, '$.start')",
            "expiresAt" => "json_extract(value, '$.expiresAt')",
            "periodStart" => "json_extract(value, '$.periodStart')",
            "province" => "json_extract(value, '$.province')",
            _ => "key",
        } + (q.Descending ? " DESC" : "") + ", key";
        return Query<HoldingEntry>(VoucherState.HoldingPrefixOf(q.Owner), filters.Count == 0 ? null : string.Join(" AND ", filters), parameters, order, q.Skip, q.Take);
    }

    /// <summary>Quantity an organisation holds per status.</summary>
    public IReadOnlyDictionary<string, long> HoldingTotals(string owner)
    {
        using var connection = store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT json_extract(value, '$.status'), SUM(json_extract(value, '$.end') - json_extract(value, '$.start')) FROM state WHERE key >= $lo AND key < $hi GROUP BY 1";
        cmd.Parameters.AddWithValue("$lo", VoucherState.HoldingPrefixOf(owner));
        cmd.Parameters.AddWithValue("$hi", UpperBound(VoucherState.HoldingPrefixOf(owner)));
        using var reader = cmd.ExecuteReader();
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read()) totals[reader.GetString(0)] = reader.GetInt64(1);
        return totals;
    }

    /// <summary>The issuance a serial belongs to: the one with the largest first serial at or below it.</summary>
    public VoucherIssuance? IssuanceOf(long serial)
    {
        using var connection = store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT value FROM state WHERE key >= $lo AND key <= $key ORDER BY key DESC LIMIT 1";
        cmd.Parameters.AddWithValue("$lo", VoucherState.SerialIndexPrefix);
        cmd.Parameters.AddWithValue("$key", VoucherState.SerialIndexKey(serial));
        if (cmd.ExecuteScalar() is not string json) return null;
        var issuance = VoucherState.Issuance(store, VoucherState.Parse<string>(json));
        return issuance is not null && serial < issuance.FirstSerial + issuance.Quantity ? issuance : null;
    }

    /// <summary>Everything that happened to one serial: issuance, every split, transfer, listing, trade, retirement or expiry.</summary>
    public SerialTrace? Trace(long serial)
    {
        if (IssuanceOf(serial) is not { } issuance) return null;
        var ranges = VoucherState.ReadAll<VoucherRange>(store, VoucherState.LineagePrefix(issuance.Id))
            .Where(r => r.Start <= serial && serial < r.End).ToList();
        var byId = ranges.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var steps = new List<TraceStep>();
        foreach (var r in ranges)
        {
            var parentOwner = r.ParentId is { } p && byId.TryGetValue(p, out var parent) ? parent.Owner : null;
            string? detail = null;
            if (r.Origin is "trade" or "deal" && store.Get(VoucherState.TradeByRangeKey(r.Id)) is { } tradeJson
                && VoucherState.Read<VoucherTrade>(store, VoucherState.TradeKey(VoucherState.Parse<string>(tradeJson))) is { } trade)
                detail = $"{trade.Id}: {trade.Quantity} MWh at {trade.PriceFen} fen/MWh";
            if (r.Origin == "issued") detail = $"meter {issuance.MeterId}, {issuance.Technology}, {issuance.Province}, {issuance.Source}";
            if (r.Origin == "retired" && VoucherState.Read<VoucherRetirement>(store, VoucherState.RetirementKey(r.Id)) is { } retirement)
                detail = $"{retirement.Purpose} {retirement.Year}: {retirement.Beneficiary} ({retirement.Reason})";
            // A split only re-cuts the holder's range; it is part of the history but not a change of hands.
            var counterparty = r.Origin is "transfer" or "trade" or "deal" ? parentOwner : null;
            steps.Add(new TraceStep(r.CreatedAt, r.TxId, r.Origin, r.Id, r.Start, r.End, r.Owner, counterparty, detail));
            if (r.Status == RangeStatuses.Expired && r.ChangedTxId is { } expiredTx)
                steps.Add(new TraceStep(r.ExpiresAt, expiredTx, "expired", r.Id, r.Start, r.End, r.Owner, null, null));
        }
        var current = ranges.Single(r => r.Status != RangeStatuses.Closed);
        return new SerialTrace(serial, VoucherState.SerialCode(serial), issuance, current.Id, current.Status, current.Owner, steps);
    }

    public OrderBook Book(string? voucherClass = null, int levels = 20)
    {
        List<DepthLevel> Side(string side) => VoucherState.ReadAll<string>(store, VoucherState.BookSidePrefix(side))
            .Select(id => VoucherState.Read<VoucherOrder>(store, VoucherState.OrderKey(id))!)
            .Where(o => voucherClass is null || o.VoucherClass is null || o.VoucherClass == voucherClass)
            .GroupBy(o => o.PriceFen).Select(g => new DepthLevel(g.Key, g.Sum(o => o.Remaining), g.Count())).Take(levels).ToList();
        return new OrderBook(Side(OrderSides.Buy), Side(OrderSides.Sell));
    }

    public IReadOnlyList<VoucherOrder> OrdersOf(string owner, bool openOnly) =>
        Query<VoucherOrder>(VoucherState.OrderPrefix, "json_extract(value, '$.owner') = $a" + (openOnly ? " AND json_extract(value, '$.status') = 'open'" : ""),
            [("$a", owner)], "key DESC", 0, 200).Items;

    /// <summary>Trades newest first: all of them, or those an organisation was a party to.</summary>
    public Page<VoucherTrade> Trades(string? party, int skip, int take) =>
        Query<VoucherTrade>(VoucherState.TradePrefix, party is null ? null : "(json_extract(value, '$.buyer') = $a OR json_extract(value, '$.seller') = $a)",
            party is null ? [] : [("$a", party)], "key DESC", skip, take);

    public IReadOnlyList<VoucherDeal> DealsOf(string organisation) =>
        Query<VoucherDeal>(VoucherState.DealPrefix, "(json_extract(value, '$.buyer') = $a OR json_extract(value, '$.seller') = $a)", [("$a", organisation)], "key DESC", 0, 200).Items;

    public IReadOnlyList<VoucherStatistic> Statistics() =>
        VoucherState.ReadAll<VoucherIssuance>(store, VoucherState.IssuancePrefix)
            .GroupBy(i => (i.Province, i.Technology, Month: DateTimeOffset.FromUnixTimeMilliseconds(i.PeriodStart).UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)))
            .Select(g => new VoucherStatistic(g.Key.Province, g.Key.Technology, g.Key.Month, g.Sum(i => i.Quantity), g.Count()))
            .OrderBy(s => s.Month, StringComparer.Ordinal).ThenBy(s => s.Province, StringComparer.Ordinal).ThenBy(s => s.Technology, StringComparer.Ordinal).ToList();

    /// <summary>Completion of every entity with reported consumption in a year (optionally of one province), worst first.</summary>
    public IReadOnlyList<QuotaResult> Quota(int year, string? province = null) =>
        VoucherState.ReadAll<EntityConsumption>(store, $"{VoucherState.ConsumptionPrefix}{year}/")
            .Where(c => province is null || c.Province == province)
            .Select(c => QuotaCompletion.Compute(c, VoucherState.RetiredTotal(store, c.OrganisationId, year, "total"),
                VoucherState.RetiredTotal(store, c.OrganisationId, year, VoucherClasses.NonHydro),
                VoucherState.Read<QuotaPolicy>(store, VoucherState.PolicyKey(c.Province, year))))
            .OrderBy(r => r.TotalCompletionBp).ThenBy(r => r.OrganisationId, StringComparer.Ordinal).ToList();

    public IReadOnlyList<QuotaPolicy> Policies(int year) => VoucherState.ReadAll<QuotaPolicy>(store, $"{VoucherState.PolicyPrefix}{year}/").ToList();

    /// <summary>Ranges whose expiry has passed and that could still move: what the expiry job marks.</summary>
    public IReadOnlyList<string> DueForExpiry(long now, int max)
    {
        using var connection = store.OpenReader();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT key FROM state WHERE key >= $lo AND key <= $hi ORDER BY key LIMIT $max";
        cmd.Parameters.AddWithValue("$lo", VoucherState.ExpiryPrefix);
        cmd.Parameters.AddWithValue("$hi", VoucherState.ExpiryPrefix + now.ToString("D13", CultureInfo.InvariantCulture) + "/\uffff");
        cmd.Parameters.AddWithValue("$max", max);
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) { var key = reader.GetString(0); ids.Add(key[(key.LastIndexOf('/') + 1)..]); }
        return ids;
    }

    /// <summary>One page of the rows under a prefix, filtered and ordered in SQL, with the count of all that match.</summary>
    private Page<T> Query<T>(string prefix, string? filter, IReadOnlyList<(string Name, string Value)> parameters, string order, int skip, int take)
    {
        using var connection = store.OpenReader();
        var where = "key >= $lo AND key < $hi" + (filter is null ? "" : " AND " + filter);
        void Bind(SqliteCommand cmd)
        {
            cmd.Parameters.AddWithValue("$lo", prefix);
            cmd.Parameters.AddWithValue("$hi", UpperBound(prefix));
            foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        }
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM state WHERE {where}";
        Bind(count);
        var total = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT value FROM state WHERE {where} ORDER BY {order} LIMIT $take OFFSET $skip";
        Bind(cmd);
        cmd.Parameters.AddWithValue("$take", Math.Clamp(take, 1, 500));
        cmd.Parameters.AddWithValue("$skip", Math.Max(0, skip));
        return new Page<T>(Values<T>(cmd), total);
    }

    private static List<T> Values<T>(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        var items = new List<T>();
        while (reader.Read()) items.Add(VoucherState.Parse<T>(reader.GetString(0)));
        return items;
    }

    /// <summary>The smallest key above every key with this prefix (prefixes end in '/', and '0' follows '/').</summary>
    private static string UpperBound(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
