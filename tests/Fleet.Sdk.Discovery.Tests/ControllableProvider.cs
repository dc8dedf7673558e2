namespace Fleet.Sdk.Discovery.Tests;

/// <summary>
/// An in-memory registry that a test can cut off (every call fails as if Redis were down) or make
/// hang (calls never answer), and that counts fetches: the resolver's logic under registry faults.
/// Real Redis faults are exercised by the integration tests.
/// </summary>
internal sealed class ControllableProvider(TimeProvider? time = null) : IDiscoveryProvider
{
    private readonly InMemoryDiscoveryProvider _inner = new(time);
    private int _fetches;

    public volatile bool Down;
    public volatile bool Hang;

    public string Name => "controllable";

    public int Fetches => Volatile.Read(ref _fetches);

    public InMemoryDiscoveryProvider Inner => _inner;

    public async Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        await _inner.RegisterAsync(instance, ownerToken, ttl, cancellationToken);
    }

    public async Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        await _inner.DeregisterAsync(serviceName, instanceId, ownerToken, cancellationToken);
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _fetches);
        await FaultAsync(cancellationToken);
        return await _inner.FetchAsync(serviceName, cancellationToken);
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        return await _inner.FetchAllAsync(cancellationToken);
    }

    public IDisposable WatchChanges(Action<string> onServiceChanged) => _inner.WatchChanges(onServiceChanged);

    private async Task FaultAsync(CancellationToken cancellationToken)
    {
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Down)
        {
            throw new DiscoveryUnavailableException("simulated: registry down");
        }
    }
}
