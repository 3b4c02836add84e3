using System.Collections.Concurrent;
using System.Security.Cryptography;
using ConsortiumPortal.Chain.Crypto;
using Microsoft.EntityFrameworkCore;

namespace ConsortiumPortal.Identity;

/// <summary>
/// An organisation's API key for member systems. Only the SM3 hash of the secret is stored; the secret is shown
/// once, when the key is created. A revoked key stays listed (who revoked it, when) and never authenticates again.
/// </summary>
public sealed class ApiKey
{
    public const string TableName = "ApiKeys";
    public const int MaxNameLength = 64;

    public int Id { get; set; }
    public string OrganisationId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>SM3 of the UTF-8 secret, lower-case hex.</summary>
    public string Hash { get; set; } = "";
    /// <summary>The first characters of the secret, so a person can tell keys apart without the secret.</summary>
    public string Prefix { get; set; } = "";
    public long CreatedAtMs { get; set; }
    public string CreatedBy { get; set; } = "";
    public long? RevokedAtMs { get; set; }
    public string? RevokedBy { get; set; }

    public bool IsRevoked => RevokedAtMs is not null;
}

/// <summary>Creates, lists, revokes and checks API keys; remembers recently checked keys so a busy client costs no database query.</summary>
public sealed class ApiKeyStore(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>Every secret starts with this, so a leaked key is recognisable (e.g. by secret scanners).</summary>
    public const string SecretPrefix = "cpk_";
    private const int PrefixLength = 12;
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset Until)> _recent = new(StringComparer.Ordinal);

    public sealed record Created(ApiKey Key, string Secret);

    public sealed record Page(IReadOnlyList<ApiKey> Items, int Total);

    public static string Hash(string secret) => Hex.Encode(Sm3.Hash(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static string NewSecret() => SecretPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public async Task<Created> CreateAsync(string organisationId, string name, string createdBy, CancellationToken token = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > ApiKey.MaxNameLength) throw new ArgumentException($"a key name has 1..{ApiKey.MaxNameLength} characters", nameof(name));
        var secret = NewSecret();
        var key = new ApiKey
        {
            OrganisationId = organisationId, Name = name, Hash = Hash(secret), Prefix = secret[..PrefixLength],
            CreatedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(), CreatedBy = createdBy,
        };
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalIdentityDbContext>();
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(token);
        return new Created(key, secret);
    }

    /// <summary>Revokes a key of the organisation; false when the organisation has no such active key.</summary>
    public async Task<bool> RevokeAsync(string organisationId, int id, string revokedBy, CancellationToken token = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalIdentityDbContext>();
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.OrganisationId == organisationId, token);
        if (key is null || key.IsRevoked) return false;
        key.RevokedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        key.RevokedBy = revokedBy;
        await db.SaveChangesAsync(token);
        _recent.TryRemove(key.Hash, out _);
        return true;
    }

    /// <summary>One page of the organisation's keys, newest first unless sorted otherwise; <paramref name="search"/> matches name or prefix.</summary>
    public async Task<Page> ListAsync(string organisationId, int skip, int take, string? search = null, string? sortBy = null, bool descending = true,
        CancellationToken token = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalIdentityDbContext>();
        var query = db.ApiKeys.AsNoTracking().Where(k => k.OrganisationId == organisationId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(k => k.Name.Contains(s) || k.Prefix.Contains(s));
        }
        var total = await query.CountAsync(token);
        query = (sortBy, descending) switch
        {
            ("name", false) => query.OrderBy(k => k.Name).ThenBy(k => k.Id),
            ("name", true) => query.OrderByDescending(k => k.Name).ThenBy(k => k.Id),
            (_, false) => query.OrderBy(k => k.Id),
            _ => query.OrderByDescending(k => k.Id),
        };
        return new Page(await query.Skip(skip).Take(take).ToListAsync(token), total);
    }

    /// <summary>The active key with this secret, or null (unknown or revoked).</summary>
    public async Task<ApiKey?> FindActiveAsync(string secret, CancellationToken token = default)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 128) return null;
        var hash = Hash(secret);
        var now = clock.GetUtcNow();
        if (_recent.TryGetValue(hash, out var cached) && cached.Until > now) return cached.Key;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalIdentityDbContext>();
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Hash == hash && k.RevokedAtMs == null, token);
        if (key is null) { _recent.TryRemove(hash, out _); return null; }
        if (_recent.Count > 10_000) _recent.Clear();
        _recent[hash] = (key, now + CacheLifetime);
        return key;
    }

    /// <summary>
    /// identity.db files created before API keys existed have no ApiKeys table (EnsureCreated does nothing on an
    /// existing database): add it, with the statements the current model would create.
    /// </summary>
    public static async Task EnsureTableAsync(PortalIdentityDbContext db, CancellationToken token)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(token);
        try
        {
            await using var check = connection.CreateCommand();
            check.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{ApiKey.TableName}'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(token)) > 0) return;
            var statements = db.Database.GenerateCreateScript()
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(s => s.Contains($"\"{ApiKey.TableName}\"", StringComparison.Ordinal));
            foreach (var statement in statements)
            {
                await using var create = connection.CreateCommand();
                create.CommandText = statement;
                await create.ExecuteNonQueryAsync(token);
            }
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
