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

/// <summary>An instance id is registered, live, by another process.</summary>
public sealed class RegistrationConflictException : Exception
{
    /// <summary>Creates an exception.</summary>
    public RegistrationConflictException()
        : base("The instance is registered by another process.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">Which instance, who holds it, and how to fix it.</param>
    public RegistrationConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">Which instance, who holds it, and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public RegistrationConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

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
