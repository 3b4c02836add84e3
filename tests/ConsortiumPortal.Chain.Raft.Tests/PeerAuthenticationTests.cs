using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Raft.Consensus;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Tests;

public sealed class PeerAuthenticationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ChainId = "peer-test";
    private static readonly string Genesis = new('a', 64);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Dictionary<string, Sm2KeyPair> _members = new()
    {
        ["node-1"] = Sm2.Generate(), ["node-2"] = Sm2.Generate(), ["node-3"] = Sm2.Generate(),
    };
    private readonly List<string> _refusals = [];
    private readonly TempDir _dir = new();
    private readonly List<RaftLog> _logs = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var log in _logs) await log.DisposeAsync();
        _dir.Dispose();
    }

    private PeerAuthentication Authentication(string nodeId, Sm2KeyPair key, string chainId = ChainId, string? genesis = null) =>
        new(nodeId, key, chainId, genesis ?? Genesis, id => _members.TryGetValue(id, out var k) ? k.PublicKeyHex : null,
            reason => { lock (_refusals) _refusals.Add(reason); });

    [Fact]
    public void A_certificate_attested_by_a_member_node_key_is_accepted()
    {
        using var verifier = Authentication("node-1", _members["node-1"]);
        using var peer = Authentication("node-2", _members["node-2"]);
        Assert.Null(verifier.Check(peer.Certificate));
    }

    [Fact]
    public async Task A_peer_accepted_once_is_refused_at_its_next_handshake_after_it_leaves_the_node_list()
    {
        // Validation remembers attestations it verified (a handshake per reconnect must stay cheap): the memory must not
        // outlive the peer's place in the ledger's node list.
        using var server = Authentication("node-1", _members["node-1"]);
        using var client = Authentication("node-2", _members["node-2"]);
        var serverOptions = server.CreateSslOptions().ServerOptions;
        var clientOptions = client.CreateSslOptions().ClientOptions;

        Assert.True(await HandshakeAsync(serverOptions, clientOptions));
        Assert.True(await HandshakeAsync(serverOptions, clientOptions));
        _members.Remove("node-2");
        Assert.False(await HandshakeAsync(serverOptions, clientOptions));
        Assert.Contains(_refusals, r => r.Contains("\"node-2\" is not a node of this consortium"));
    }

    private static async Task<bool> HandshakeAsync(System.Net.Security.SslServerAuthenticationOptions serverOptions,
        System.Net.Security.SslClientAuthenticationOptions clientOptions)
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var connecting = new System.Net.Sockets.TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await accepting;
        await using var serverSsl = new System.Net.Security.SslStream(accepted.GetStream());
        await using var clientSsl = new System.Net.Security.SslStream(connecting.GetStream());
        using var cts = new CancellationTokenSource(Timeout);
        var serverSide = serverSsl.AuthenticateAsServerAsync(serverOptions, cts.Token);
        var clientSide = clientSsl.AuthenticateAsClientAsync(clientOptions, cts.Token);
        try { await serverSide; }
        catch (System.Security.Authentication.AuthenticationException) { return false; }
        finally { try { await clientSide; } catch (Exception) { } } // TLS 1.3: the client may finish before the server refuses
        return true;
    }

    [Fact]
    public void Certificates_of_strangers_other_chains_forged_keys_and_borrowed_attestations_are_refused()
    {
        using var verifier = Authentication("node-1", _members["node-1"]);

        using var stranger = Authentication("node-9", Sm2.Generate());
        Assert.Contains("not a node of this consortium", verifier.Check(stranger.Certificate));

        using var otherChain = Authentication("node-2", _members["node-2"], chainId: "other-chain");
        Assert.Contains("another chain", verifier.Check(otherChain.Certificate));

        using var otherGenesis = Authentication("node-2", _members["node-2"], genesis: new string('b', 64));
        Assert.Contains("another chain", verifier.Check(otherGenesis.Certificate));

        // Claims to be node-2 but signs with its own key.
        using var impostor = Authentication("node-2", Sm2.Generate());
        Assert.Contains("not signed with its node key", verifier.Check(impostor.Certificate));

        // node-2's genuine attestation copied into a certificate for a key the copier holds.
        using var genuine = Authentication("node-2", _members["node-2"]);
        using var copierKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=node-2", copierKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(genuine.Certificate.Extensions[PeerAuthentication.AttestationOid]!);
        using var borrowed = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddYears(1));
        Assert.Contains("another TLS key", verifier.Check(borrowed));

        // A plain certificate, no attestation at all.
        var plain = new CertificateRequest("CN=node-2", copierKey, HashAlgorithmName.SHA256);
        using var plainCertificate = plain.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddYears(1));
        Assert.Contains("no node attestation", verifier.Check(plainCertificate));
    }

    private async Task<RaftLog> StartAsync(string dirName, IPEndPoint endPoint, bool coldStart, PeerAuthentication? peers, FakeLedger ledger,
        IReadOnlyList<IPEndPoint>? initialMembers = null)
    {
        var log = new RaftLog(new RaftOptions
        {
            DataDirectory = _dir.Sub(dirName),
            LocalEndPoint = endPoint,
            ColdStart = coldStart,
            InitialMembers = initialMembers ?? [],
            PeerAuthentication = peers,
        }, ledger, new XunitLoggerFactory(output));
        _logs.Add(log);
        await log.StartAsync(CancellationToken.None);
        return log;
    }

    [Fact]
    public async Task Members_replicate_over_mutual_TLS_and_a_process_outside_the_consortium_can_neither_join_nor_disturb_them()
    {
        var endPoints = Enumerable.Range(0, 3).Select(_ => Net.FreeLoopbackEndPoint()).ToArray();
        var ledgers = new[] { new FakeLedger(), new FakeLedger() };
        var leader = await StartAsync("node-1", endPoints[0], coldStart: true, Authentication("node-1", _members["node-1"]), ledgers[0]);
        await leader.WaitForLeadershipAsync(Timeout, CancellationToken.None);
        await StartAsync("node-2", endPoints[1], coldStart: false, Authentication("node-2", _members["node-2"]), ledgers[1]);
        Assert.True(await leader.AddMemberAsync(endPoints[1], new CancellationTokenSource(Timeout).Token));
        for (long h = 1; h <= 10; h++) Assert.True(await leader.ReplicateAsync(FakeLedger.Block(h), CancellationToken.None));
        await Net.EventuallyAsync(() => ledgers.All(l => l.AppliedHeight == 10), Timeout, "both members applied 10 entries over TLS");
        var term = leader.Status().Term;

        // A rogue with its own key claims to be a cluster of itself and both members, and campaigns: its vote requests
        // (higher terms) would depose the leader if they were heard.
        var rogueLedger = new FakeLedger();
        var rogue = await StartAsync("rogue", endPoints[2], coldStart: true, Authentication("node-3", Sm2.Generate()), rogueLedger,
            initialMembers: [endPoints[2], endPoints[0], endPoints[1]]);

        // The leader cannot be talked into adding it either.
        using (var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            var added = false;
            try { added = await leader.AddMemberAsync(endPoints[2], attempt.Token); }
            catch (OperationCanceledException) { }
            Assert.False(added);
        }
        await Task.Delay(TimeSpan.FromSeconds(3)); // several election timeouts of the rogue

        Assert.True(leader.IsLeader);
        Assert.Equal(term, leader.Status().Term);
        Assert.True(await leader.ReplicateAsync(FakeLedger.Block(11), CancellationToken.None));
        await Net.EventuallyAsync(() => ledgers.All(l => l.AppliedHeight == 11), Timeout, "the members still replicate");
        Assert.Equal(0, rogueLedger.AppliedHeight);
        Assert.False(rogue.IsLeader && leader.Status().Members.Any(m => m.Endpoint == endPoints[2].ToString()));
        lock (_refusals) Assert.Contains(_refusals, r => r.Contains("not signed with its node key"));
    }
}
