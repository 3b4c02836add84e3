using System.Text.Json;
using ConsortiumPortal.Chain.Encoding;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ConsortiumPortal.Features.Organisation;

/// <summary>One person of an organisation: their certificate on chain joined with their portal account (if any).</summary>
public sealed record PersonRow(
    string CertificateId, string Name, IReadOnlyList<string> Roles, long IssuedAtHeight, string IssuedBy,
    long? RevokedAtHeight, string? RevocationReason, bool HasAccount, bool IsLockedOut)
{
    public bool IsRevoked => RevokedAtHeight is not null;
    public string LoginName => CertificateId[(CertificateId.IndexOf('/') + 1)..];
}

public sealed record PeoplePage(IReadOnlyList<PersonRow> Items, int Total);

public enum PeopleSort { Id, Name, Issued }

/// <summary>
/// An organisation's people, read page by page straight from the ledger's world state (the certificates under
/// membership/cert/{org}/), then joined with identity.db. The ledger is the truth about who is a member.
/// </summary>
public sealed class PeopleDirectory(NodeHostedService node, IServiceScopeFactory scopes)
{
    public async Task<PeoplePage> PageAsync(string organisationId, int skip, int take, string? search = null, PeopleSort sort = PeopleSort.Id,
        bool descending = false, CancellationToken token = default)
    {
        var runtime = await node.Runtime;
        // Person certificate ids are "org/<name>" with [a-z0-9._-]: they sort between "org/" and "org0" ('0' follows '/').
        var low = MembershipContract.Keys.Certificate(organisationId + "/");
        var high = MembershipContract.Keys.Certificate(organisationId + "0");
        var filter = string.IsNullOrWhiteSpace(search) ? "" : " AND (instr(lower(key), $q) > 0 OR instr(lower(json_extract(value, '$.name')), $q) > 0)";
        var order = sort switch
        {
            PeopleSort.Name => "json_extract(value, '$.name')",
            PeopleSort.Issued => "json_extract(value, '$.issuedAtHeight')",
            _ => "key",
        } + (descending ? " DESC" : " ASC") + ", key";

        var certificates = new List<Certificate>();
        int total;
        using (var connection = runtime.Ledger.Store.OpenReader())
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM state WHERE key >= $lo AND key < $hi{filter}";
            using var page = connection.CreateCommand();
            page.CommandText = $"SELECT value FROM state WHERE key >= $lo AND key < $hi{filter} ORDER BY {order} LIMIT $take OFFSET $skip";
            foreach (var cmd in new[] { count, page })
            {
                cmd.Parameters.AddWithValue("$lo", low);
                cmd.Parameters.AddWithValue("$hi", high);
                if (filter.Length > 0) cmd.Parameters.AddWithValue("$q", search!.Trim().ToLowerInvariant());
            }
            page.Parameters.AddWithValue("$take", Math.Clamp(take, 1, 500));
            page.Parameters.AddWithValue("$skip", Math.Max(0, skip));
            total = Convert.ToInt32(count.ExecuteScalar());
            using var reader = page.ExecuteReader();
            while (reader.Read())
                certificates.Add(JsonSerializer.Deserialize<Certificate>(reader.GetString(0), CanonicalJson.SerializerOptions)!);
        }

        var ids = certificates.Select(c => c.Id).ToArray();
        using var scope = scopes.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var accounts = await users.Users.AsNoTracking().Where(u => ids.Contains(u.UserName!))
            .Select(u => new { u.UserName, u.LockoutEnd }).ToDictionaryAsync(u => u.UserName!, u => u.LockoutEnd, token);
        var now = DateTimeOffset.UtcNow;
        var rows = certificates.Select(c =>
        {
            var hasAccount = accounts.TryGetValue(c.Id, out var lockoutEnd);
            return new PersonRow(c.Id, c.Name, c.Roles, c.IssuedAtHeight, c.IssuedBy, c.RevokedAtHeight, c.RevocationReason,
                hasAccount, hasAccount && lockoutEnd > now);
        }).ToArray();
        return new PeoplePage(rows, total);
    }

    /// <summary>The roles an admin of the organisation may give: the organisation's roles, plus OrgAdmin.</summary>
    public async Task<IReadOnlyList<string>> AssignableRolesAsync(string organisationId)
    {
        var runtime = await node.Runtime;
        var organisation = MembershipContract.Read<Chain.Membership.Organisation>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Organisation(organisationId));
        return [.. organisation?.Roles ?? [], Chain.Execution.Roles.OrgAdmin];
    }
}
