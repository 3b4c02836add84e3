using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Components;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Features.Dashboard;
using ConsortiumPortal.Features.Settlement;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Dashboard;

/// <summary>Dashboard data the tests control; <see cref="Failure"/> makes every query throw.</summary>
public sealed class FakeDashboardQueries : IDashboardQueries
{
    public long Height { get; set; }
    public List<BlockRow> Blocks { get; } = [];
    public List<RoleCount> Roles { get; } = [];
    public List<TxRow> Transactions { get; } = [];
    public Exception? Failure { get; set; }
    public List<string?> TransactionQueries { get; } = [];

    private void ThrowIfFailing() { if (Failure is not null) throw Failure; }

    public Task<long> ChainHeightAsync() { ThrowIfFailing(); return Task.FromResult(Height); }

    public Task<IReadOnlyList<BlockRow>> LatestBlocksAsync(int count)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<BlockRow>>(Blocks.OrderByDescending(b => b.Height).Take(count).ToArray());
    }

    public Task<IReadOnlyList<RoleCount>> MembersByRoleAsync() { ThrowIfFailing(); return Task.FromResult<IReadOnlyList<RoleCount>>(Roles.ToArray()); }

    public Task<IReadOnlyList<TxRow>> RecentTransactionsAsync(string? organisationId, int count)
    {
        lock (TransactionQueries) TransactionQueries.Add(organisationId);
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<TxRow>>(Transactions.Take(count).ToArray());
    }
}

/// <summary>A block feed the test raises blocks on, from another thread like the ledger's apply thread.</summary>
public sealed class FakeBlockStream : IBlockStream
{
    public event Action<BlockSummary>? BlockCommitted;
    public List<BlockSummary> Blocks { get; } = [];
    public IReadOnlyList<BlockSummary> Recent => Blocks.ToArray();
    public int Subscribers => BlockCommitted?.GetInvocationList().Length ?? 0;

    public void Raise(BlockSummary block)
    {
        Blocks.Add(block);
        Task.Run(() => BlockCommitted?.Invoke(block)).Wait();
    }
}

public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

public sealed class FakePaymentSubmitter : IPaymentSubmitter
{
    public List<(string To, long Amount, string Memo)> Calls { get; } = [];
    public Func<TxOutcome>? Outcome { get; set; }
    public TaskCompletionSource? Gate { get; set; }

    public async Task<TxOutcome> TransferAsync(ClaimsPrincipal user, string to, long amountFen, string memo)
    {
        Calls.Add((to, amountFen, memo));
        if (Gate is not null) await Gate.Task;
        return Outcome?.Invoke() ?? new TxOutcome(new string('a', 64), 42, 0, new TxResult(new string('a', 64), TxResult.Ok, null, [], null), null);
    }
}

public sealed class FakeSettlementQueries : ISettlementQueries
{
    public long Balance { get; set; }
    public List<MemberOrganisation> Members { get; } = [];
    public List<SettlementTx> Transactions { get; } = [];
    public List<Escrow> Escrows { get; } = [];
    public int BalanceReads { get; private set; }

    public Task<long> BalanceAsync(string organisationId) { BalanceReads++; return Task.FromResult(Balance); }
    public Task<IReadOnlyList<MemberOrganisation>> MembersAsync() => Task.FromResult<IReadOnlyList<MemberOrganisation>>(Members.ToArray());
    public Task<Page<SettlementTx>> TransactionsAsync(string organisationId, int skip, int take, bool oldestFirst) =>
        Task.FromResult(new Page<SettlementTx>(Transactions.Skip(skip).Take(take).ToArray(), Transactions.Count));
    public Task<Page<Escrow>> HeldEscrowsAsync(string organisationId, int skip, int take) =>
        Task.FromResult(new Page<Escrow>(Escrows.Skip(skip).Take(take).ToArray(), Escrows.Count));
}

/// <summary>A bunit context with MudBlazor, localization and the dashboard's fakes registered.</summary>
public abstract class DashboardTestBase : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected BunitContext Ctx { get; } = new();
    protected FakeDashboardQueries Queries { get; } = new();
    protected FakeBlockStream Stream { get; } = new();
    protected FixedClock Clock { get; } = new(Now);
    protected FakeSettlementQueries Settlement { get; } = new();
    protected FakePaymentSubmitter Submitter { get; } = new();

    protected DashboardTestBase()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization();
        Ctx.Services.AddSingleton<IDashboardQueries>(Queries);
        Ctx.Services.AddSingleton<IBlockStream>(Stream);
        Ctx.Services.AddSingleton<TimeProvider>(Clock);
        Ctx.Services.AddSingleton<ISettlementQueries>(Settlement);
        Ctx.Services.AddSingleton<IPaymentSubmitter>(Submitter);
    }

    protected static BlockSummary Block(long height, long timestamp, int txs = 1, params string[] signers) =>
        new(height, $"{height:x4}".PadRight(64, 'f'), timestamp, txs, 0, "node-1", signers);

    protected static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Ctx.DisposeAsync();
}
