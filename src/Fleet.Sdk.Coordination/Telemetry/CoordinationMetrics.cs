using System.Diagnostics.Metrics;

namespace Fleet.Sdk.Coordination;

/// <summary>The coordination layer's metrics (meter <c>Fleet.Sdk.Coordination</c>), and the counters behind its health check.</summary>
internal sealed class CoordinationMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _unavailable;
    private readonly Counter<long> _replicaShortfall;
    private long _unavailableCount;

    public CoordinationMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(CoordinationConstants.TelemetryName) ?? new Meter(CoordinationConstants.TelemetryName);
        _duration = meter.CreateHistogram<double>("fleet.coordination.operation.duration", "s", "Duration of successful operations on the coordination engine.");
        _unavailable = meter.CreateCounter<long>("fleet.coordination.unavailable", "{error}", "Operations that failed because the coordination engine could not be reached or did not answer in time.");
        _replicaShortfall = meter.CreateCounter<long>("fleet.coordination.replica_ack.shortfall", "{write}", "Writes that too few replicas confirmed in time (Redis WAIT).");
    }

    /// <summary>Gets how many operations found the engine unavailable since start.</summary>
    public long UnavailableCount => Interlocked.Read(ref _unavailableCount);

    public void Operation(CoordinationEngine engine, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("engine", Tag(engine)));

    public void Unavailable(CoordinationEngine engine)
    {
        Interlocked.Increment(ref _unavailableCount);
        _unavailable.Add(1, new KeyValuePair<string, object?>("engine", Tag(engine)));
    }

    public void ReplicaAckShortfall() => _replicaShortfall.Add(1);

    private static string Tag(CoordinationEngine engine) => engine switch
    {
        CoordinationEngine.Redis => "redis",
        CoordinationEngine.Nats => "nats",
        _ => "in-process",
    };
}
