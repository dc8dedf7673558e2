namespace Fleet.Sdk.Events;

/// <summary>
/// Where durable streams keep their events: Redis Streams, JetStream or this process, chosen by the
/// coordination engine (<see cref="DurableStreamBackends.Create"/>). Every call that cannot reach its
/// engine throws <see cref="Fleet.Sdk.Coordination.CoordinationUnavailableException"/>; the streams
/// turn it into <see cref="DurableStreamUnavailableException"/> and retry within their deadlines.
/// </summary>
internal interface IDurableStreamBackend
{
    /// <summary>Gets a short name of the engine for messages, for example <c>Redis</c>.</summary>
    string EngineName { get; }

    /// <summary>
    /// Appends a payload once per <paramref name="idempotencyKey"/> within the idempotency window, bounded
    /// by the stream's length, size and age limits, and acknowledged only once the engine holds it durably
    /// (a replica on Redis with replica confirmation, a quorum on JetStream).
    /// </summary>
    /// <returns>The event's id; the first append's id when the key was seen before.</returns>
    Task<string> AppendAsync(string stream, string payload, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Reads the stream's length and the group's unacknowledged events and consumers.</summary>
    Task<DurableStreamInfo> GetInfoAsync(string stream, string group, CancellationToken cancellationToken);

    /// <summary>Opens one consumer of a group; <paramref name="wake"/> is called when the stream may have new events.</summary>
    IDurableConsumerBackend OpenConsumer(string stream, string group, string consumer, Action wake);
}
