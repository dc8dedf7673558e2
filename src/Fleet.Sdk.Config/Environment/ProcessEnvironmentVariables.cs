namespace Fleet.Sdk.Config;

/// <summary>The environment variables of the current process.</summary>
public sealed class ProcessEnvironmentVariables : IEnvironmentVariables
{
    private ProcessEnvironmentVariables()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static ProcessEnvironmentVariables Instance { get; } = new();

    /// <inheritdoc />
    public string? Get(string name) => System.Environment.GetEnvironmentVariable(name);
}
