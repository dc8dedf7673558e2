namespace Fleet.Sdk.Discovery;

/// <summary>
/// Redis first, the topology as fallback. With Redis reachable, a service's live registrations are
/// its instances, and a service nobody registered (a legacy Python agent) is found in the topology.
/// With Redis unreachable, calls fail like Redis's, so the resolver serves its last known views,
/// marked stale; for a service it never resolved, it asks <see cref="IDiscoveryFallback"/> and
/// serves the topology's entry, also marked stale.
/// </summary>
internal sealed class CompositeDiscoveryProvider(IDiscoveryProvider primary, StaticDiscoveryProvider fallback) : IDiscoveryProvider, IDiscoveryFallback
{
    public string Name => "composite";

    public Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        primary.RegisterAsync(instance, ownerToken, ttl, cancellationToken);

    public Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default) =>
        primary.DeregisterAsync(serviceName, instanceId, ownerToken, cancellationToken);

    public async Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        var registered = await primary.FetchAsync(serviceName, cancellationToken).ConfigureAwait(false);
        return registered.Count > 0 ? registered : await fallback.FetchAsync(serviceName, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default)
    {
        var registered = await primary.FetchAllAsync(cancellationToken).ConfigureAwait(false);
        var configured = await fallback.FetchAllAsync(cancellationToken).ConfigureAwait(false);
        var services = registered.Select(r => r.ServiceName).ToHashSet(StringComparer.Ordinal);
        return [.. registered, .. configured.Where(c => !services.Contains(c.ServiceName))];
    }

    public IDisposable WatchChanges(Action<string> onServiceChanged)
    {
        var first = primary.WatchChanges(onServiceChanged);
        var second = fallback.WatchChanges(onServiceChanged);
        return new Both(first, second);
    }

    public Task<IReadOnlyList<ServiceInstance>> FetchFallbackAsync(string serviceName, CancellationToken cancellationToken = default) =>
        fallback.FetchAsync(serviceName, cancellationToken);

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
