namespace Fleet.Sdk.Events;

/// <summary>Opens durable streams.</summary>
public interface IDurableStreams
{
    /// <summary>Opens the stream <paramref name="name"/>; it is created on the engine by its first append or its first consumer.</summary>
    /// <param name="name">1 to 100 characters among letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, for example <c>gpu.leases</c>.</param>
    /// <returns>The stream.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    DurableStream Open(string name);
}
