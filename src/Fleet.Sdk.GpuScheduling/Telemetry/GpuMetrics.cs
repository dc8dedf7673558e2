using System.Diagnostics.Metrics;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>GPU scheduling's metrics (meter <c>Fleet.Sdk.GpuScheduling</c>).</summary>
internal sealed class GpuMetrics
{
    public const string MeterName = "Fleet.Sdk.GpuScheduling";

    private readonly Counter<long> _granted;
    private readonly Counter<long> _unplaced;
    private readonly Counter<long> _evicted;
    private readonly Counter<long> _lost;
    private readonly Counter<long> _released;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _pressure;
    private readonly Histogram<double> _acquire;
    private readonly Histogram<double> _placement;

    public GpuMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _granted = meter.CreateCounter<long>("fleet.gpu.leases.granted", "{lease}", "Leases granted, by GPU.");
        _unplaced = meter.CreateCounter<long>("fleet.gpu.requests.unplaced", "{request}", "Requests that fit nowhere before their wait ended.");
        _evicted = meter.CreateCounter<long>("fleet.gpu.leases.evicted", "{lease}", "Leases preempted by a higher-priority request, by GPU.");
        _lost = meter.CreateCounter<long>("fleet.gpu.leases.lost", "{lease}", "Leases their holder lost (expired, evicted past grace, refused), by GPU.");
        _released = meter.CreateCounter<long>("fleet.gpu.leases.released", "{lease}", "Leases released by their holder, by GPU.");
        _stale = meter.CreateCounter<long>("fleet.gpu.tokens.stale", "{token}", "Fencing tokens refused as stale.");
        _pressure = meter.CreateCounter<long>("fleet.gpu.memory.pressure", "{observation}", "Observations of a GPU using more VRAM than is leased on it, by GPU.");
        _acquire = meter.CreateHistogram<double>("fleet.gpu.acquire.duration", "ms", "Time from request to granted lease.");
        _placement = meter.CreateHistogram<double>("fleet.gpu.placement.duration", "ms", "Time to decide one placement.");
    }

    public void Granted(GpuId gpu, TimeSpan elapsed)
    {
        _granted.Add(1, Tag(gpu));
        _acquire.Record(elapsed.TotalMilliseconds);
    }

    public void Unplaced(string workload) => _unplaced.Add(1, new KeyValuePair<string, object?>("workload", workload));

    public void Evicted(int count, GpuId gpu) => _evicted.Add(count, Tag(gpu));

    public void Lost(GpuId gpu) => _lost.Add(1, Tag(gpu));

    public void Released(GpuId gpu) => _released.Add(1, Tag(gpu));

    public void StaleRefused() => _stale.Add(1);

    public void MemoryPressure(GpuId gpu) => _pressure.Add(1, Tag(gpu));

    public void PlacementDecided(TimeSpan elapsed) => _placement.Record(elapsed.TotalMilliseconds);

    private static KeyValuePair<string, object?> Tag(GpuId gpu) => new("gpu", gpu.ToString());
}
