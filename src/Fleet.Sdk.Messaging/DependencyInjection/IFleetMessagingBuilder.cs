using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Messaging;

/// <summary>Returned by <c>AddFleetMessaging()</c>, to register the agent's RPC handlers.</summary>
public interface IFleetMessagingBuilder
{
    /// <summary>Gets the services.</summary>
    IServiceCollection Services { get; }
}

/// <summary>The default <see cref="IFleetMessagingBuilder"/>.</summary>
internal sealed class FleetMessagingBuilder(IServiceCollection services) : IFleetMessagingBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>One action registered through <see cref="FleetMessagingBuilderExtensions"/>.</summary>
internal sealed record RpcHandlerRegistration(string Action, Func<IServiceProvider, AgentRpcHandler> Factory);
