namespace Fleet.Sdk.Discovery;

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
