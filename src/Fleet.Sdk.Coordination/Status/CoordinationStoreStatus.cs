namespace Fleet.Sdk.Coordination;

/// <summary>A stream or bucket the engine holds.</summary>
/// <param name="Name">Its name (a key-value bucket without NATS's <c>KV_</c> stream prefix).</param>
/// <param name="Entries">Messages in the stream, or values (with history) in the bucket.</param>
/// <param name="Bytes">Bytes stored, or <see langword="null"/> when the engine does not say.</param>
/// <param name="Replicas">Copies kept (NATS), or <see langword="null"/> (Redis: every replica has everything).</param>
/// <param name="Leader">The server that leads it (NATS cluster), or <see langword="null"/>.</param>
public sealed record CoordinationStoreStatus(string Name, long Entries, long? Bytes, int? Replicas, string? Leader);
