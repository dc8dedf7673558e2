using System.Diagnostics.Metrics;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Events;

/// <summary>
/// Durable streams on the fleet's Redis (Redis Streams): appends are idempotent and retried while
/// Redis is away, consumer groups share a stream's events, and an event a consumer did not
/// acknowledge in time is delivered to another. Events are as durable as Redis's persistence
/// (run it with <c>appendonly yes</c>).
/// </summary>
public sealed class DurableStreams : IDurableStreams
{
    /// <summary>Creates the streams' entry point.</summary>
    /// <param name="redis">The process's Redis connection (from <c>AddFleetCoordination</c> with Redis configured).</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">Where to log, or <see langword="null"/> for nowhere.</param>
    /// <param name="meterFactory">Where the metrics go, or <see langword="null"/> for a meter of its own.</param>
    /// <param name="timeProvider">The clock for back-off, or <see langword="null"/> for the system clock.</param>
    public DurableStreams(IFleetRedis redis, DurableStreamOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new DurableStreamOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        Redis = redis;
        Options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Fleet.Sdk.Events.Durable");
        Metrics = new DurableStreamMetrics(meterFactory);
        TimeProvider = timeProvider ?? TimeProvider.System;
        Retry = DurableStreamRetry.Create(TimeProvider);
    }

    internal IFleetRedis Redis { get; }

    internal DurableStreamOptions Options { get; }

    internal ILogger Logger { get; }

    internal DurableStreamMetrics Metrics { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Gets the retry of appends and acknowledgements while Redis cannot be reached (<see cref="DurableStreamRetry"/>).</summary>
    internal Polly.ResiliencePipeline Retry { get; }

    /// <inheritdoc />
    public DurableStream Open(string name)
    {
        DurableStreamNames.Validate(name, "stream name", nameof(name));
        return new DurableStream(this, name);
    }
}
