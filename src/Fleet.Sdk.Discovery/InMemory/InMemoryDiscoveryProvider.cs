namespace Fleet.Sdk.Discovery;

/// <summary>
/// A registry held in memory, with the same TTL, ownership and change semantics as the Redis one:
/// for tests, and for several agents hosted in one process. Share one instance between them.
/// </summary>
public sealed class InMemoryDiscoveryProvider : IDiscoveryProvider
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Service, string Id), Entry> _entries = [];
    private readonly List<Action<string>> _watchers = [];

    /// <summary>Creates an empty registry.</summary>
    /// <param name="timeProvider">The clock that expires registrations; the system clock by default.</param>
    public InMemoryDiscoveryProvider(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "in-memory";

    /// <inheritdoc />
    public Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ServiceNames.Validate(instance);
        ArgumentException.ThrowIfNullOrEmpty(ownerToken);
        bool changed;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var key = (instance.ServiceName, instance.InstanceId);
            if (_entries.TryGetValue(key, out var current) && current.ExpiresAt > now && current.Owner != ownerToken)
            {
                throw DiscoveryErrors.Conflict(instance.ServiceName, instance.InstanceId, current.Instance.Machine, current.Pid, current.ExpiresAt - now);
            }

            var stored = instance with { LastHeartbeat = now };
            changed = current is null || current.ExpiresAt <= now || !SameContent(current.Instance, stored);
            _entries[key] = new Entry(stored, ownerToken, now + ttl, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (changed)
        {
            Notify(instance.ServiceName);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_entries.TryGetValue((serviceName, instanceId), out var current))
            {
                if (current.ExpiresAt > now && current.Owner != ownerToken)
                {
                    throw DiscoveryErrors.Conflict(serviceName, instanceId, current.Instance.Machine, current.Pid, current.ExpiresAt - now);
                }

                _entries.Remove((serviceName, instanceId));
            }
        }

        Notify(serviceName);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            IReadOnlyList<ServiceInstance> live = _entries.Values
                .Where(e => e.ExpiresAt > now && e.Instance.ServiceName == serviceName)
                .Select(e => e.Instance)
                .ToList();
            return Task.FromResult(live);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            IReadOnlyList<ServiceInstance> live = _entries.Values.Where(e => e.ExpiresAt > now).Select(e => e.Instance).ToList();
            return Task.FromResult(live);
        }
    }

    /// <inheritdoc />
    public IDisposable WatchChanges(Action<string> onServiceChanged)
    {
        ArgumentNullException.ThrowIfNull(onServiceChanged);
        lock (_gate)
        {
            _watchers.Add(onServiceChanged);
        }

        return new Unsubscriber(this, onServiceChanged);
    }

    internal static bool SameContent(ServiceInstance a, ServiceInstance b) =>
        a.Machine == b.Machine && a.Version == b.Version && a.Health == b.Health &&
        SameMap(a.Endpoints, b.Endpoints) && SameMap(a.Metadata, b.Metadata);

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private void Notify(string service)
    {
        Action<string>[] watchers;
        lock (_gate)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher(service);
        }
    }

    private sealed record Entry(ServiceInstance Instance, string Owner, DateTimeOffset ExpiresAt, string Pid);

    private sealed class Unsubscriber(InMemoryDiscoveryProvider owner, Action<string> watcher) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._watchers.Remove(watcher);
            }
        }
    }
}
