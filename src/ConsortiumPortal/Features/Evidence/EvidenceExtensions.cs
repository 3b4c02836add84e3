namespace ConsortiumPortal.Features.Evidence;

public static class EvidenceExtensions
{
    /// <summary>Services of document evidence: the sealed document store, reads from world state and the signed writes.</summary>
    public static WebApplicationBuilder AddEvidence(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DocumentStore>();
        builder.Services.AddSingleton<EvidenceQueries>();
        builder.Services.AddSingleton<IEvidenceQueries>(sp => sp.GetRequiredService<EvidenceQueries>());
        builder.Services.AddScoped<EvidenceService>();
        builder.Services.AddScoped<IEvidenceActions>(sp => sp.GetRequiredService<EvidenceService>());
        return builder;
    }
}
