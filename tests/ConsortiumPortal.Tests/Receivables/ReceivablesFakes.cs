using System.Security.Claims;
using System.Text.Json;
using Bunit;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Raft.Ordering;
using ConsortiumPortal.Contracts.Credit;
using ConsortiumPortal.Contracts.Receivables;
using ConsortiumPortal.Features.Receivables;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Receivables;

/// <summary>Receivables read from lists the test fills, with the same visibility rule as the real queries (the Regulator sees all).</summary>
public sealed class FakeReceivablesQueries : IReceivablesQueries
{
    public List<Voucher> Vouchers { get; } = [];
    public List<FinancingRequest> Requests { get; } = [];
    public List<VoucherQuery> Asked { get; } = [];

    public Task<VoucherPage> VouchersAsync(ClaimsPrincipal user, VoucherQuery query)
    {
        Asked.Add(query);
        var org = user.FindFirst(Identity.PortalClaimTypes.Organisation)?.Value;
        var list = Vouchers.Where(v => query.View switch
        {
            VoucherView.Held => v.Holder == org && v.Children.Count == 0,
            VoucherView.Issued => v.Issuer == org && v.ParentId is null,
            VoucherView.Financed => v.Financier is not null,
            _ => true,
        }).ToList();
        return Task.FromResult(new VoucherPage(list.Skip(query.Skip).Take(query.Take).ToList(), list.Count));
    }

    public Task<VoucherDetail?> DetailAsync(ClaimsPrincipal user, string voucherId)
    {
        var v = Vouchers.FirstOrDefault(x => x.Id == voucherId);
        if (v is null) return Task.FromResult<VoucherDetail?>(null);
        return Task.FromResult<VoucherDetail?>(new VoucherDetail(v, Vouchers.Where(x => x.RootId == v.RootId).ToList(), Requests.Where(r => r.VoucherId == v.Id).ToList(),
            CreditEvents.Compute(v.Issuer, [], 0), CreditEvents.Compute(v.Holder, [], 0), null));
    }

    public Task<IReadOnlyList<FinancingRequest>> FinancingRequestsAsync(ClaimsPrincipal user, FinancingStatus? status = null) =>
        Task.FromResult<IReadOnlyList<FinancingRequest>>(Requests.Where(r => status is null || r.Status == status).ToList());

    public Task<IReadOnlyList<MaturityDay>> CalendarAsync(ClaimsPrincipal user) =>
        Task.FromResult<IReadOnlyList<MaturityDay>>(Vouchers.Where(v => v.ParentId is null).GroupBy(v => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(v.MaturityAt).UtcDateTime))
            .Select(g => new MaturityDay(g.Key, g.ToList(), g.Sum(v => v.FaceFen))).ToList());

    public Task<IReadOnlyList<SettlementReport>> ReportsAsync(ClaimsPrincipal user) => Task.FromResult<IReadOnlyList<SettlementReport>>([]);

    public Task<IReadOnlyList<string>> OrganisationsWithRoleAsync(string role) =>
        Task.FromResult<IReadOnlyList<string>>(role == "Bank" ? ["ccb-bank", "icbc-bank"] : ["cable-co", "meter-co"]);
}

/// <summary>Records what a page asked to sign and answers a committed transaction.</summary>
public sealed class FakeReceivablesActions : IReceivablesActions
{
    public List<(string Method, object Args)> Calls { get; } = [];

    public Task<TxOutcome> SubmitAsync(ClaimsPrincipal user, string method, object args)
    {
        Calls.Add((method, args));
        var txId = new string('b', 64);
        return Task.FromResult(new TxOutcome(txId, 42, 0,
            new TxResult(txId, TxResult.Ok, null, [], JsonSerializer.SerializeToElement(new { voucherId = "RV000099" }, Chain.Encoding.CanonicalJson.SerializerOptions)), null));
    }
}

public abstract class ReceivablesComponentTestBase : IAsyncLifetime
{
    public const long Maturity = 1_798_761_600_000; // 2027-01-01
    protected BunitContext Ctx { get; } = new();
    protected FakeReceivablesQueries Queries { get; } = new();
    protected FakeReceivablesActions Actions { get; } = new();
    protected Dashboard.FakeBlockStream Blocks { get; } = new();

    protected ReceivablesComponentTestBase()
    {
        Ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        Ctx.Services.AddMudServices();
        Ctx.Services.AddLocalization();
        Ctx.Services.AddSingleton<IReceivablesQueries>(Queries);
        Ctx.Services.AddSingleton<IReceivablesActions>(Actions);
        Ctx.Services.AddSingleton<Features.Dashboard.IBlockStream>(Blocks);
    }

    protected void SignIn(string certificateId, params string[] roles)
    {
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized(certificateId);
        auth.SetRoles(roles);
        auth.SetClaims(new Claim(Identity.PortalClaimTypes.Organisation, certificateId.Split('/')[0]), new Claim(Identity.PortalClaimTypes.Certificate, certificateId));
    }

    protected static Voucher V(string id, string holder, long face, VoucherStatus status, string? parent = null, string root = "RV000001", params string[] children) =>
        new(id, root, parent, parent is null ? 0 : 1, "grid-east", holder, face, Maturity, new string('c', 64), new string('d', 64), 0, status, 1, 1, "cable order",
            children);

    protected void RenderProviders() => Ctx.Render<MudPopoverProvider>();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await Ctx.DisposeAsync();
}
