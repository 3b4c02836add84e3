using ConsortiumPortal.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConsortiumPortal.Features.Vouchers;

public static class VouchersExtensions
{
    /// <summary>Renewable consumption vouchers: read model, meter-triggered issuance, the daily expiry job.</summary>
    public static WebApplicationBuilder AddVouchers(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<IVoucherQueries, VoucherQueries>();
        builder.Services.TryAddTransient<VoucherExpiryJob>();
        builder.Services.AddChainEventSubscriber<VoucherIssuanceSubscriber>(VoucherIssuanceSubscriber.SubscriberName);
        builder.Services.AddRecurringJob<VoucherExpiryJob>(VoucherExpiryJob.JobId, "10 0 * * *", job => job.RunAsync());
        return builder;
    }
}
