using System.Diagnostics.Metrics;

namespace Fleet.Sdk.Logging;

/// <summary>
/// The pipeline's own health, as metrics (meter <c>Fleet.Sdk.Logging</c>) and as counters the host
/// can read (<see cref="IFleetLoggingStatus"/>): nothing the pipeline loses goes unreported.
/// </summary>
internal sealed class LoggingMetrics : IFleetLoggingStatus
{
    private readonly Counter<long> _sinkFailures;
    private readonly Counter<long> _eventsLost;
    private readonly Counter<long> _filesReopened;
    private readonly Counter<long> _filesDeleted;
    private long _sinkFailureCount;
    private long _lostCount;
    private long _reopenedCount;
    private long _deletedCount;
    private Func<long> _dropped = static () => 0;

    public LoggingMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(LoggingConstants.MeterName) ?? new Meter(LoggingConstants.MeterName);
        _sinkFailures = meter.CreateCounter<long>("fleet.logging.sink.failures", "{failure}", "Exceptions a sink threw; the other sinks kept writing.");
        _eventsLost = meter.CreateCounter<long>("fleet.logging.events.lost", "{event}", "Events a sink could not write (disk full, directory gone).");
        _filesReopened = meter.CreateCounter<long>("fleet.logging.file.reopened", "{file}", "Log files reopened after their file or directory vanished.");
        _filesDeleted = meter.CreateCounter<long>("fleet.logging.file.deleted", "{file}", "Old log files deleted to respect the file count and total size caps.");
        meter.CreateObservableCounter("fleet.logging.events.dropped", () => DroppedEvents, "{event}", "Events dropped because the background queue was full.");
    }

    public long DroppedEvents => _dropped();

    public long SinkFailures => Interlocked.Read(ref _sinkFailureCount);

    public long LostEvents => Interlocked.Read(ref _lostCount);

    public long FilesReopened => Interlocked.Read(ref _reopenedCount);

    public long FilesDeleted => Interlocked.Read(ref _deletedCount);

    public void ObserveDrops(Func<long> dropped) => _dropped = dropped;

    public void SinkFailed(string sink)
    {
        Interlocked.Increment(ref _sinkFailureCount);
        _sinkFailures.Add(1, new KeyValuePair<string, object?>("sink", sink));
    }

    public void EventsLost(string sink, long count)
    {
        Interlocked.Add(ref _lostCount, count);
        _eventsLost.Add(count, new KeyValuePair<string, object?>("sink", sink));
    }

    public void FileReopened()
    {
        Interlocked.Increment(ref _reopenedCount);
        _filesReopened.Add(1);
    }

    public void FileDeleted()
    {
        Interlocked.Increment(ref _deletedCount);
        _filesDeleted.Add(1);
    }
}
