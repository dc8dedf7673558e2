using Fleet.Sdk.Coordination;

namespace Fleet.Sdk.Events;

/// <summary>The package's one place that builds its exceptions, so each says what failed and how to fix it.</summary>
internal static class DurableStreamErrors
{
    /// <summary>The engine could not be reached for one call.</summary>
    public static DurableStreamUnavailableException Unavailable(string what, string stream, Exception cause) =>
        new($"Could not {what} on durable stream '{stream}': {cause.Message}", cause);

    /// <summary>An append gave up at its deadline.</summary>
    public static DurableStreamUnavailableException AppendGaveUp(string stream, TimeSpan deadline, int attempts, string reason, string key, string engine, Exception cause) =>
        new($"Appending to durable stream '{stream}' failed for {deadline.TotalSeconds:0.#} s ({attempts} attempts): {reason} Append it again with the same idempotency key ('{key}') once {engine} is back; it will be stored once.", cause);

    /// <summary>The engine answered with a refusal (not an outage).</summary>
    public static InvalidOperationException Refused(string engine, string what, string stream, string reason) =>
        new($"{engine} refused to {what} on durable stream '{stream}': {reason}");

    /// <summary>JetStream refused to create or update a stream or consumer with the configured limits.</summary>
    public static InvalidOperationException JetStreamRefused(string what, string stream, string reason) =>
        new($"NATS JetStream refused to {what} for durable stream '{stream}': {reason}. Check {DurableStreamConstants.SectionName}:MaxBytes (JetStream reserves it on every replica's store, see the servers' max_file_store), :MaxAge, :IdempotencyWindow, and Fleet:Coordination:Nats:Replicas (at most the number of servers).");

    /// <summary>JetStream found too few servers online to place a stream's replicas.</summary>
    public static CoordinationUnavailableException NoPeers(CoordinationEngine engine, string endpoint, string what, string stream, int replicas, Exception cause) =>
        new(engine, endpoint, "Fleet:Coordination:Nats:Replicas", $"NATS JetStream could not {what} for durable stream '{stream}': fewer than {replicas} servers are online to hold its replicas ({cause.Message}). It works again once enough servers are back; if it never does, Fleet:Coordination:Nats:Replicas ({replicas}) is more than the servers in the cluster.", cause);

    /// <summary>A payload above the configured limit.</summary>
    public static ArgumentException PayloadTooLarge(string stream, int size, int limit, string parameter) =>
        new($"The event for stream '{stream}' is {size} bytes, above {DurableStreamConstants.SectionName}:MaxPayloadBytes ({limit}); store large data elsewhere (a file, a model store) and append a reference to it.", parameter);

    /// <summary>An idempotency key that is too long or holds control characters.</summary>
    public static ArgumentException BadKey(int length, string parameter) =>
        new($"The idempotency key is {length} characters or holds control characters; use at most 200 printable characters (for example a GUID or a business id).", parameter);
}
