using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Messaging;

/// <summary>Returned by <c>AddFleetMessaging()</c>, to register the agent's RPC handlers.</summary>
public interface IFleetMessagingBuilder
{
    /// <summary>Gets the services.</summary>
    IServiceCollection Services { get; }
}
