namespace ConsortiumPortal.Features.Evidence;

public static class EvidenceExtensions
{
    /// <summary>Services of document evidence: the sealed document store, reads from world state and the signed writes.</summary>
    public static WebApplicationBuilder AddEvidence(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DocumentStore>();
        builder.Services.AddSingleton<EvidenceQueries>();
        builder.Services.AddScoped<EvidenceService>();
        return builder;
    }
}
