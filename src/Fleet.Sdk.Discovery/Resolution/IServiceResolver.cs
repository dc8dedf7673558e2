namespace Fleet.Sdk.Discovery;

/// <summary>Finds the instances of a service on any machine.</summary>
public interface IServiceResolver
{
    /// <summary>Gets whether the registry answered lately and how old the cached views are.</summary>
    DiscoveryStatus Status { get; }

    /// <summary>
    /// Resolves a service. A cached view is returned at once (kept current by change notifications
    /// and polling); otherwise the registry is asked, for at most <c>Fleet:Discovery:ResolveTimeout</c>.
    /// While the registry cannot be reached, the last known view is returned, marked
    /// <see cref="ServiceResolution.IsStale"/>, for up to <c>Fleet:Discovery:MaxStaleness</c>.
    /// </summary>
    /// <param name="serviceName">The service, for example <c>ModelManagerSuite</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The service's healthy instances (possibly none).</returns>
    /// <exception cref="ServiceNotFoundException">The registry cannot be reached and there is no view, or the view is older than the maximum staleness.</exception>
    ValueTask<ServiceResolution> ResolveAsync(string serviceName, CancellationToken cancellationToken = default);

    /// <summary>Streams changes of one service, or of every service: first the current state, then each change.</summary>
    /// <param name="serviceName">The service, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The changes.</returns>
    IAsyncEnumerable<ServiceChange> WatchAsync(string? serviceName = null, CancellationToken cancellationToken = default);

    /// <summary>Tells the resolver a call to an instance failed, for <see cref="EndpointSelection.LeastRecentlyFailed"/>.</summary>
    /// <param name="instance">The instance.</param>
    void ReportFailure(ServiceInstance instance);
}
