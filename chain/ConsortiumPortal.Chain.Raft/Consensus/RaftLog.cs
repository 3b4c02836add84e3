using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>
/// Raft ordering transport under the ledger: a DotNext <see cref="RaftCluster"/> over TCP with a durable
/// <see cref="WriteAheadLog"/>. One log entry = one opaque block payload, delivered to
/// <see cref="IReplicatedStateMachine.ApplyAsync"/> on every node in commit order.
/// </summary>
/// <remarks>
/// Durability: DotNext 6.12's WAL always flushes before it advances the commit index (<c>Options.FlushOnCommit</c> and
/// <c>FlushInterval</c> are obsolete no-ops, "always true"): data/metadata chunks are memory-mapped and flushed with
/// msync(MS_SYNC), the commit checkpoint is written with O_DSYNC (WriteThrough). Entries are applied only after commit,
/// so when <see cref="ReplicateAsync"/> returns true the entry is on disk and survives kill -9 (and power loss).
/// We keep the default <c>MemoryManagementStrategy.SharedMemory</c>; see the report for PrivateMemory figures.
/// </remarks>
public sealed partial class RaftLog : IAsyncDisposable
{
    // 4 KiB default = one mmapped file per chunk: a lagging follower ran out of file handles (STACK.md).
    private const int ChunkSize = 8 * 1024 * 1024;

    private readonly RaftOptions options;
    private readonly IReplicatedStateMachine ledger;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly CancellationTokenSource lifetime = new();

    private WalStateMachine? stateMachine;
    private WriteAheadLog? wal;
    private EndPointMembershipStorage? membership;
    private RaftCluster? cluster;
    private int disposed;

