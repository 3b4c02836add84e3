using System.Globalization;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.State;

namespace ConsortiumPortal.Contracts.Vouchers;

/// <summary>
/// Where vouchers live in world state. Fixed-width numbers in keys make prefix scans come back in order: a range's key
/// is its issuance then its sequence (so the lineage of any serial is one scan of its issuance), the order book sorts
/// by price then time, the expiry index by expiry time.
/// </summary>
public static class VoucherState
{
    public const string Prefix = "vouchers/";
    public const string IssuancePrefix = "vouchers/issuance/";
    public const string SerialIndexPrefix = "vouchers/serial/";
    public const string RangePrefix = "vouchers/range/";
    public const string HoldingPrefix = "vouchers/holding/";
    public const string ExpiryPrefix = "vouchers/expiry/";
    public const string IssuedPrefix = "vouchers/issued/";
    public const string RemainderPrefix = "vouchers/remainder/";
    public const string OrderPrefix = "vouchers/order/";
    public const string BookPrefix = "vouchers/book/";
    public const string TradePrefix = "vouchers/trade/";
    public const string DealPrefix = "vouchers/deal/";
    public const string RetirementPrefix = "vouchers/retirement/";
    public const string RetiredTotalPrefix = "vouchers/quota/retired/";
    public const string PolicyPrefix = "vouchers/quota/policy/";
    public const string ConsumptionPrefix = "vouchers/quota/consumption/";
    public const string ConfigKey = "vouchers/config";
    public const string NextSerialKey = "vouchers/seq/serial";
    public const string OrderSeqKey = "vouchers/seq/order";
    public const string TradeSeqKey = "vouchers/seq/trade";
    public const string DealSeqKey = "vouchers/seq/deal";
    public const string RangeSeqPrefix = "vouchers/seq/range/";

    /// <summary>Prices are below 10^12 fen per MWh; buy orders sort by (MaxPrice - price) so the best bid comes first.</summary>
    public const long MaxPriceFen = 999_999_999_999;

    public static string IssuanceKey(string issuanceId) => IssuancePrefix + issuanceId;
    public static string SerialIndexKey(long firstSerial) => SerialIndexPrefix + firstSerial.ToString("D15", CultureInfo.InvariantCulture);
    /// <summary>
    /// An issuance is named by its meter and the first hour it covers (a meter-hour is issued once, so the name is unique):
    /// anyone who knows what was issued can name its ranges without reading the ledger (the demo seed does).
    /// </summary>
    public static string IssuanceId(string meterId, long periodStart) =>
        $"{meterId}@{DateTimeOffset.FromUnixTimeMilliseconds(periodStart).UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}";
    public static string RangeId(string issuanceId, long sequence) => issuanceId + "-" + sequence.ToString("D6", CultureInfo.InvariantCulture);
    public static string IssuanceOfRange(string rangeId) => rangeId[..Math.Max(0, rangeId.LastIndexOf('-'))];
    public static string RangeKey(string rangeId) => $"{RangePrefix}{IssuanceOfRange(rangeId)}/{rangeId}";
    public static string LineagePrefix(string issuanceId) => $"{RangePrefix}{issuanceId}/";
    public static string HoldingKey(string owner, string rangeId) => $"{HoldingPrefix}{owner}/{rangeId}";
    public static string HoldingPrefixOf(string owner) => $"{HoldingPrefix}{owner}/";
    public static string ExpiryKey(long expiresAt, string rangeId) => $"{ExpiryPrefix}{expiresAt.ToString("D13", CultureInfo.InvariantCulture)}/{rangeId}";
    public static string IssuedKey(string meterId, long hourStart) =>
        $"{IssuedPrefix}{meterId}/{DateTimeOffset.FromUnixTimeMilliseconds(hourStart).UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}";
    public static string RemainderKey(string meterId) => RemainderPrefix + meterId;
    public static string OrderId(long sequence) => "O" + sequence.ToString("D9", CultureInfo.InvariantCulture);
    public static string OrderKey(string orderId) => OrderPrefix + orderId;
    public static string BookKey(string side, long priceFen, long sequence) =>
        $"{BookPrefix}{side}/{(side == OrderSides.Buy ? MaxPriceFen - priceFen : priceFen).ToString("D12", CultureInfo.InvariantCulture)}/{sequence.ToString("D9", CultureInfo.InvariantCulture)}";
    public static string BookSidePrefix(string side) => $"{BookPrefix}{side}/";
    public static string TradeId(long sequence) => "T" + sequence.ToString("D9", CultureInfo.InvariantCulture);
    public static string TradeKey(string tradeId) => TradePrefix + tradeId;
    public const string TradeByRangePrefix = "vouchers/trade-by-range/";
    public static string TradeByRangeKey(string rangeId) => TradeByRangePrefix + rangeId;
    public static string DealId(long sequence) => "D" + sequence.ToString("D9", CultureInfo.InvariantCulture);
    public static string DealKey(string dealId) => DealPrefix + dealId;
    public static string RetirementKey(string rangeId) => RetirementPrefix + rangeId;
    public static string RetiredTotalKey(string organisationId, int year, string voucherClass) => $"{RetiredTotalPrefix}{organisationId}/{year}/{voucherClass}";
    public static string PolicyKey(string province, int year) => $"{PolicyPrefix}{year}/{province}";
    public static string ConsumptionKey(string organisationId, int year) => $"{ConsumptionPrefix}{year}/{organisationId}";

