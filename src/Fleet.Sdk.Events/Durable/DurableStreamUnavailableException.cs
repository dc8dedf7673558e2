namespace Fleet.Sdk.Events;

/// <summary>The coordination engine (Redis, NATS) could not be reached, or did not answer in time, for a durable stream operation; the inner <see cref="Fleet.Sdk.Coordination.CoordinationUnavailableException"/> names the engine, its endpoint and the key to check. Retry later.</summary>
public sealed class DurableStreamUnavailableException : Exception
{
    /// <summary>Creates an exception.</summary>
    public DurableStreamUnavailableException()
        : base("The durable stream's coordination engine cannot be reached.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed and what to check.</param>
    public DurableStreamUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed and what to check.</param>
    /// <param name="innerException">The cause.</param>
    public DurableStreamUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