    public RaftLog(RaftOptions options, IReplicatedStateMachine stateMachine, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stateMachine);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory);
        ArgumentNullException.ThrowIfNull(options.LocalEndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SnapshotInterval, 1);

        this.options = options;
        ledger = stateMachine;
        this.loggers = new RaftLoggerFilter(loggers ?? NullLoggerFactory.Instance);
        logger = this.loggers.CreateLogger<RaftLog>();
    }

    private RaftCluster Cluster => cluster ?? throw new InvalidOperationException("RaftLog is not started (call StartAsync first) or is disposed.");

    /// <summary>Ledger height recorded in the last snapshot restored at start-up or installed from the leader.</summary>
    public long SnapshotHeight => stateMachine?.SnapshotHeight ?? 0L;

    /// <summary>
    /// Opens (or creates) the WAL in DataDirectory, replays committed entries not covered by the snapshot into the
    /// ledger, then joins/forms the cluster. A one-node cluster is leader as soon as this returns.
    /// </summary>
    public async Task StartAsync(CancellationToken token)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (cluster is not null)
            throw new InvalidOperationException("RaftLog is already started.");

        var root = Directory.CreateDirectory(options.DataDirectory);
        try
        {
            stateMachine = new WalStateMachine(root.CreateSubdirectory("snapshots"), ledger, options.SnapshotInterval);

            // Must happen BEFORE the WAL constructor: it reads the snapshot index synchronously to decide where replay
            // starts; restoring later silently forces a replay from index 1 (DotNext docs, STACK.md).
            await stateMachine.RestoreAsync(token).ConfigureAwait(false);

            wal = new WriteAheadLog(new WriteAheadLog.Options
            {
                Location = Path.Combine(root.FullName, "wal"),
                ChunkSize = ChunkSize,
            }, stateMachine);

            membership = new EndPointMembershipStorage(Path.Combine(root.FullName, "members.bin"));
            if (options.ColdStart)
                await SeedMembershipAsync(membership, token).ConfigureAwait(false);

            var config = new RaftCluster.TcpConfiguration(options.LocalEndPoint)
            {
                ConfigurationStorage = membership,
                ColdStart = options.ColdStart,
                LowerElectionTimeout = (int)options.LowerElectionTimeout.TotalMilliseconds,
                UpperElectionTimeout = (int)options.UpperElectionTimeout.TotalMilliseconds,
                RequestTimeout = options.RequestTimeout,
                LoggerFactory = loggers,
                SslOptions = options.PeerAuthentication?.CreateSslOptions(),
            };
            foreach (var (key, value) in options.Metadata)
                config.Metadata[key] = value;

            var c = new RaftCluster(config) { AuditTrail = wal };
            c.LeaderChanged += OnLeaderChanged;
            cluster = c;

            // Applies committed-but-unapplied entries (ledger dedupes by height), then starts the TCP server.
            await c.StartAsync(token).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    // The first start of a cluster writes the initial membership (RaftCluster itself would only add the local node).
    // Once the file exists this is a no-op, which is what makes ColdStart = true safe on every restart.
    private async Task SeedMembershipAsync(EndPointMembershipStorage storage, CancellationToken token)
    {
        IClusterConfigurationStorage<EndPoint> typed = storage;
        var current = await typed.LoadConfigurationAsync(token).ConfigureAwait(false);
        if (current.Members.Count > 0)
            return;

        IReadOnlyList<IPEndPoint> seed = options.InitialMembers.Count > 0 ? options.InitialMembers : [options.LocalEndPoint];
        if (!seed.Contains(options.LocalEndPoint))
            throw new ArgumentException("InitialMembers of a cold-started node must contain its LocalEndPoint.", nameof(options));

        foreach (var member in seed)
            current = current.Add(member);
        await typed.SaveConfigurationAsync(current, 0L, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether this node is the leader AND has committed its term's barrier (i.e. can accept writes now).
    /// Deliberately not based on cluster.Leader, which can be stale right after a step-down (STACK.md).
    /// </summary>
    public bool IsLeader => !LeadershipToken.IsCancellationRequested;

    /// <summary>Cancelled when this node is not (or stops being) the leader. Already cancelled when not leading.</summary>
    public CancellationToken LeadershipToken
    {
        get
        {
            try
            {
                return cluster?.LeadershipToken ?? new CancellationToken(canceled: true);
            }
            catch (Exception) // broken ("zombie") state or disposed: certainly not a usable leader
            {
                return new CancellationToken(canceled: true);
            }
        }
    }

    /// <summary>Completes when this node leads (one-node cluster: immediately after start). Throws TimeoutException.</summary>
    public async Task WaitForLeadershipAsync(TimeSpan timeout, CancellationToken token)
    {
        var c = Cluster;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token, lifetime.Token);
        cts.CancelAfter(timeout);
        try
        {
            // The library's leadership event may still hold a term we already lost: loop until the token is live.
            while (true)
            {
                var leadership = await c.WaitForLeadershipAsync(cts.Token).ConfigureAwait(false);
                if (!leadership.IsCancellationRequested)
                    return;
                await Task.Delay(10, cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested && !lifetime.IsCancellationRequested)
        {
            throw new TimeoutException($"This node did not become Raft leader within {timeout}.");
        }
    }

    /// <summary>
    /// Leader only: appends <paramref name="payload"/> (one block), waits until it is committed (durable on a majority)
    /// and applied locally through <see cref="IReplicatedStateMachine.ApplyAsync"/>.
    /// </summary>
    /// <returns>
    /// true when committed and applied; false when leadership was lost after the append. "false" means "not confirmed":
    /// the entry may still be committed later by the new leader (STACK.md), so the ledger must dedupe by height/tx id.
    /// </returns>
    /// <exception cref="NotLeaderException">This node is not the leader (nothing was appended). Forward to <see cref="LeaderMetadata"/>.</exception>
    /// <exception cref="ArgumentException">Empty payload: empty entries are reserved for Raft's own no-op/config entries.</exception>
    public async Task<bool> ReplicateAsync(ReadOnlyMemory<byte> payload, CancellationToken token)
    {
        if (payload.IsEmpty)
            throw new ArgumentException("Payload must not be empty: empty entries are Raft no-op/configuration entries and are never applied.", nameof(payload));

        var c = Cluster;
        if (LeadershipToken.IsCancellationRequested)
            throw new NotLeaderException();

        // The entry must carry the leader's current term; IPersistentState.Term is the persisted term of this node.
        var entry = new BinaryLogEntry { Content = payload, Term = ((IPersistentState)wal!).Term };
        try
        {
            // DotNext: append -> replicate -> wait until applied locally (hence after commit, hence after fsync).
            await c.ReplicateAsync(entry, token).ConfigureAwait(false);
            return true;
        }
        catch (NotLeaderException e)
        {
            logger.LogWarning(e, "Lost Raft leadership while replicating a {Length}-byte entry; outcome unknown.", payload.Length);
            return false;
        }
    }

    /// <summary>Metadata value of the current leader (e.g. its HTTP url), or null if unknown / not fetched yet.</summary>
    public string? LeaderMetadata(string key)
    {
        var leader = cluster?.Leader;
        if (leader is null)
            return null;
        if (!leader.IsRemote)
            return options.Metadata.GetValueOrDefault(key);

        var metadata = leader.TryGetMetadata();
        if (metadata is null)
        {
            PrefetchMetadata(leader); // fetched over TCP; the next call will see it
            return null;
        }

        return metadata.GetValueOrDefault(key);
    }

    /// <summary>Leader only: adds a node (which must be running with ColdStart = false). One change at a time.</summary>
    public Task<bool> AddMemberAsync(IPEndPoint member, CancellationToken token) => Cluster.AddMemberAsync(member, token);

    /// <summary>Leader only: removes a node from the membership.</summary>
    public Task<bool> RemoveMemberAsync(IPEndPoint member, CancellationToken token) => Cluster.RemoveMemberAsync(member, token);

    /// <summary>
    /// Leader: a replication round now instead of at the next heartbeat. Followers learn a new commit index only from the
    /// leader's next AppendEntries, which on a quiet chain is the heartbeat half an election timeout later (~500 ms).
    /// </summary>
    public Task ForceReplicationAsync(CancellationToken token) => Cluster.ForceReplicationAsync(token).AsTask();

    /// <summary>Current membership as seen by this node (diagnostics).</summary>
    public IReadOnlyList<EndPoint> Members => cluster?.Members.Select(static m => m.EndPoint).ToArray() ?? [];

    private void OnLeaderChanged(RaftCluster<RaftClusterMember> sender, RaftClusterMember? leader)
    {
        if (leader is { IsRemote: true })
            PrefetchMetadata(leader);
    }

    // LeaderMetadata is synchronous (used on the HTTP request path), so remote metadata is fetched in the background.
    private void PrefetchMetadata(RaftClusterMember leader)
    {
        if (lifetime.IsCancellationRequested)
            return;
        _ = FetchAsync();

        async Task FetchAsync()
        {
            try
            {
                await leader.GetMetadataAsync(refresh: false, lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogDebug(e, "Could not fetch metadata of Raft leader {Leader}.", leader.EndPoint);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        await lifetime.CancelAsync().ConfigureAwait(false);
        await ReleaseAsync().ConfigureAwait(false);
        lifetime.Dispose();
    }

    // Order matters: stop the network/consensus first, then the WAL (flushes), then the state machine and membership file.
    private async ValueTask ReleaseAsync()
    {
        if (Interlocked.Exchange(ref cluster, null) is { } c)
        {
            c.LeaderChanged -= OnLeaderChanged;
            try
            {
                await c.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Error while stopping the Raft cluster.");
            }

            await c.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref wal, null) is { } w)
            await w.DisposeAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref stateMachine, null) is { } sm)
            await sm.DisposeAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref membership, null)?.Dispose();
    }
}
