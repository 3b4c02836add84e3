using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.ClusterStatus;

/// <summary>
/// The whole portal in-process on a fresh demo data directory: a running single-node pilot. Reuses the
/// <see cref="PortalApp"/> host (same settings as deployed) and exposes what the cluster tests need.
/// </summary>
public sealed class ClusterApp : IAsyncLifetime
{
    public PortalApp Portal { get; } = new();

    public Task InitializeAsync() => Portal.InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync() => await ((IAsyncLifetime)Portal).DisposeAsync();

    /// <summary>An anonymous client: no cookie, no API key.</summary>
    public HttpClient Anonymous() => Portal.Client();
}
