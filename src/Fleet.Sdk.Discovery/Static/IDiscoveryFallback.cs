namespace Fleet.Sdk.Discovery;

/// <summary>A provider that can still answer, from a secondary source, when its registry cannot be reached.</summary>
public interface IDiscoveryFallback
{
    /// <summary>Gets a service's instances from the secondary source (for example the topology file).</summary>
    /// <param name="serviceName">The service.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The instances; empty when the secondary source does not know the service.</returns>
    Task<IReadOnlyList<ServiceInstance>> FetchFallbackAsync(string serviceName, CancellationToken cancellationToken = default);
}
