using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Messaging;

/// <summary>The default <see cref="IFleetMessagingBuilder"/>.</summary>
internal sealed class FleetMessagingBuilder(IServiceCollection services) : IFleetMessagingBuilder
{
    public IServiceCollection Services { get; } = services;
}
