namespace ConsortiumPortal.Features.Organisation;

public static class OrganisationExtensions
{
    /// <summary>Services of the people, roles, revocation and API keys of the signed-in admin's organisation.</summary>
    public static WebApplicationBuilder AddOrganisationAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PeopleDirectory>();
        builder.Services.AddScoped<PeopleAdmin>();
        return builder;
    }
}
