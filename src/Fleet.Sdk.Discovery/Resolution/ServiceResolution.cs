namespace Fleet.Sdk.Discovery;

/// <summary>
/// The view of one service at a moment: its healthy instances (passing first, then warning), and
/// whether that view is current or the last known one served during a registry partition.
/// Selecting from a cached resolution allocates nothing.
/// </summary>
public sealed class ServiceResolution
{
    private readonly ServiceInstance[] _instances;
    private readonly ServiceInstance[] _local;
    private readonly SelectionState _state;
    private readonly TimeProvider _time;

    internal ServiceResolution(string serviceName, ServiceInstance[] instances, string machine, DateTimeOffset refreshedAt, bool isStale, string source, SelectionState state, TimeProvider time)
    {
        ServiceName = serviceName;
        _instances = instances;
        _local = instances.Where(i => string.Equals(i.Machine, machine, StringComparison.Ordinal)).ToArray();
        RefreshedAt = refreshedAt;
        IsStale = isStale;
        Source = source;
        _state = state;
        _time = time;
    }

    /// <summary>Gets the service name.</summary>
    public string ServiceName { get; }

    /// <summary>Gets the healthy instances: passing ones first, then warning ones.</summary>
    public IReadOnlyList<ServiceInstance> Instances => _instances;

    /// <summary>Gets a value indicating whether there is no healthy instance.</summary>
    public bool IsEmpty => _instances.Length == 0;

    /// <summary>Gets a value indicating whether this is the last known view, served because the registry cannot be reached.</summary>
    public bool IsStale { get; }

    /// <summary>Gets when the registry last confirmed this view.</summary>
    public DateTimeOffset RefreshedAt { get; }

    /// <summary>Gets how old the view is.</summary>
    public TimeSpan Age => _time.GetUtcNow() - RefreshedAt;

    /// <summary>Gets the provider the view came from (<c>redis</c>, <c>static</c>...).</summary>
    public string Source { get; }

    internal ServiceResolution AsStale() => IsStale ? this : new(ServiceName, _instances, _state.Machine, RefreshedAt, isStale: true, Source, _state, _time);

    /// <summary>Picks one instance.</summary>
    /// <param name="policy">The policy; the resolver's configured one by default.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ServiceNotFoundException">No healthy instance is registered.</exception>
    public ServiceInstance Select(EndpointSelection? policy = null)
    {
        if (_instances.Length == 0)
        {
            throw DiscoveryErrors.NoInstances(ServiceName);
        }

        switch (policy ?? _state.DefaultPolicy)
        {
            case EndpointSelection.PreferSameMachine when _local.Length > 0:
                return _local[(int)((uint)_state.Next() % (uint)_local.Length)];
            case EndpointSelection.LeastRecentlyFailed:
                return _state.LeastRecentlyFailed(_instances);
            default:
                return _instances[(int)((uint)_state.Next() % (uint)_instances.Length)];
        }
    }

    /// <summary>Picks one instance and returns its endpoint of a kind.</summary>
    /// <param name="kind">The endpoint kind, for example <c>rpc</c>.</param>
    /// <param name="policy">The policy; the resolver's configured one by default.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="ServiceNotFoundException">No healthy instance has an endpoint of that kind.</exception>
    public string SelectEndpoint(string kind, EndpointSelection? policy = null)
    {
        return Select(policy).Endpoint(kind) ?? AnyEndpoint(kind);
    }

    // Kept apart so the common path allocates nothing (a lambda capturing kind would).
    private string AnyEndpoint(string kind) =>
        _instances.Select(i => i.Endpoint(kind)).FirstOrDefault(e => e is not null)
        ?? throw new ServiceNotFoundException($"No instance of '{ServiceName}' has an endpoint of kind '{kind}'; they have: {string.Join(", ", _instances.SelectMany(i => i.Endpoints.Keys).Distinct())}.");

    /// <inheritdoc />
    public override string ToString() =>
        $"{ServiceName}: {_instances.Length} instance(s) from {Source}{(IsStale ? $", stale for {Age.TotalSeconds:0} s" : string.Empty)}";
}
