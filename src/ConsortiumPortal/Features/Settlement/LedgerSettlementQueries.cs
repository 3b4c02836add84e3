using System.Text.Json;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Settlement;

/// <summary>Reads of settlement accounts, escrows and transactions from the committed ledger.</summary>
public sealed class LedgerSettlementQueries(NodeHostedService node) : ISettlementQueries
{
    public async Task<long> BalanceAsync(string organisationId)
    {
        var store = (await node.Runtime).Ledger.Store;
        return store.ReadCommitted(SettlementAccounts.BalanceKey(organisationId)) is { } json
            ? long.Parse(json, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    public async Task<IReadOnlyList<MemberOrganisation>> MembersAsync()
    {
        var store = (await node.Runtime).Ledger.Store;
        return await Task.Run(() => (IReadOnlyList<MemberOrganisation>)store.Scan(MembershipContract.Keys.OrganisationPrefix)
            .Select(kv => CanonicalJson.Deserialize<ConsortiumPortal.Chain.Membership.Organisation>(System.Text.Encoding.UTF8.GetBytes(kv.Value)))
            .Select(o => new MemberOrganisation(o.Id, o.Name))
            .ToArray());
    }

    // The organisation signed it (its root certificate or one of its people "org/name"), or it is the payee or the
    // account a bank entry names. Only settlement rows are looked at.
    private const string Involves = """
        t.contract = 'settlement' AND (
            t.signer = $org OR substr(t.signer, 1, length($org) + 1) = $org || '/'
            OR json_extract(t.body, '$.args.to') = $org
            OR json_extract(t.body, '$.args.payee') = $org
            OR json_extract(t.body, '$.args.organisationId') = $org)
        """;

    public async Task<Page<SettlementTx>> TransactionsAsync(string organisationId, int skip, int take, bool oldestFirst)
    {
        var store = (await node.Runtime).Ledger.Store;
        return await Task.Run(() =>
        {
            using var connection = store.OpenReader();
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM transactions t WHERE {Involves}";
            count.Parameters.AddWithValue("$org", organisationId);
            var total = Convert.ToInt32(count.ExecuteScalar());
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"""
                SELECT t.tx_id, t.height, t.signer, t.method, t.body, r.status, r.result
                FROM transactions t JOIN receipts r ON r.seq = t.seq
                WHERE {Involves}
                ORDER BY t.seq {(oldestFirst ? "ASC" : "DESC")} LIMIT $take OFFSET $skip
                """;
            cmd.Parameters.AddWithValue("$org", organisationId);
            cmd.Parameters.AddWithValue("$take", take);
            cmd.Parameters.AddWithValue("$skip", skip);
            using var reader = cmd.ExecuteReader();
            var rows = new List<SettlementTx>();
            while (reader.Read()) rows.Add(Read(organisationId, reader));
            return new Page<SettlementTx>(rows, total);
        });
    }

    private static SettlementTx Read(string organisationId, Microsoft.Data.Sqlite.SqliteDataReader reader)
    {
        using var body = JsonDocument.Parse(reader.GetString(4));
        var root = body.RootElement;
        var args = root.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
        string? Text(string name) => args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long? Number(string name) => args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : null;
        var signer = reader.GetString(2);
        var signerOrg = signer.Split('/')[0];
        // The other side: the payee when we paid, the payer when we were paid; the bank for deposits and withdrawals.
        var named = Text("to") ?? Text("payee") ?? Text("organisationId");
        var counterparty = signerOrg == organisationId ? named : signerOrg;
        var result = TxResult.FromJson(System.Text.Encoding.UTF8.GetBytes(reader.GetString(6)));
        return new SettlementTx(reader.GetString(0), reader.GetInt64(1), root.TryGetProperty("timestamp", out var ts) ? ts.GetInt64() : 0,
            signer, reader.GetString(3), counterparty, Number("amount"), Text("memo") ?? Text("reference"), result.Succeeded, result.Error);
    }

    public async Task<Page<Escrow>> HeldEscrowsAsync(string organisationId, int skip, int take)
    {
        var store = (await node.Runtime).Ledger.Store;
        return await Task.Run(() =>
        {
            var held = store.Scan(SettlementAccounts.EscrowPrefix)
                .Select(kv => CanonicalJson.Deserialize<Escrow>(System.Text.Encoding.UTF8.GetBytes(kv.Value)))
                .Where(e => e.Status == EscrowStatus.Held && (e.Payer == organisationId || e.Payee == organisationId))
                .OrderByDescending(e => e.CreatedAt)
                .ToArray();
            return new Page<Escrow>(held.Skip(skip).Take(take).ToArray(), held.Length);
        });
    }
}
