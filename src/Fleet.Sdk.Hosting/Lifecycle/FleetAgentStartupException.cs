namespace Fleet.Sdk.Hosting;

/// <summary>Start-up failed because required dependencies did not answer in time; the message names each one and why.</summary>
public sealed class FleetAgentStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FleetAgentStartupException()
        : this("The agent could not start.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public FleetAgentStartupException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FleetAgentStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
        MissingDependencies = [];
    }

    /// <summary>Creates the exception for missing required dependencies.</summary>
    /// <param name="message">The message.</param>
    /// <param name="missingDependencies">The required dependencies that did not answer.</param>
    public FleetAgentStartupException(string message, IReadOnlyList<AgentDependencyStatus> missingDependencies)
        : base(message)
    {
        MissingDependencies = missingDependencies;
    }

    /// <summary>Gets the required dependencies that did not answer.</summary>
    public IReadOnlyList<AgentDependencyStatus> MissingDependencies { get; }
}
