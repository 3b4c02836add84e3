using ConsortiumPortal.Identity;
using ConsortiumPortal.Node;
using Microsoft.AspNetCore.Authorization;

namespace ConsortiumPortal.Jobs;

/// <summary>
/// Operators of this node: the OrgAdmins of the organisation that runs it. Other members' admins manage their own
/// nodes; the job dashboard shows this node's internals (arguments, errors), so it is not for them.
/// </summary>
public sealed class NodeOperatorPolicy : AuthorizationHandler<NodeOperatorPolicy.Requirement>
{
    public const string Name = "NodeOperator";

    public sealed class Requirement : IAuthorizationRequirement;

    private readonly NodeHostedService _host;

    public NodeOperatorPolicy(NodeHostedService host) => _host = host;

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
    {
        if (!context.User.IsInRole(Chain.Execution.Roles.OrgAdmin) || !_host.Runtime.IsCompletedSuccessfully) return;
        var runtime = await _host.Runtime;
        if (context.User.OrganisationId() == runtime.Identity.OrganisationId) context.Succeed(requirement);
    }
}

internal static class NodeOperatorPolicyExtensions
{
    public static IServiceCollection AddNodeOperatorPolicy(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, NodeOperatorPolicy>();
        services.AddAuthorizationBuilder().AddPolicy(NodeOperatorPolicy.Name, p => p.RequireAuthenticatedUser().AddRequirements(new NodeOperatorPolicy.Requirement()));
        return services;
    }
}
