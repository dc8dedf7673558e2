using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="FleetIdentity"/> every Fleet.Sdk package reads its machine and agent name from.</summary>
public static class FleetIdentityServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FleetIdentity"/>, worked out once from the registered <see cref="IConfiguration"/>
    /// and <see cref="IHostEnvironment"/> (<see cref="FleetIdentity.Resolve"/>). An identity registered
    /// before is kept. Every Fleet.Sdk package calls this; repeat calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetIdentity(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static sp => FleetIdentity.Resolve(sp.GetService<IConfiguration>(), sp.GetService<IHostEnvironment>()));
        return services;
    }
}
