namespace Fleet.Sdk.Coordination;

/// <summary>
/// The coordination engine cannot be reached, or did not answer in time. The message names the engine,
/// its endpoint and the configuration key to check. Nothing was changed, or the change may have been
/// applied without confirmation (the message says which); callers retry idempotent operations.
/// </summary>
public sealed class CoordinationUnavailableException : Exception
{
    /// <summary>Creates an exception.</summary>
    public CoordinationUnavailableException()
        : base("The coordination engine cannot be reached.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed and what to check.</param>
    public CoordinationUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed and what to check.</param>
    /// <param name="innerException">The cause.</param>
    public CoordinationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that names the engine, its endpoint and the key to check.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="endpoint">Where it was expected.</param>
    /// <param name="configurationKey">The configuration key to check, for example <c>Fleet:Coordination:Redis:Sentinels</c>.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public CoordinationUnavailableException(CoordinationEngine engine, string endpoint, string configurationKey, string message, Exception? innerException)
        : base(message, innerException)
    {
        Engine = engine;
        Endpoint = endpoint;
        ConfigurationKey = configurationKey;
    }

    /// <summary>Gets the engine that could not be reached.</summary>
    public CoordinationEngine Engine { get; }

    /// <summary>Gets where the engine was expected.</summary>
    public string? Endpoint { get; }

    /// <summary>Gets the configuration key to check.</summary>
    public string? ConfigurationKey { get; }
}
