namespace Fleet.Sdk.Discovery;

/// <summary>Per-service selection state shared by every resolution of that service.</summary>
internal sealed class SelectionState(string machine, EndpointSelection defaultPolicy, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private int _next = -1;

    public string Machine { get; } = machine;

    public EndpointSelection DefaultPolicy { get; } = defaultPolicy;

    public int Next() => Interlocked.Increment(ref _next);

    public void ReportFailure(string instanceId) => _failures[instanceId] = time.GetUtcNow().UtcTicks;

    public ServiceInstance LeastRecentlyFailed(ServiceInstance[] instances)
    {
        var start = (int)((uint)Next() % (uint)instances.Length);
        ServiceInstance best = instances[start];
        var bestTicks = _failures.TryGetValue(best.InstanceId, out var t) ? t : 0;
        for (var i = 1; i < instances.Length; i++)
        {
            var candidate = instances[(start + i) % instances.Length];
            var ticks = _failures.TryGetValue(candidate.InstanceId, out var c) ? c : 0;
            if (ticks < bestTicks)
            {
                best = candidate;
                bestTicks = ticks;
            }
        }

        return best;
    }
}
