using Fleet.Sdk.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds messaging to a host.</summary>
public static class FleetMessagingHostApplicationBuilderExtensions
{
    /// <summary>
    /// Registers messaging from the builder's <c>Fleet:Messaging</c> section (and security from
    /// <c>Fleet:Security</c>), then <paramref name="configure"/>. The host runs the RPC server when
    /// <c>Fleet:Messaging:Server:Endpoints</c> is set; invalid options fail start-up with every problem listed.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optionally changes the options after configuration is bound.</param>
    /// <returns>A builder to register RPC handlers.</returns>
    public static IFleetMessagingBuilder AddFleetMessaging<TBuilder>(this TBuilder builder, Action<FleetMessagingOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFleetSecurity();
        return FleetMessagingServiceCollectionExtensions.AddFleetMessagingCore(
            builder.Services,
            builder.Configuration.GetSection(MessagingConstants.SectionName),
            configure);
    }
}
