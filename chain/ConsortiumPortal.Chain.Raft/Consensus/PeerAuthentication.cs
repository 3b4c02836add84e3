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

    /// <param name="nodePublicKey">the SM2 public key (hex) of a consortium node by id, or null when it is not one</param>
    /// <param name="onRefused">told why a peer was refused (for the log)</param>
    public PeerAuthentication(string nodeId, Sm2KeyPair nodeKey, string chainId, string genesisHash, Func<string, string?> nodePublicKey, Action<string>? onRefused = null)
    {
        _chainId = chainId;
        _genesisHash = genesisHash;
        _nodePublicKey = nodePublicKey;
        _onRefused = onRefused;
        Certificate = CreateCertificate(nodeId, nodeKey, chainId, genesisHash);
    }

    /// <summary>This node's TLS certificate for this run.</summary>
    public X509Certificate2 Certificate { get; }

    public SslOptions CreateSslOptions()
    {
        var options = new SslOptions();
        options.ServerOptions.ServerCertificate = Certificate;
        options.ServerOptions.ClientCertificateRequired = true;
        options.ServerOptions.RemoteCertificateValidationCallback = Validate;
        options.ClientOptions.ClientCertificates = [Certificate];
        options.ClientOptions.RemoteCertificateValidationCallback = Validate;
        options.ClientOptions.TargetHost = "consortium-node";
        return options;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // Chain and name errors are expected (self-signed, no host name); the attestation is what authenticates.
        if (certificate is null) return Refuse("the peer sent no certificate");
        using var peer = new X509Certificate2(certificate);
        var refusal = Check(peer);
        return refusal is null || Refuse(refusal);
    }

    private bool Refuse(string reason)
    {
        _onRefused?.Invoke(reason);
        return false;
    }

    /// <summary>Null when the certificate proves a node of this consortium; otherwise why not.</summary>
    public string? Check(X509Certificate2 certificate)
    {
        if (certificate.Extensions[AttestationOid] is not { } extension) return "the peer's certificate carries no node attestation";
        Attestation? attestation;
        try { attestation = JsonSerializer.Deserialize<Attestation>(extension.RawData, CanonicalJson.SerializerOptions); }
        catch (JsonException) { return "the peer's node attestation is malformed"; }
        if (attestation?.Payload is not { } payload || attestation.Signature is null) return "the peer's node attestation is malformed";
        if (payload.ChainId != _chainId || payload.GenesisHash != _genesisHash) return $"node \"{payload.NodeId}\" belongs to another chain (chain id or genesis differs)";
        if (_nodePublicKey(payload.NodeId) is not { } publicKeyHex) return $"\"{payload.NodeId}\" is not a node of this consortium";
        if (payload.SpkiSm3 != Hex.Encode(Sm3.Hash(certificate.PublicKey.ExportSubjectPublicKeyInfo())))
            return $"the attestation of \"{payload.NodeId}\" was made for another TLS key";
        byte[] signature;
        try { signature = Hex.Decode(attestation.Signature); }
        catch (FormatException) { return "the peer's node attestation is malformed"; }
        return Sm2.Verify(Sm2.PublicKeyFromHex(publicKeyHex), CanonicalJson.Serialize(payload), signature)
            ? null
            : $"the attestation of \"{payload.NodeId}\" is not signed with its node key";
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