    /// <summary>The printed serial number: "GV" and 15 digits.</summary>
    public static string SerialCode(long serial) => "GV" + serial.ToString("D15", CultureInfo.InvariantCulture);

    /// <summary>Reads "GV000000000000042", "42" or " gv42 " as serial 42.</summary>
    public static bool TryParseSerial(string? text, out long serial)
    {
        serial = 0;
        var t = (text ?? "").Trim();
        if (t.StartsWith("GV", StringComparison.OrdinalIgnoreCase)) t = t[2..];
        return t.Length is > 0 and <= 15 && t.All(char.IsAsciiDigit) && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out serial) && serial > 0;
    }

    public static int YearOf(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.Year;

    public static long StartOfYear(int year) => new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>End of the ValidityYears-th year after the production year: 1 = 00:00 UTC on 1 January two years on.</summary>
    public static long ExpiryFor(long periodStart, int validityYears) => StartOfYear(YearOf(periodStart) + validityYears + 1);

    // ---- committed state (portal, jobs) ----------------------------------------------------------------------

    public static T? Read<T>(IStateReader state, string key) where T : class => state.Get(key) is { } json ? Parse<T>(json) : null;

    public static IEnumerable<T> ReadAll<T>(IStateReader state, string prefix) => state.Scan(prefix).Select(p => Parse<T>(p.Value));

    public static VoucherRange? Range(IStateReader state, string rangeId) => Read<VoucherRange>(state, RangeKey(rangeId));

    public static VoucherIssuance? Issuance(IStateReader state, string issuanceId) => Read<VoucherIssuance>(state, IssuanceKey(issuanceId));

    public static long RetiredTotal(IStateReader state, string organisationId, int year, string voucherClass) =>
        state.Get(RetiredTotalKey(organisationId, year, voucherClass)) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : 0;

    public static T Parse<T>(string json) => CanonicalJson.Deserialize<T>(System.Text.Encoding.UTF8.GetBytes(json));

    // ---- inside the contract ----------------------------------------------------------------------------------

    /// <summary>
    /// Writes a range and keeps both indexes in step: the holdings index lists every range an organisation holds (not
    /// closed ones), the expiry index every range that can still move.
    /// </summary>
    internal static void Save(ContractState state, VoucherRange range)
    {
        state.Put(RangeKey(range.Id), range);
        var holding = HoldingKey(range.Owner, range.Id);
        if (range.Status == RangeStatuses.Closed) state.Delete(holding);
        else state.Put(holding, new HoldingEntry(range.Id, range.Start, range.End, range.Status, range.VoucherClass, range.Province, range.Technology, range.PeriodStart, range.ExpiresAt));
        var expiry = ExpiryKey(range.ExpiresAt, range.Id);
        if (RangeStatuses.IsLive(range.Status)) state.PutInteger(expiry, 1); else state.Delete(expiry);
    }

    internal static long NextSequence(ContractState state, string key)
    {
        var next = state.GetInteger(key) + 1;
        state.PutInteger(key, next);
        return next;
    }
}
