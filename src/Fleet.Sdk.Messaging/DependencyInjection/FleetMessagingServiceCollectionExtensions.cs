using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers messaging: the <see cref="ZmqContext"/> (with the agent's security), the CURVE key
/// generator, the RPC client factory, and the RPC server, which a host runs when
/// <c>Fleet:Messaging:Server:Endpoints</c> is set.
/// </summary>
public static class FleetMessagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers messaging configured from the <c>Fleet:Messaging</c> section of the registered
    /// <see cref="IConfiguration"/>, and security (<c>AddFleetSecurity()</c>) if not registered yet.
    /// Options are validated when the host starts. Repeat calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to register RPC handlers.</returns>
    public static IFleetMessagingBuilder AddFleetMessaging(this IServiceCollection services) =>
        AddFleetMessagingCore(services, section: null, configure: null);

    /// <summary>Registers messaging, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>A builder to register RPC handlers.</returns>
    public static IFleetMessagingBuilder AddFleetMessaging(this IServiceCollection services, Action<FleetMessagingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddFleetMessagingCore(services, section: null, configure);
    }

    /// <summary>Registers messaging bound from <paramref name="section"/> instead of <c>Fleet:Messaging</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>A builder to register RPC handlers.</returns>
    public static IFleetMessagingBuilder AddFleetMessaging(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFleetMessagingCore(services, section, configure: null);
    }

    internal static IFleetMessagingBuilder AddFleetMessagingCore(IServiceCollection services, IConfiguration? section, Action<FleetMessagingOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetSecurity();

        services.AddFleetOptions(MessagingConstants.SectionName, section, configure, typeof(FleetMessagingOptionsValidator));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new ZmqContext(
            sp.GetRequiredService<IOptions<FleetMessagingOptions>>().Value,
            sp.GetRequiredService<IFleetSecurity>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ICurveKeyGenerator, ZmqCurveKeyGenerator>();
        services.TryAddSingleton<IAgentRpcClientFactory, AgentRpcClientFactory>();
        services.TryAddSingleton(static sp => CreateServer(sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AgentRpcServerHostedService>());
        return new FleetMessagingBuilder(services);
    }

    private static AgentRpcServer CreateServer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<FleetMessagingOptions>>().Value;
        var handlers = new AgentRpcHandlers();
        foreach (var registration in services.GetServices<RpcHandlerRegistration>())
        {
            handlers.Add(registration.Action, registration.Factory(services));
        }

        // UseCurve unset: CURVE exactly when the agent has a certificate, so a configured agent is never plaintext by accident.
        var hasCertificate = !string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<FleetSecurityOptions>>().Value.CertificateName);
        return new AgentRpcServer(
            services.GetRequiredService<ZmqContext>(),
            options.Server,
            handlers,
            services.GetService<ILogger<AgentRpcServer>>(),
            useCurveByDefault: hasCertificate);
    }
}
