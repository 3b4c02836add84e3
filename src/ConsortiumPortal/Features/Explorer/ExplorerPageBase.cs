using ConsortiumPortal.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using MudBlazor;

namespace ConsortiumPortal.Features.Explorer;

/// <summary>What every explorer page needs: the queries, who is looking, texts and the CSV download.</summary>
public abstract class ExplorerPageBase : ComponentBase
{
    [Inject] protected IExplorerQueries Queries { get; set; } = default!;
    [Inject] protected IStringLocalizer<ExplorerStrings> T { get; set; } = default!;
    [Inject] protected IJSRuntime JS { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected async Task<ExplorerViewer> ViewerAsync() =>
        AuthenticationState is null ? new ExplorerViewer(null, false) : ExplorerViewer.From((await AuthenticationState).User);

    protected static PageRequest Page(TableState state) =>
        new(state.Page, state.PageSize, state.SortLabel, state.SortDirection != SortDirection.Ascending);

    protected Task DownloadCsvAsync(string fileName, string csv) => JS.InvokeVoidAsync("portal.downloadText", fileName, Csv.MimeType, csv).AsTask();

    /// <summary>A failed query shown to the person: the reason, not a stack trace.</summary>
    protected string Describe(Exception e) => $"{T["The ledger could not be read"]}: {e.Message}";
}
