namespace ConsortiumPortal.Features.Verify;

public static class VerifyExtensions
{
    /// <summary>
    /// Services of the public receipt Verify page and its printable report. The page needs none: it verifies the receipt
    /// from its own JSON (ReceiptVerifier) and asks the ledger nothing, so it works signed out and on any node.
    /// </summary>
    public static WebApplicationBuilder AddReceiptVerification(this WebApplicationBuilder builder)
    {
        return builder;
    }
}
