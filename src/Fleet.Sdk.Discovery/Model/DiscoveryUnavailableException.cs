namespace Fleet.Sdk.Discovery;

/// <summary>The registry cannot be reached (or did not answer in time); resolution serves the last known view while it can.</summary>
public sealed class DiscoveryUnavailableException : Exception
{
    /// <summary>Creates an exception.</summary>
    public DiscoveryUnavailableException()
        : base("The service registry cannot be reached.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed and what to check.</param>
    public DiscoveryUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed and what to check.</param>
    /// <param name="innerException">The cause.</param>
    public DiscoveryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
