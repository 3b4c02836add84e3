using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Keys;

namespace ConsortiumPortal.Node;

/// <summary>This node's identity and endpoints, kept in node.json in the data directory (no secrets).</summary>
/// <param name="JoinsCluster">
/// False for a single node and for the bootstrap node of a consortium (it cold-starts the Raft cluster); true for the
/// other genesis nodes, which start in standby until the leader adds them.
/// </param>
public sealed record NodeIdentity(string NodeId, string OrganisationId, string RaftEndpoint, string HttpUrl, bool JoinsCluster = false);

/// <summary>
/// The files of one node: ledger.db (SQLite), raft/ (write-ahead log), keystore.json (SM4-sealed keys), node.json.
/// The master key that seals the keystore comes from configuration (Consortium:MasterKey, 32 hex characters);
/// a pilot without one gets a generated master.key beside the data, with a warning.
/// </summary>
public sealed class DataDirectory
{
    public const string NodeFile = "node.json";
    public const string KeystoreFile = "keystore.json";
    public const string MasterKeyFile = "master.key";

    public string Root { get; }
    public string RaftDirectory => Path.Combine(Root, "raft");
    public string NodePath => Path.Combine(Root, NodeFile);
    public bool IsInitialized => File.Exists(NodePath) && File.Exists(Path.Combine(Root, Chain.Ledger.DatabaseFile));

    public DataDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public NodeIdentity ReadNode() =>
        JsonSerializer.Deserialize<NodeIdentity>(File.ReadAllBytes(NodePath), Chain.Encoding.CanonicalJson.SerializerOptions)
        ?? throw new InvalidOperationException($"{NodePath} is empty");

    public void WriteNode(NodeIdentity node) =>
        File.WriteAllBytes(NodePath, JsonSerializer.SerializeToUtf8Bytes(node, new JsonSerializerOptions(Chain.Encoding.CanonicalJson.SerializerOptions) { WriteIndented = true }));

    /// <summary>Opens the keystore with the configured master key, or the pilot's generated one.</summary>
    public Keystore OpenKeystore(string? configuredMasterKey, ILogger? log = null) =>
        new(Path.Combine(Root, KeystoreFile), MasterKey(configuredMasterKey, log));

    private byte[] MasterKey(string? configured, ILogger? log)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!Hex.TryDecode(configured.Trim(), out var key) || key.Length != Sm4Gcm.KeySize)
                throw new InvalidOperationException("Consortium:MasterKey must be 32 hex characters (a 128-bit SM4 key)");
            return key;
        }
        var path = Path.Combine(Root, MasterKeyFile);
        if (File.Exists(path)) return Hex.Decode(File.ReadAllText(path).Trim());
        var generated = Sm4Gcm.NewKey();
        File.WriteAllText(path, Hex.Encode(generated));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        log?.LogWarning("No Consortium:MasterKey configured: generated {Path} for this pilot. In production set Consortium__MasterKey and keep it out of the data directory.", path);
        return generated;
    }

    public static IPEndPoint ParseEndPoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0
            ? endpoint : throw new FormatException($"\"{text}\" is not an IP endpoint such as 127.0.0.1:5100");

    /// <summary>A free loopback TCP port, for a pilot's Raft endpoint and for tests.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
