using System.Diagnostics.Metrics;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Events;

/// <summary>
/// Durable streams on the fleet's coordination engine: Redis Streams, NATS JetStream, or this process
/// (the embedded default). Appends are idempotent and retried while the engine is away, consumer groups
/// share a stream's events, and an event a consumer did not acknowledge in time is delivered to another.
/// </summary>
public sealed class DurableStreams : IDurableStreams
{
    /// <summary>Creates the streams' entry point.</summary>
    /// <param name="coordination">The process's coordination engine (from <c>AddFleetCoordination</c>): <see cref="IFleetRedis"/>, <see cref="IFleetNats"/> or the in-process engine.</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">Where to log, or <see langword="null"/> for nowhere.</param>
    /// <param name="meterFactory">Where the metrics go, or <see langword="null"/> for a meter of its own.</param>
    /// <param name="timeProvider">The clock for back-off, or <see langword="null"/> for the system clock.</param>
    public DurableStreams(IFleetCoordination coordination, DurableStreamOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(coordination);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new DurableStreamOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        Options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Fleet.Sdk.Events.Durable");
        Metrics = new DurableStreamMetrics(meterFactory);
        TimeProvider = timeProvider ?? TimeProvider.System;
        Retry = DurableStreamRetry.Create(TimeProvider);
        Backend = DurableStreamBackends.Create(coordination, options, TimeProvider, Logger);
    }

    /// <summary>Gets where the events are kept (<see cref="DurableStreamBackends"/>).</summary>
    internal IDurableStreamBackend Backend { get; }

    internal DurableStreamOptions Options { get; }

    internal ILogger Logger { get; }

    internal DurableStreamMetrics Metrics { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Gets the retry of appends and acknowledgements while the engine cannot be reached (<see cref="DurableStreamRetry"/>).</summary>
    internal Polly.ResiliencePipeline Retry { get; }

    /// <inheritdoc />
    public DurableStream Open(string name)
    {
        DurableStreamNames.Validate(name, "stream name", nameof(name));
        return new DurableStream(this, name);
    }
}
