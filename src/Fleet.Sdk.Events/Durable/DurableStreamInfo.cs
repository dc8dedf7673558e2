namespace Fleet.Sdk.Events;

/// <summary>What a stream holds for one consumer group.</summary>
/// <param name="Length">Events in the stream.</param>
/// <param name="Pending">Events the group delivered and has not had acknowledged yet.</param>
/// <param name="Consumers">Consumers the group has seen.</param>
public sealed record DurableStreamInfo(long Length, long Pending, long Consumers);
