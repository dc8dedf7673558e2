using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// The caching resolver: a view per service, refreshed on change notifications and by polling,
/// served stale during partitions, with watches fed by every refresh.
/// </summary>
internal sealed partial class ServiceResolver : IServiceResolver, IDisposable
{
    private static readonly TimeSpan IdleEviction = TimeSpan.FromMinutes(10);

    private readonly IDiscoveryProvider _provider;
    private readonly FleetDiscoveryOptions _options;
    private readonly string _machine;
    private readonly DiscoveryMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Watcher, byte> _watchers = new();
    private readonly IDisposable _subscription;
    private readonly ITimer _timer;
    private volatile StatusSnapshot _status = new(true, null, null);
    private int _polling;

    public ServiceResolver(IDiscoveryProvider provider, FleetDiscoveryOptions options, string machine, DiscoveryMetrics metrics, TimeProvider time, ILogger logger)
    {
        _provider = provider;
        _options = options;
        _machine = machine;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _metrics.ObserveCacheAge(() => OldestAge().TotalSeconds);
        _subscription = provider.WatchChanges(OnChanged);
        _timer = time.CreateTimer(_ => _ = PollAsync(), null, options.EffectiveRefresh, options.EffectiveRefresh);
    }

    public DiscoveryStatus Status
    {
        get
        {
            var status = _status;
            return new DiscoveryStatus(_provider.Name, status.Reachable, status.LastSuccess, status.LastError, OldestAge(), _entries.Count);
        }
    }

    public ValueTask<ServiceResolution> ResolveAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        if (_entries.TryGetValue(serviceName, out var entry) && entry.Current is { } current)
        {
            entry.LastAccess = _time.GetTimestamp();

            // Current, or stale but young enough: answer at once. During a partition the poller
            // keeps retrying the registry; resolutions never wait for it.
            if (!current.IsStale || current.Age <= _options.MaxStaleness)
            {
                if (current.IsStale)
                {
                    _metrics.Resolved("stale");
                }

                return new ValueTask<ServiceResolution>(current);
            }
        }

