namespace Fleet.Sdk.Security;

/// <summary>A security rule or key file stopped an operation; the message says what, why and how to fix it.</summary>
public sealed class FleetSecurityException : Exception
{
    /// <summary>Creates an exception.</summary>
    public FleetSecurityException()
        : base("A Fleet.Sdk security rule was violated.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed, why, and how to fix it.</param>
    public FleetSecurityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed, why, and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public FleetSecurityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
