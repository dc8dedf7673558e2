namespace Fleet.Sdk.Events;

/// <summary>What one read of a consumer returned.</summary>
/// <param name="Events">The events, oldest first, with their payloads and delivery counts.</param>
/// <param name="Trimmed">Delivered but unacknowledged events found removed by the stream's bounds (lost), where the engine can tell.</param>
internal readonly record struct DurableReadResult(IReadOnlyList<DurableEvent> Events, long Trimmed);
