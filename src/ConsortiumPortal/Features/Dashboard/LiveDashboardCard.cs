using ConsortiumPortal.Components;
using ConsortiumPortal.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace ConsortiumPortal.Features.Dashboard;

/// <summary>
/// A dashboard card that follows committed blocks. The block handler runs on the ledger's apply thread, so it only
/// schedules work on the circuit (InvokeAsync). Cheap updates from the block summary apply at once; reloads that
/// read the ledger are coalesced: at most one every <see cref="ReloadInterval"/>, however fast blocks commit.
/// A failing read shows a readable alert in the card instead of breaking the circuit.
/// </summary>
public abstract class LiveDashboardCard : ComponentBase, IDisposable
{
    [Inject] protected IBlockStream Blocks { get; set; } = default!;
    [Inject] protected IDashboardQueries Queries { get; set; } = default!;
    [Inject] protected IStringLocalizer<DashboardStrings> T { get; set; } = default!;
    [Inject] private ILogger<LiveDashboardCard> Log { get; set; } = default!;

    /// <summary>Least time between two reloads caused by blocks.</summary>
    [Parameter] public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(1);

    protected bool Loading { get; private set; } = true;
    protected string? Error { get; private set; }

    private bool _disposed, _reloading, _reloadAgain;

    protected override async Task OnInitializedAsync()
    {
        Blocks.BlockCommitted += OnBlockCommitted;
        await LoadSafelyAsync();
    }

    /// <summary>Reads the card's data; exceptions become the card's error message.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Applies a committed block without reading the ledger; return true to also reload (coalesced).</summary>
    protected virtual bool OnBlock(BlockSummary block) => false;

    /// <summary>Reload soon (coalesced with other requests), e.g. from a timer.</summary>
    protected void RequestReload() => _ = InvokeSafelyAsync(ReloadCoalescedAsync);

    private void OnBlockCommitted(BlockSummary block) => _ = InvokeSafelyAsync(async () =>
    {
        if (_disposed) return;
        // A card showing an error tries again with the next block.
        var reload = OnBlock(block) | Error is not null;
        StateHasChanged();
        if (reload) await ReloadCoalescedAsync();
    });

    private async Task ReloadCoalescedAsync()
    {
        if (_disposed) return;
        if (_reloading) { _reloadAgain = true; return; }
        _reloading = true;
        try
        {
            do
            {
                _reloadAgain = false;
                await LoadSafelyAsync();
                if (_disposed) return;
                StateHasChanged();
                if (ReloadInterval > TimeSpan.Zero) await Task.Delay(ReloadInterval);
            } while (_reloadAgain && !_disposed);
        }
        finally { _reloading = false; }
    }

    private async Task LoadSafelyAsync()
    {
        try
        {
            await LoadAsync();
            Error = null;
        }
        catch (Exception e)
        {
            Log.LogWarning(e, "A dashboard card could not read the ledger");
            Error = e.Message;
        }
        finally { Loading = false; }
    }

    private async Task InvokeSafelyAsync(Func<Task> work)
    {
        try { await InvokeAsync(work); }
        catch (Exception e) when (_disposed || e is ObjectDisposedException) { }
        catch (Exception e) { Log.LogWarning(e, "A dashboard card failed to update"); }
    }

    public virtual void Dispose()
    {
        _disposed = true;
        Blocks.BlockCommitted -= OnBlockCommitted;
        GC.SuppressFinalize(this);
    }
}
