using System.Diagnostics.Metrics;
using Fleet.Sdk.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Events;

/// <summary>Opens durable streams.</summary>
public interface IDurableStreams
{
    /// <summary>Opens the stream <paramref name="name"/>; it is created in Redis by its first append or its first consumer.</summary>
    /// <param name="name">1 to 100 characters among letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, for example <c>gpu.leases</c>.</param>
    /// <returns>The stream.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    DurableStream Open(string name);
}

/// <summary>
/// Durable streams on the fleet's Redis (Redis Streams): appends are idempotent and retried while
/// Redis is away, consumer groups share a stream's events, and an event a consumer did not
/// acknowledge in time is delivered to another. Events are as durable as Redis's persistence
/// (run it with <c>appendonly yes</c>).
/// </summary>
public sealed class DurableStreams : IDurableStreams
{
    /// <summary>Creates the streams' entry point.</summary>
    /// <param name="redis">The process's Redis connection (from <c>AddFleetDiscovery</c> with Redis configured).</param>
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

/// <summary>Checks the names of streams, groups and consumers, which become parts of Redis keys.</summary>
internal static class DurableStreamNames
{
    public static void Validate(string? name, string what, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid {what}: use 1 to 100 characters among letters, digits, '.', '_' and '-', for example 'gpu.leases'.", parameter);
        }
    }
}
