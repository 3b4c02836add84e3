using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Node;

namespace ConsortiumPortal.Features.Dashboard;

/// <summary>The dashboard's reads, straight from the committed ledger (SQLite reader connections, off the circuit's thread).</summary>
public sealed class LedgerDashboardQueries(NodeHostedService node) : IDashboardQueries
{
    public async Task<long> ChainHeightAsync() => (await node.Runtime).Ledger.Height;

    public async Task<IReadOnlyList<BlockRow>> LatestBlocksAsync(int count)
    {
        var store = (await node.Runtime).Ledger.Store;
        return await Task.Run(() =>
        {
            using var connection = store.OpenReader();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT height, hash, timestamp, tx_count FROM blocks ORDER BY height DESC LIMIT $n";
            cmd.Parameters.AddWithValue("$n", count);
            using var reader = cmd.ExecuteReader();
            var rows = new List<BlockRow>();
            while (reader.Read()) rows.Add(new BlockRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3)));
            return (IReadOnlyList<BlockRow>)rows;
        });
    }

    public async Task<IReadOnlyList<RoleCount>> MembersByRoleAsync()
    {
        var store = (await node.Runtime).Ledger.Store;
        return await Task.Run(() => (IReadOnlyList<RoleCount>)store.Scan(MembershipContract.Keys.OrganisationPrefix)
            .Select(kv => CanonicalJson.Deserialize<ConsortiumPortal.Chain.Membership.Organisation>(System.Text.Encoding.UTF8.GetBytes(kv.Value)))
            .SelectMany(o => o.Roles.Distinct())
            .GroupBy(role => role)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RoleCount(g.Key, g.Count()))
            .ToArray());
    }

    public async Task<IReadOnlyList<TxRow>> RecentTransactionsAsync(string? organisationId, int count)
    {
        var store = (await node.Runtime).Ledger.Store;
        return await Task.Run(() =>
        {
            using var connection = store.OpenReader();
            using var cmd = connection.CreateCommand();
            const string columns = """
                SELECT t.tx_id, t.height, json_extract(t.body, '$.timestamp'), t.signer, t.contract, t.method, r.status,
                       json_extract(r.result, '$.error'), t.seq
                FROM transactions t JOIN receipts r ON r.seq = t.seq
                """;
            if (organisationId is null)
            {
                cmd.CommandText = columns + " ORDER BY t.seq DESC LIMIT $n";
            }
            else
            {
                // One indexed (signer, seq) lookup per certificate of the organisation (its people and its root
                // certificate), each newest first and bounded, merged: no scan of the organisation's whole history.
                var signers = store.Scan(MembershipContract.Keys.CertificatePrefix + organisationId)
                    .Select(kv => CanonicalJson.Deserialize<Certificate>(System.Text.Encoding.UTF8.GetBytes(kv.Value)))
                    .Where(c => c.OrganisationId == organisationId)
                    .Select(c => c.Id)
                    .Append(organisationId)
                    .Distinct()
                    .ToArray();
                var parts = new List<string>();
                for (var i = 0; i < signers.Length; i++)
                {
                    parts.Add($"SELECT * FROM ({columns} WHERE t.signer = $s{i} ORDER BY t.seq DESC LIMIT $n)");
                    cmd.Parameters.AddWithValue($"$s{i}", signers[i]);
                }
                cmd.CommandText = string.Join(" UNION ALL ", parts) + " ORDER BY 9 DESC LIMIT $n";
            }
            cmd.Parameters.AddWithValue("$n", count);
            using var reader = cmd.ExecuteReader();
            var rows = new List<TxRow>();
            while (reader.Read())
                rows.Add(new TxRow(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6) == TxResult.Ok, reader.IsDBNull(7) ? null : reader.GetString(7)));
            return (IReadOnlyList<TxRow>)rows;
        });
    }
}
