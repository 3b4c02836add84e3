namespace ConsortiumPortal.Features.Verify;

public static class VerifyExtensions
{
    /// <summary>Services of the the public receipt Verify page and its printable report.</summary>
    public static WebApplicationBuilder AddReceiptVerification(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
