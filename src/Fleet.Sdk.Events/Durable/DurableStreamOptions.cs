namespace Fleet.Sdk.Events;

/// <summary>Options of durable streams, bound from <c>Fleet:Events:Durable</c>.</summary>
public sealed class DurableStreamOptions
{
    /// <summary>Gets or sets the approximate number of events a stream keeps; older ones are trimmed, acknowledged or not.</summary>
    /// <value>The default value is 100,000. Size it for the longest backlog a consumer group may build up during an outage.</value>
    public long MaxLength { get; set; } = 100_000;

    /// <summary>Gets or sets how long an event may stay delivered but unacknowledged before another consumer of the group may take it.</summary>
    /// <value>The default value is 30 seconds. It must exceed the longest time a consumer takes to handle one event, or events are handled twice.</value>
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one call to Redis may take.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long <see cref="DurableStream.AppendAsync(string, string?, CancellationToken)"/> keeps retrying while Redis cannot be reached.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan AppendDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long <see cref="DurableStreamConsumer.AckAsync(DurableEvent, CancellationToken)"/> keeps retrying while Redis cannot be reached.</summary>
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
