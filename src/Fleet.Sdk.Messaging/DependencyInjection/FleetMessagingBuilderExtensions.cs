using Fleet.Sdk.Messaging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the agent's RPC handlers.</summary>
public static class FleetMessagingBuilderExtensions
{
    /// <summary>Registers an asynchronous handler for <paramref name="action"/>.</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="action">The action name (exact, case-sensitive).</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFleetMessagingBuilder AddRpcHandler(this IFleetMessagingBuilder builder, string action, AgentRpcHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddRpcHandler(action, _ => handler);
    }

    /// <summary>Registers a synchronous handler for <paramref name="action"/>; its return value is the reply.</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="action">The action name.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFleetMessagingBuilder AddRpcHandler(this IFleetMessagingBuilder builder, string action, Func<RpcRequest, object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddRpcHandler(action, _ => (request, _) => ValueTask.FromResult(handler(request)));
    }

    /// <summary>Registers a handler built from the container (to use the agent's services).</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="action">The action name.</param>
    /// <param name="factory">Builds the handler once, when the server is created.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFleetMessagingBuilder AddRpcHandler(this IFleetMessagingBuilder builder, string action, Func<IServiceProvider, AgentRpcHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(new RpcHandlerRegistration(action, factory));
        return builder;
    }
}
