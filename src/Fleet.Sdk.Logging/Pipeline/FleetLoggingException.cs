namespace Fleet.Sdk.Logging;

/// <summary>Logging could not be set up at start-up; the message names the key to fix. Once running, logging never throws.</summary>
public sealed class FleetLoggingException : Exception
{
    /// <summary>Creates an exception.</summary>
    public FleetLoggingException()
        : base("Fleet.Sdk logging could not be set up.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    public FleetLoggingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public FleetLoggingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
