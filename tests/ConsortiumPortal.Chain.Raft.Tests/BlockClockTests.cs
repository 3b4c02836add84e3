using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Consensus;
using ConsortiumPortal.Chain.Raft.Ordering;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Tests;

/// <summary>
/// The leader stamps blocks with the clock in its OrderingOptions (the only clock contracts see), and a clock set back
/// never makes a block's timestamp go below its parent's.
/// </summary>
public sealed class BlockClockTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class SettableClock(long ms) : TimeProvider
    {
        public long Ms { get; set; } = ms;
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Ms);
    }

    [Fact]
    public async Task Blocks_carry_the_ordering_clocks_time_and_never_go_backwards()
    {
        const long genesisTime = 1_700_000_000_000;
        var org = Sm2.Generate();
        var nodeKey = Sm2.Generate();
        var genesis = new GenesisDocument("clock-test", "Clock test", genesisTime,
            [new GenesisOrganisation("org-a", "Org A", [Roles.GridCompany], org.PublicKeyHex)],
            [new ConsortiumNode("node-1", "org-a", nodeKey.PublicKeyHex, "127.0.0.1:1", "http://127.0.0.1:2")],
            new GovernancePolicy(2, 3));
        using var ledger = new Ledger(_dir.Sub("ledger"), []);
        ledger.InitializeGenesis(genesis);
        // A week after genesis, far from the wall clock: only the ordering clock can have put it there.
        var clock = new SettableClock(genesisTime + 7 * 86_400_000L);
        var raft = new RaftOptions { DataDirectory = _dir.Sub("raft"), LocalEndPoint = Net.FreeLoopbackEndPoint(), ColdStart = true };
        await using var node = new LedgerNode(ledger, "node-1", nodeKey, raft, new OrderingOptions { Clock = clock }, new XunitLoggerFactory(output));
        Assert.Same(clock, node.Clock);
        await node.StartAsync(CancellationToken.None);
        await node.WaitForLeadershipAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var admin = new TxBuilder(genesis.ChainId, "org-a", org);
        var n = 0;
        async Task<long> CommitAsync()
        {
            var person = Sm2.Generate();
            var outcome = await node.SubmitAsync(admin.Build(MembershipContract.ContractName, "issueCertificate",
                new MembershipContract.IssueCertificateArgs($"org-a/p{++n}", "A Person", [Roles.GridCompany], person.PublicKeyHex), ledger.Height));
            Assert.True(outcome.IsCommitted && outcome.Result!.Succeeded, outcome.Refusal?.Message ?? outcome.Result?.Error);
            return ledger.Store.GetBlockHeader(outcome.Height)!.Header.Timestamp;
        }

        Assert.Equal(clock.Ms, await CommitAsync());
        var forward = clock.Ms += 3_600_000;
        Assert.Equal(forward, await CommitAsync());
        clock.Ms -= 2 * 3_600_000; // set back: block time holds still
        Assert.Equal(forward, await CommitAsync());
        Assert.Equal(TimeProvider.System, new OrderingOptions().Clock);
    }
}
