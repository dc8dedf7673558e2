using System.Diagnostics.Metrics;

namespace Fleet.Sdk.Discovery;

/// <summary>Discovery's metrics (meter <c>Fleet.Sdk.Discovery</c>) and the counters behind its health check.</summary>
internal sealed class DiscoveryMetrics
{
    public const string MeterName = "Fleet.Sdk.Discovery";

    private readonly Counter<long> _registryCalls;
    private readonly Counter<long> _corrupt;
    private readonly Counter<long> _resolutions;
    private readonly Counter<long> _registryErrors;
    private long _corruptCount;
    private long _staleCount;
    private Func<double> _cacheAge = static () => 0;

    public DiscoveryMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _registryCalls = meter.CreateCounter<long>("fleet.discovery.registry.calls", "{call}", "Calls to the registry, by operation.");
        _registryErrors = meter.CreateCounter<long>("fleet.discovery.registry.errors", "{error}", "Registry calls that failed (unreachable or too slow).");
        _corrupt = meter.CreateCounter<long>("fleet.discovery.entries.corrupt", "{entry}", "Registry entries skipped because they are not valid registrations.");
        _resolutions = meter.CreateCounter<long>("fleet.discovery.resolutions", "{resolution}", "Resolutions, by outcome: cached, refreshed, stale, failed.");
        meter.CreateObservableGauge("fleet.discovery.cache.age", () => _cacheAge(), "s", "Age of the oldest cached view.");
    }

    public long CorruptEntries => Interlocked.Read(ref _corruptCount);

    public long StaleResolutions => Interlocked.Read(ref _staleCount);

    public void ObserveCacheAge(Func<double> seconds) => _cacheAge = seconds;

    public void RegistryCall(string operation) => _registryCalls.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void RegistryError(string operation) => _registryErrors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void CorruptEntry()
    {
        Interlocked.Increment(ref _corruptCount);
        _corrupt.Add(1);
    }

    public void Resolved(string outcome)
    {
        if (outcome == "stale")
        {
            Interlocked.Increment(ref _staleCount);
        }

        _resolutions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }
}
