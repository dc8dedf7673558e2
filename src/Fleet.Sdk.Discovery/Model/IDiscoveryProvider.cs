namespace Fleet.Sdk.Discovery;

/// <summary>
/// A registry of service instances. Fleet.Sdk ships Redis, static (topology), in-memory and
/// composite providers; all pass the same conformance suite. Implementations are thread-safe.
/// </summary>
public interface IDiscoveryProvider
{
    /// <summary>Gets a short name for logs and diagnostics: <c>redis</c>, <c>static</c>, <c>in-memory</c>, <c>composite</c>.</summary>
    string Name { get; }

    /// <summary>Registers or refreshes an instance for <paramref name="ttl"/>; a heartbeat is the same call.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="ownerToken">Identifies the registering process: another token cannot overwrite a live registration.</param>
    /// <param name="ttl">How long the registration lives without another heartbeat.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the registry holds the instance.</returns>
    /// <exception cref="RegistrationConflictException">A live registration with the same id belongs to another process.</exception>
    /// <exception cref="DiscoveryUnavailableException">The registry cannot be reached.</exception>
    Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Removes an instance registered with <paramref name="ownerToken"/>; removing an absent one is harmless.</summary>
    /// <param name="serviceName">The service.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="ownerToken">The token it was registered with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the instance is gone.</returns>
    /// <exception cref="RegistrationConflictException">The instance belongs to another process.</exception>
    /// <exception cref="DiscoveryUnavailableException">The registry cannot be reached.</exception>
    Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default);

    /// <summary>Gets the live instances of a service, whatever their health.</summary>
    /// <param name="serviceName">The service.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instances; empty when there are none.</returns>
    /// <exception cref="DiscoveryUnavailableException">The registry cannot be reached.</exception>
    Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default);

    /// <summary>Gets every live instance of every service.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instances.</returns>
    /// <exception cref="DiscoveryUnavailableException">The registry cannot be reached.</exception>
    Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onServiceChanged"/> with a service's name soon after it changes, where the provider can tell (best effort: resolvers also poll).</summary>
    /// <param name="onServiceChanged">Called on a provider thread; must not block.</param>
    /// <returns>Stops the notifications when disposed.</returns>
    IDisposable WatchChanges(Action<string> onServiceChanged);
}
