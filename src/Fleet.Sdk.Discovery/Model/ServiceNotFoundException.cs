namespace Fleet.Sdk.Discovery;

/// <summary>No usable instance of a service: none registered, all critical, or the registry unreachable too long.</summary>
public sealed class ServiceNotFoundException : Exception
{
    /// <summary>Creates an exception.</summary>
    public ServiceNotFoundException()
        : base("No instance of the service can be resolved.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">Which service and why.</param>
    public ServiceNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">Which service and why.</param>
    /// <param name="innerException">The cause.</param>
    public ServiceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
