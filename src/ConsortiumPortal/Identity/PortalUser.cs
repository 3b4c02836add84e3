using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ConsortiumPortal.Identity;

/// <summary>
/// A person who signs in to the portal. The user name is their certificate id on chain ("organisation/name"),
/// so the portal account and the signing identity are the same thing; roles come from the certificate.
/// </summary>
public sealed class PortalUser : IdentityUser
{
    public string OrganisationId { get; set; } = "";
    public string DisplayName { get; set; } = "";

    /// <summary>The on-chain certificate (and keystore entry) of this person: equal to the user name.</summary>
    public string CertificateId => UserName ?? "";
}

/// <summary>Accounts, password hashes and lockout state, and the organisations' API keys (hashes only), in identity.db beside the ledger.</summary>
public sealed class PortalIdentityDbContext(DbContextOptions<PortalIdentityDbContext> options) : IdentityDbContext<PortalUser>(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApiKey>(key =>
        {
            key.ToTable(ApiKey.TableName);
            key.HasKey(k => k.Id);
            key.Property(k => k.OrganisationId).HasMaxLength(32).IsRequired();
            key.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength).IsRequired();
            key.Property(k => k.Hash).HasMaxLength(64).IsRequired();
            key.Property(k => k.Prefix).HasMaxLength(16).IsRequired();
            key.Property(k => k.CreatedBy).HasMaxLength(128).IsRequired();
            key.HasIndex(k => k.Hash).IsUnique();
            key.HasIndex(k => k.OrganisationId);
        });
    }
}
