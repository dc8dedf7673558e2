namespace Fleet.Sdk.Events;

/// <summary>Options of durable streams, bound from <c>Fleet:Events:Durable</c>.</summary>
public sealed class DurableStreamOptions
{
    /// <summary>Gets or sets the approximate number of events a stream keeps; older ones are trimmed, acknowledged or not.</summary>
    /// <value>The default value is 100,000. Size it for the longest backlog a consumer group may build up during an outage.</value>
    public long MaxLength { get; set; } = 100_000;

    /// <summary>Gets or sets the most bytes of payload a stream keeps; the oldest events are trimmed past it (in-process and NATS JetStream, where it is reserved on each replica's store; Redis bounds memory by <see cref="MaxLength"/> and its own maxmemory).</summary>
    /// <value>The default value is 256 MiB.</value>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets how long a stream keeps an event; older ones are trimmed, acknowledged or not.</summary>
    /// <value>The default value is 7 days. It must be at least <see cref="IdempotencyWindow"/>.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how long an event may stay delivered but unacknowledged before another consumer of the group may take it.</summary>
    /// <value>The default value is 30 seconds. It must exceed the longest time a consumer takes to handle one event, or events are handled twice.</value>
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one call to the engine may take.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long <see cref="DurableStream.AppendAsync(string, string?, CancellationToken)"/> keeps retrying while the engine cannot be reached.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan AppendDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long <see cref="DurableStreamConsumer.AckAsync(DurableEvent, CancellationToken)"/> keeps retrying while the engine cannot be reached.</summary>
    /// <value>The default value is 10 seconds; keep it below <see cref="ClaimAfter"/>, or a late acknowledgement may find its event handed on.</value>
    public TimeSpan AckDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long an append's idempotency key is remembered, so a retried append is stored once.</summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how often a waiting reader looks for events when no change notification arrives (the fallback when pub/sub is down).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the largest payload accepted, in bytes of UTF-8.</summary>
    /// <value>The default value is 1 MiB.</value>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}
