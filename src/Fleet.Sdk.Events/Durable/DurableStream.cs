using System.Text;
using System.Text.Json;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Events;

/// <summary>One durable stream: append events, read them through consumer groups.</summary>
public sealed partial class DurableStream
{
    private readonly DurableStreams _owner;

    internal DurableStream(DurableStreams owner, string name)
    {
        _owner = owner;
        Name = name;
    }

    /// <summary>Gets the stream's name.</summary>
    public string Name { get; }

    internal DurableStreams Owner => _owner;

    /// <summary>
    /// Appends an event, retrying while the coordination engine cannot be reached for up to
    /// <see cref="DurableStreamOptions.AppendDeadline"/>. Every attempt carries the same idempotency
    /// key, so an append whose reply was lost is stored once. It returns once the engine holds the event
    /// durably: on Redis, once the configured replicas confirmed it (<c>Fleet:Coordination:Redis:MinReplicaAcks</c>);
    /// on NATS JetStream, once a majority of the stream's replicas stored it.
    /// </summary>
    /// <param name="payload">The event, usually JSON.</param>
    /// <param name="idempotencyKey">A key unique to this event (for example its business id), so that appending it again within <see cref="DurableStreamOptions.IdempotencyWindow"/>, even from another process, stores nothing new; <see langword="null"/> for a fresh key per call.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>The event's id in the stream (the first append's id when the key was seen before).</returns>
    /// <exception cref="ArgumentException">The payload is larger than <see cref="DurableStreamOptions.MaxPayloadBytes"/>, or the key is longer than 200 characters or holds control characters.</exception>
    /// <exception cref="DurableStreamUnavailableException">The engine could not be reached within the append deadline; the event may or may not be stored, and appending it again with the same key is safe.</exception>
    public async Task<string> AppendAsync(string payload, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var options = _owner.Options;
        var size = Encoding.UTF8.GetByteCount(payload);
        if (size > options.MaxPayloadBytes)
        {
            throw DurableStreamErrors.PayloadTooLarge(Name, size, options.MaxPayloadBytes, nameof(payload));
        }

        if (idempotencyKey is { Length: > 200 } || (idempotencyKey is not null && idempotencyKey.Any(char.IsControl)))
        {
            throw DurableStreamErrors.BadKey(idempotencyKey.Length, nameof(idempotencyKey));
        }

        var key = idempotencyKey ?? Guid.NewGuid().ToString("N");
        var retry = new RetryBudget(_owner.TimeProvider, options.AppendDeadline, (attempts, failure) =>
        {
            _owner.Metrics.AppendRetries.Add(1);
            LogAppendRetry(_owner.Logger, Name, attempts, failure.InnerException?.Message ?? failure.Message);
        });
        string id;
        try
        {
            id = await _owner.Retry.ExecuteAsync(
                retry,
                ct => GuardAsync("append an event", () => _owner.Backend.AppendAsync(Name, payload, key, ct)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (DurableStreamUnavailableException ex)
        {
            var reason = ex.InnerException?.Message ?? ex.Message;
            LogAppendFailed(_owner.Logger, Name, retry.Attempts, reason);
            throw DurableStreamErrors.AppendGaveUp(Name, options.AppendDeadline, retry.Attempts, reason, key, _owner.Backend.EngineName, ex.InnerException ?? ex);
        }

        _owner.Metrics.Appended.Add(1);
        if (retry.Attempts > 1)
        {
            LogAppendRecovered(_owner.Logger, Name, retry.Attempts, (long)retry.Elapsed.TotalMilliseconds);
        }

        return id;
    }

    /// <summary>Appends <paramref name="value"/> serialized as JSON; see <see cref="AppendAsync(string, string?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">The event's type.</typeparam>
    /// <param name="value">The event.</param>
    /// <param name="idempotencyKey">A key unique to this event, or <see langword="null"/> for a fresh key.</param>
    /// <param name="serializerOptions">JSON options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>The event's id in the stream.</returns>
    public Task<string> AppendJsonAsync<T>(T value, string? idempotencyKey = null, JsonSerializerOptions? serializerOptions = null, CancellationToken cancellationToken = default) =>
        AppendAsync(JsonSerializer.Serialize(value, serializerOptions), idempotencyKey, cancellationToken);

    /// <summary>Creates a consumer in a group. Consumers of one group share the events; every group gets every event.</summary>
    /// <param name="group">The group, for example the name of the agent that processes the events.</param>
    /// <param name="consumer">This consumer's name, unique in the group and stable across restarts (for example agent and machine), so a restarted consumer resumes what it left unacknowledged.</param>
    /// <returns>The consumer; dispose it when done.</returns>
    /// <exception cref="ArgumentException">A name is not valid.</exception>
    public DurableStreamConsumer CreateConsumer(string group, string consumer)
    {
        DurableStreamNames.Validate(group, "consumer group name", nameof(group));
        DurableStreamNames.Validate(consumer, "consumer name", nameof(consumer));
        return new DurableStreamConsumer(this, group, consumer);
    }

    /// <summary>Reads the stream's length and, for <paramref name="group"/>, its unacknowledged events and consumers.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="DurableStreamUnavailableException">The engine cannot be reached.</exception>
    public Task<DurableStreamInfo> GetInfoAsync(string group, CancellationToken cancellationToken = default)
    {
        DurableStreamNames.Validate(group, "consumer group name", nameof(group));
        return GuardAsync("read its figures", () => _owner.Backend.GetInfoAsync(Name, group, cancellationToken));
    }

    /// <summary>Runs one call on the engine, turning "cannot reach it" into <see cref="DurableStreamUnavailableException"/>.</summary>
    internal async Task<T> GuardAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException ex)
        {
            throw DurableStreamErrors.Unavailable(what, Name, ex);
        }
    }

    [LoggerMessage(EventId = 9110, Level = LogLevel.Debug, Message = "Append to durable stream {Stream} failed (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogAppendRetry(ILogger logger, string stream, int attempt, string reason);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Information, Message = "Append to durable stream {Stream} succeeded after {Attempts} attempts ({ElapsedMs} ms).")]
    private static partial void LogAppendRecovered(ILogger logger, string stream, int attempts, long elapsedMs);

    [LoggerMessage(EventId = 9112, Level = LogLevel.Warning, Message = "Append to durable stream {Stream} gave up after {Attempts} attempts: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, string stream, int attempts, string reason);
}
