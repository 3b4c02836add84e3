using System.Security.Claims;
using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Identity;

namespace ConsortiumPortal.Features.Organisation;

/// <summary>
/// What an organisation admin does to the organisation's people. Each change is a membership transaction signed by
/// the admin; the portal account follows what committed (created only for an issued certificate, locked on revocation).
/// The contract checks everything again: these checks are for a readable message.
/// </summary>
public sealed partial class PeopleAdmin(NodeHostedService node, PersonSigner signer, UserManager<PortalUser> users, ILogger<PeopleAdmin> log)
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex LoginNamePattern();

    /// <summary>The outcome on chain (null when the request never reached the chain) and a readable error, if any.</summary>
    public sealed record Result(TxOutcome? Outcome, string? Error)
    {
        public bool Succeeded => Error is null && Outcome is { IsCommitted: true, Result.Succeeded: true };
    }

    public sealed record NewPerson(string LoginName, string DisplayName, IReadOnlyList<string> Roles, string Password);

    public async Task<Result> AddAsync(ClaimsPrincipal admin, NewPerson person)
    {
        var organisationId = admin.OrganisationId() ?? throw new InvalidOperationException("the admin has no organisation");
        var login = (person.LoginName ?? "").Trim();
        if (!LoginNamePattern().IsMatch(login))
            return new(null, "The login name must be 1 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        var displayName = (person.DisplayName ?? "").Trim();
        if (displayName.Length is 0 or > 128) return new(null, "The display name must be 1 to 128 characters.");
        var certificateId = $"{organisationId}/{login}";

        var runtime = await node.Runtime;
        if (MembershipContract.Read<Certificate>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Certificate(certificateId)) is not null
            || await users.FindByNameAsync(certificateId) is not null)
            return new(null, $"\"{certificateId}\" already exists.");

        // The password is checked before anything is written, so a weak one leaves no certificate without an account.
        var candidate = new PortalUser { UserName = certificateId, OrganisationId = organisationId, DisplayName = displayName, LockoutEnabled = true };
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, candidate, person.Password ?? "");
            if (!check.Succeeded) return new(null, string.Join(" ", check.Errors.Select(e => e.Description)));
        }

        // A key left by an earlier attempt whose transaction did not commit is reused: it was never certified.
        var key = runtime.Keys.Contains(certificateId) ? runtime.Keys.Get(certificateId) : runtime.Keys.Create(certificateId);
        var outcome = await signer.SubmitAsync(admin, MembershipContract.ContractName, "issueCertificate",
            new MembershipContract.IssueCertificateArgs(certificateId, displayName, person.Roles.Distinct().ToArray(), key.PublicKeyHex));
        if (outcome is not { IsCommitted: true, Result.Succeeded: true }) return new(outcome, null);

        var created = await users.CreateAsync(candidate, person.Password!);
        if (!created.Succeeded)
        {
            log.LogWarning("Certificate {Certificate} issued but its portal account was not created: {Errors}", certificateId,
                string.Join("; ", created.Errors.Select(e => e.Code)));
            return new(outcome, "The certificate was issued but the portal account was not created: " + string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        log.LogInformation("{Admin} added {Certificate}", admin.CertificateId(), certificateId);
        return new(outcome, null);
    }

    public async Task<Result> SetRolesAsync(ClaimsPrincipal admin, string certificateId, IReadOnlyList<string> roles)
    {
        if (!BelongsToAdminsOrganisation(admin, certificateId)) return new(null, "This person is not in your organisation.");
        var outcome = await signer.SubmitAsync(admin, MembershipContract.ContractName, "setCertificateRoles",
            new MembershipContract.SetCertificateRolesArgs(certificateId, roles.Distinct().ToArray()));
        if (outcome is { IsCommitted: true, Result.Succeeded: true } && await users.FindByNameAsync(certificateId) is { } user)
            await users.UpdateSecurityStampAsync(user); // their next sign-in check picks up the new roles
        return new(outcome, null);
    }

    /// <summary>Revokes the certificate on chain; once that committed, the portal account is locked for good and its sessions end.</summary>
    public async Task<Result> RevokeAsync(ClaimsPrincipal admin, string certificateId, string reason)
    {
        if (!BelongsToAdminsOrganisation(admin, certificateId)) return new(null, "This person is not in your organisation.");
        reason = (reason ?? "").Trim();
        if (reason.Length is 0 or > 256) return new(null, "A reason of 1 to 256 characters is required.");
        if (certificateId == admin.CertificateId()) return new(null, "You cannot revoke your own certificate.");
        var outcome = await signer.SubmitAsync(admin, MembershipContract.ContractName, "revokeCertificate",
            new MembershipContract.RevokeCertificateArgs(certificateId, reason));
        if (outcome is not { IsCommitted: true, Result.Succeeded: true }) return new(outcome, null);
        if (await users.FindByNameAsync(certificateId) is { } user)
        {
            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            await users.UpdateSecurityStampAsync(user);
        }
        log.LogInformation("{Admin} revoked {Certificate}", admin.CertificateId(), certificateId);
        return new(outcome, null);
    }

    private static bool BelongsToAdminsOrganisation(ClaimsPrincipal admin, string certificateId) =>
        admin.OrganisationId() is { } org && certificateId.StartsWith(org + "/", StringComparison.Ordinal);
}
