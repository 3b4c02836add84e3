using Bunit;
using ConsortiumPortal.Jobs;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Jobs;

/// <summary>How one job's progress reads on the Jobs page: not run, running with a share done, finished, failed.</summary>
public sealed class JobProgressViewTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Started = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private readonly BunitContext _ctx = new();

    public JobProgressViewTests()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLocalization();
    }

    private IRenderedComponent<JobProgressView> Render(JobProgress? progress) =>
        _ctx.Render<JobProgressView>(p => p.Add(c => c.Progress, progress));

    [Fact]
    public void A_job_that_never_ran_says_so_and_shows_no_bar()
    {
        var cut = Render(null);
        Assert.Contains("not run yet", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=job-progress]"));
    }

    [Fact]
    public void A_running_job_shows_its_share_done_and_what_it_is_doing()
    {
        var cut = Render(new JobProgress("meter-day-settlement", 30, 120, "settling meter days: 30 of 120", Started, Started.AddSeconds(2), false, null));
        Assert.Equal(25, new JobProgress("x", 30, 120, "", Started, Started, false, null).Percent);
        Assert.Contains("settling meter days: 30 of 120", cut.Find("[data-testid=job-message]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=job-progress]"));
    }

    [Fact]
    public void A_failed_job_shows_the_error_not_the_last_message()
    {
        var cut = Render(new JobProgress("meter-day-settlement", 0, 0, "stopped at block 12", Started, Started.AddSeconds(3), true, "settling M-1 was not accepted: busy"));
        var message = cut.Find("[data-testid=job-message]").TextContent;
        Assert.Contains("failed: settling M-1 was not accepted: busy", message);
        Assert.DoesNotContain("stopped at block 12", message);
    }

    [Fact]
    public void The_board_keeps_the_start_of_a_run_across_reports_and_marks_the_end()
    {
        var clock = new ManualClock(Started);
        var board = new JobProgressBoard(clock);
        var seen = new List<JobProgress>();
        board.Changed += seen.Add;
        board.Start("job", "from block 1");
        clock.Advance(TimeSpan.FromSeconds(5));
        board.Report("job", 5, 10, "half");
        clock.Advance(TimeSpan.FromSeconds(5));
        board.Finish("job", "done");
        var last = board.Get("job")!;
        Assert.Equal(3, seen.Count);
        Assert.Equal(Started, last.StartedAt);
        Assert.Equal(Started.AddSeconds(10), last.UpdatedAt);
        Assert.True(last.Finished);
        Assert.Equal(100, last.Percent);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _ctx.DisposeAsync();
}
