using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Encoding;
using DotNext.Net.Security;

namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>
/// Only consortium nodes take part in Raft: every Raft connection is mutual TLS, and a peer is accepted only if its
/// certificate carries an attestation signed with the SM2 key of a node of this consortium (same chain id and genesis
/// hash) over the certificate's own public key.
/// </summary>
/// <remarks>
/// .NET's TLS stack does not speak SM2, so the TLS key is an ephemeral ECDSA P-256 key made at each start and bound to
/// the node's SM2 identity by that attestation: nothing new to distribute (peers already know node keys from the ledger)
/// and nothing new to keep secret at rest. The attestation is an X.509 extension whose value is the UTF-8 of
/// {"payload":{"chainId","genesisHash","nodeId","spkiSm3"},"signature":hex}, signed over canonical(payload).
/// </remarks>
public sealed class PeerAuthentication : IDisposable
{
    /// <summary>A UUID-based OID (ITU-T X.667, arc 2.25) naming the attestation extension.</summary>
    public const string AttestationOid = "2.25.329800735698586629295641978511506172918";

    private readonly string _chainId;
    private readonly string _genesisHash;
    private readonly Func<string, string?> _nodePublicKey;
    private readonly Action<string>? _onRefused;

    // Attestations already verified, by the SHA-256 of the peer's certificate: node id and the node key it was checked
    // against. DotNext opens a new connection (hence a full handshake) after every failed Raft request, and a node that
    // is catching up fails many in a row; without this cache every one of those handshakes re-parsed the attestation and
    // re-verified its SM2 signature on both ends. Only accepted certificates are cached (a peer's certificate is made
    // once per process start, so a handful of entries); the node key is still looked up at every handshake, so a node
    // removed from the ledger's node list (or whose key changed) is refused from then on.
    private readonly ConcurrentDictionary<string, (string NodeId, string PublicKeyHex)> _verified = new(StringComparer.Ordinal);
    private const int MaxVerified = 1024;

    // Built once: with a bare certificate SslStream builds this node's own chain again at every handshake.
    private readonly Lazy<SslStreamCertificateContext> _certificateContext;

    /// <param name="nodePublicKey">the SM2 public key (hex) of a consortium node by id, or null when it is not one</param>
    /// <param name="onRefused">told why a peer was refused (for the log)</param>
    public PeerAuthentication(string nodeId, Sm2KeyPair nodeKey, string chainId, string genesisHash, Func<string, string?> nodePublicKey, Action<string>? onRefused = null)
    {
        _chainId = chainId;
        _genesisHash = genesisHash;
        _nodePublicKey = nodePublicKey;
        _onRefused = onRefused;
        Certificate = CreateCertificate(nodeId, nodeKey, chainId, genesisHash);
        _certificateContext = new(() => SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true));
    }

    /// <summary>This node's TLS certificate for this run.</summary>
    public X509Certificate2 Certificate { get; }

    public SslOptions CreateSslOptions()
    {
        var options = new SslOptions();
        options.ServerOptions.ServerCertificateContext = _certificateContext.Value;
        options.ServerOptions.ClientCertificateRequired = true;
        options.ServerOptions.RemoteCertificateValidationCallback = Validate;
        options.ServerOptions.CertificateChainPolicy = PeerChainPolicy();
        options.ClientOptions.ClientCertificateContext = _certificateContext.Value;
        options.ClientOptions.RemoteCertificateValidationCallback = Validate;
        options.ClientOptions.CertificateChainPolicy = PeerChainPolicy();
        options.ClientOptions.TargetHost = "consortium-node";
        return options;
    }

    // Peers' certificates are self-signed and their chain errors are ignored (the attestation is what authenticates), so
    // do not let the chain build consult the system trust store or try to download anything during a handshake.
    private static X509ChainPolicy PeerChainPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // Chain and name errors are expected (self-signed, no host name); the attestation is what authenticates.
        if (certificate is null) return Refuse("the peer sent no certificate");
        var fingerprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (_verified.TryGetValue(fingerprint, out var known))
        {
            if (_nodePublicKey(known.NodeId) == known.PublicKeyHex) return true;
            _verified.TryRemove(fingerprint, out _); // no longer a node, or its key changed: check it in full (and refuse)
        }
        using var peer = new X509Certificate2(certificate);
        var refusal = Check(peer, out var nodeId, out var publicKeyHex);
        if (refusal is not null) return Refuse(refusal);
        if (_verified.Count >= MaxVerified) _verified.Clear();
        _verified[fingerprint] = (nodeId!, publicKeyHex!);
        return true;
    }

    private bool Refuse(string reason)
    {
        _onRefused?.Invoke(reason);
        return false;
    }

    /// <summary>Null when the certificate proves a node of this consortium; otherwise why not.</summary>
    public string? Check(X509Certificate2 certificate) => Check(certificate, out _, out _);

    private string? Check(X509Certificate2 certificate, out string? nodeId, out string? publicKeyHex)
    {
        nodeId = publicKeyHex = null;
        if (certificate.Extensions[AttestationOid] is not { } extension) return "the peer's certificate carries no node attestation";
        Attestation? attestation;
        try { attestation = JsonSerializer.Deserialize<Attestation>(extension.RawData, CanonicalJson.SerializerOptions); }
        catch (JsonException) { return "the peer's node attestation is malformed"; }
        if (attestation?.Payload is not { } payload || attestation.Signature is null) return "the peer's node attestation is malformed";
        if (payload.ChainId != _chainId || payload.GenesisHash != _genesisHash) return $"node \"{payload.NodeId}\" belongs to another chain (chain id or genesis differs)";
        if (_nodePublicKey(payload.NodeId) is not { } key) return $"\"{payload.NodeId}\" is not a node of this consortium";
        if (payload.SpkiSm3 != Hex.Encode(Sm3.Hash(certificate.PublicKey.ExportSubjectPublicKeyInfo())))
            return $"the attestation of \"{payload.NodeId}\" was made for another TLS key";
        byte[] signature;
        try { signature = Hex.Decode(attestation.Signature); }
        catch (FormatException) { return "the peer's node attestation is malformed"; }
        if (!Sm2.Verify(Sm2.PublicKeyFromHex(key), CanonicalJson.Serialize(payload), signature))
            return $"the attestation of \"{payload.NodeId}\" is not signed with its node key";
        nodeId = payload.NodeId;
        publicKeyHex = key;
        return null;
    }

    public static X509Certificate2 CreateCertificate(string nodeId, Sm2KeyPair nodeKey, string chainId, string genesisHash)
    {
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={nodeId}, O={chainId}", tlsKey, HashAlgorithmName.SHA256);
        var payload = new AttestationPayload(chainId, genesisHash, nodeId, Hex.Encode(Sm3.Hash(request.PublicKey.ExportSubjectPublicKeyInfo())));
        var attestation = new Attestation(payload, Hex.Encode(nodeKey.Sign(CanonicalJson.Serialize(payload))));
        request.CertificateExtensions.Add(new X509Extension(AttestationOid, CanonicalJson.Serialize(attestation), critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        // Round-trip through PKCS#12 so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose() => Certificate.Dispose();

    private sealed record AttestationPayload(string ChainId, string GenesisHash, string NodeId, string SpkiSm3);

    private sealed record Attestation(AttestationPayload Payload, string Signature);
}
