using ConsortiumPortal.Jobs;

namespace ConsortiumPortal.Features.Receivables;

public static class ReceivablesExtensions
{
    /// <summary>Supply-chain receivables: reads from world state, signed writes, and the maturity settlement job.</summary>
    public static WebApplicationBuilder AddReceivables(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReceivablesQueries>();
        builder.Services.AddSingleton<IReceivablesQueries>(sp => sp.GetRequiredService<ReceivablesQueries>());
        builder.Services.AddScoped<ReceivablesService>();
        builder.Services.AddScoped<IReceivablesActions>(sp => sp.GetRequiredService<ReceivablesService>());
        builder.Services.AddTransient<MaturitySettlementJob>();
        builder.Services.AddRecurringJob<MaturitySettlementJob>(MaturitySettlementJob.JobId, "* * * * *", job => job.RunAsync(CancellationToken.None));
        return builder;
    }
}
