using System.Text.Json;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Node;
using ConsortiumPortal.Seed.Registry;

namespace ConsortiumPortal.Identity;

/// <summary>
/// Demo mode only: one API key per demo organisation, created on the first start and written in plain text to
/// {DataDirectory}/demo-api-keys.json ({"organisation id": "secret", ...}) so scripts and tests can call /api.
/// A real deployment has no such file: an OrgAdmin creates keys on /organisation/api-keys and sees each secret once.
/// </summary>
public static class DemoApiKeys
{
    public const string FileName = "demo-api-keys.json";
    public const string KeyName = "demo";

    public static string PathIn(DataDirectory data) => Path.Combine(data.Root, FileName);

    public static async Task EnsureAsync(ApiKeyStore keys, NodeRuntime runtime, CancellationToken token)
    {
        var path = PathIn(runtime.Data);
        if (File.Exists(path)) return;
        var secrets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var organisation in DemoOnboarding.AllOrganisations)
        {
            if (MembershipContract.Read<Organisation>(runtime.Ledger.Store.Committed, MembershipContract.Keys.Organisation(organisation.Id)) is null) continue;
            secrets[organisation.Id] = (await keys.CreateAsync(organisation.Id, KeyName, "demo", token)).Secret;
        }
        var tmp = path + ".tmp";
        await File.WriteAllBytesAsync(tmp, JsonSerializer.SerializeToUtf8Bytes(secrets, new JsonSerializerOptions { WriteIndented = true }), token);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }
}