        return ResolveSlowAsync(serviceName, cancellationToken);
    }

    public async IAsyncEnumerable<ServiceChange> WatchAsync(string? serviceName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ServiceChange>(new UnboundedChannelOptions { SingleReader = true });
        var watcher = new Watcher(serviceName, channel.Writer);
        _watchers.TryAdd(watcher, 0);
        try
        {
            // The current state first, as Consul's blocking queries do.
            if (serviceName is null)
            {
                await PollAllServicesAsync(initialFor: watcher, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // A first refresh publishes the current state to this watcher itself; a cached view is sent here.
                var entry = _entries.GetOrAdd(serviceName, NewEntry);
                if (entry.Current is { } current)
                {
                    watcher.Writer.TryWrite(new ServiceChange(serviceName, current.Instances, current.Instances, [], []));
                }
                else
                {
                    await RefreshQuietAsync(serviceName, entry).ConfigureAwait(false);
                    if (entry.Current is null)
                    {
                        watcher.Writer.TryWrite(new ServiceChange(serviceName, [], [], [], []));
                    }
                }
            }

            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            _watchers.TryRemove(watcher, out _);
        }
    }

    public void ReportFailure(ServiceInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (_entries.TryGetValue(instance.ServiceName, out var entry))
        {
            entry.State.ReportFailure(instance.InstanceId);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _subscription.Dispose();
        foreach (var watcher in _watchers.Keys)
        {
            watcher.Writer.TryComplete();
        }
    }

    private async ValueTask<ServiceResolution> ResolveSlowAsync(string serviceName, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(serviceName, NewEntry);
        entry.LastAccess = _time.GetTimestamp();
        try
        {
            var resolution = await RefreshAsync(serviceName, entry, cancellationToken).ConfigureAwait(false);
            _metrics.Resolved("refreshed");
            return resolution;
        }
        catch (DiscoveryUnavailableException ex)
        {
            if (entry.Current is { } last)
            {
                if (last.Age <= _options.MaxStaleness)
                {
                    _metrics.Resolved("stale");
                    return last;
                }

                _metrics.Resolved("failed");
                throw DiscoveryErrors.TooStale(serviceName, last.Age, _options.MaxStaleness, ex);
            }

            if (_provider is IDiscoveryFallback fallback)
            {
                var configured = await fallback.FetchFallbackAsync(serviceName, cancellationToken).ConfigureAwait(false);
                if (configured.Count > 0)
                {
                    // Marked stale from the start: the registry has not confirmed it.
                    var resolution = Publish(serviceName, entry, configured).AsStale();
                    Interlocked.Exchange(ref entry.CurrentField, resolution);
                    _metrics.Resolved("fallback");
                    return resolution;
                }
            }

            _metrics.Resolved("failed");
            throw DiscoveryErrors.NeverResolved(serviceName, ex);
        }
    }

    private async Task<ServiceResolution> RefreshAsync(string serviceName, Entry entry, CancellationToken cancellationToken)
    {
        IReadOnlyList<ServiceInstance> instances;
        try
        {
            instances = await _provider.FetchAsync(serviceName, cancellationToken).WaitAsync(_options.ResolveTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            Failed("fetch", entry, ex.Message);
            throw new DiscoveryUnavailableException(DiscoveryErrors.Timeout(_provider.Name, $"for '{serviceName}'", _options.ResolveTimeout).Message, ex);
        }
        catch (DiscoveryUnavailableException ex)
        {
            Failed("fetch", entry, ex.Message);
            throw;
        }

        Succeeded();
        return Publish(serviceName, entry, instances);
    }

    private ServiceResolution Publish(string serviceName, Entry entry, IReadOnlyList<ServiceInstance> instances) =>
        Publish(serviceName, entry, instances, out _);

    private ServiceResolution Publish(string serviceName, Entry entry, IReadOnlyList<ServiceInstance> instances, out bool notified)
    {
        var healthy = instances
            .Where(i => i.Health != InstanceHealth.Critical)
            .OrderBy(i => i.Health)
            .ThenBy(i => i.InstanceId, StringComparer.Ordinal)
            .ToArray();
        var resolution = new ServiceResolution(serviceName, healthy, _machine, _time.GetUtcNow(), isStale: false, _provider.Name, entry.State, _time);
        var previous = Interlocked.Exchange(ref entry.CurrentField, resolution);
        notified = NotifyWatchers(serviceName, previous, resolution);
        return resolution;
    }

    private bool NotifyWatchers(string serviceName, ServiceResolution? previous, ServiceResolution current)
    {
        if (_watchers.IsEmpty)
        {
            return false;
        }

        var before = previous?.Instances ?? [];
        var after = current.Instances;
        var added = after.Where(a => !before.Any(b => b.InstanceId == a.InstanceId)).ToList();
        var removed = before.Where(b => !after.Any(a => a.InstanceId == b.InstanceId)).ToList();
        var changed = after.Where(a => before.FirstOrDefault(b => b.InstanceId == a.InstanceId) is { } b && !InMemoryDiscoveryProvider.SameContent(a, b)).ToList();
        if (previous is not null && added.Count == 0 && removed.Count == 0 && changed.Count == 0)
        {
            return false;
        }

        var change = new ServiceChange(serviceName, after, added, removed, changed);
        foreach (var watcher in _watchers.Keys)
        {
            if (watcher.Service is null || watcher.Service == serviceName)
            {
                watcher.Writer.TryWrite(change);
            }
        }

        return true;
    }

    private void OnChanged(string serviceName)
    {
        if (_entries.TryGetValue(serviceName, out var entry))
        {
            _ = RefreshQuietAsync(serviceName, entry);
        }
        else if (_watchers.Keys.Any(w => w.Service is null))
        {
            _ = RefreshQuietAsync(serviceName, _entries.GetOrAdd(serviceName, NewEntry));
        }
    }

    private async Task RefreshQuietAsync(string serviceName, Entry entry)
    {
        if (Interlocked.Exchange(ref entry.Refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            await RefreshAsync(serviceName, entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DiscoveryUnavailableException)
        {
            // Failed() already marked the view stale and recorded the error; the next poll retries.
        }
        finally
        {
            Volatile.Write(ref entry.Refreshing, 0);
        }
    }

    private async Task PollAsync()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            var watchingAll = _watchers.Keys.Any(w => w.Service is null);
            foreach (var (name, entry) in _entries)
            {
                var idle = _time.GetElapsedTime(entry.LastAccess, now) > IdleEviction;
                if (idle && !watchingAll && !_watchers.Keys.Any(w => w.Service == name))
                {
                    _entries.TryRemove(name, out _);
                    continue;
                }

                if (!watchingAll)
                {
                    await RefreshQuietAsync(name, entry).ConfigureAwait(false);
                }
            }

            if (watchingAll)
            {
                await PollAllServicesAsync(initialFor: null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private async Task PollAllServicesAsync(Watcher? initialFor, CancellationToken cancellationToken)
    {
        IReadOnlyList<ServiceInstance> all;
        try
        {
            all = await _provider.FetchAllAsync(cancellationToken).WaitAsync(_options.ResolveTimeout, _time, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception ex) when (ex is DiscoveryUnavailableException or TimeoutException)
        {
            Failed("fetch-all", null, ex.Message);
            foreach (var entry in _entries.Values)
            {
                MarkStale(entry);
            }

            return;
        }

        var byService = all.GroupBy(i => i.ServiceName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<ServiceInstance>)g.ToList(), StringComparer.Ordinal);
        foreach (var name in byService.Keys.Union(_entries.Keys, StringComparer.Ordinal).ToList())
        {
            var entry = _entries.GetOrAdd(name, NewEntry);
            var resolution = Publish(name, entry, byService.TryGetValue(name, out var list) ? list : [], out var notified);
            if (initialFor is not null && !notified && !resolution.IsEmpty)
            {
                initialFor.Writer.TryWrite(new ServiceChange(name, resolution.Instances, resolution.Instances, [], []));
            }
        }
    }

    private Entry NewEntry(string serviceName) =>
        new(new SelectionState(_machine, _options.Selection, _time)) { LastAccess = _time.GetTimestamp() };

    private void Succeeded()
    {
        if (!_status.Reachable)
        {
            LogReachable(_logger, _provider.Name);
        }

        _status = new StatusSnapshot(true, _time.GetUtcNow(), null);
    }

    private void Failed(string operation, Entry? entry, string error)
    {
        _metrics.RegistryError(operation);
        var previous = _status;
        if (previous.Reachable)
        {
            LogUnreachable(_logger, _provider.Name, error);
        }

        _status = new StatusSnapshot(false, previous.LastSuccess, error);
        if (entry is not null)
        {
            MarkStale(entry);
        }
    }

    private static void MarkStale(Entry entry)
    {
        var current = entry.Current;
        if (current is not null && !current.IsStale)
        {
            Interlocked.CompareExchange(ref entry.CurrentField, current.AsStale(), current);
        }
    }

    private TimeSpan OldestAge()
    {
        var oldest = TimeSpan.Zero;
        foreach (var entry in _entries.Values)
        {
            if (entry.Current is { } current && current.Age > oldest)
            {
                oldest = current.Age;
            }
        }

        return oldest;
    }

    [LoggerMessage(EventId = 6020, Level = LogLevel.Warning,
        Message = "The {Provider} registry cannot be reached ({Error}); resolutions serve the last known views, marked stale, for up to Fleet:Discovery:MaxStaleness.")]
    private static partial void LogUnreachable(ILogger logger, string provider, string error);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Information, Message = "The {Provider} registry answers again; views are current.")]
    private static partial void LogReachable(ILogger logger, string provider);

    private sealed class Entry(SelectionState state)
    {
        public ServiceResolution? CurrentField;
        public int Refreshing;
        public long LastAccess;

        public SelectionState State { get; } = state;

        public ServiceResolution? Current => Volatile.Read(ref CurrentField);
    }

    private sealed record Watcher(string? Service, ChannelWriter<ServiceChange> Writer);

    private sealed record StatusSnapshot(bool Reachable, DateTimeOffset? LastSuccess, string? LastError);
}
