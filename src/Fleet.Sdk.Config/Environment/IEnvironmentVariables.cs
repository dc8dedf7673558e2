namespace Fleet.Sdk.Config;

/// <summary>
/// Reads environment variables. The process environment is the default; tests and tools supply
/// their own so that nothing reads or writes the process-wide environment behind their back.
/// </summary>
public interface IEnvironmentVariables
{
    /// <summary>Gets the value of the variable <paramref name="name"/>, or <see langword="null"/> when it is not set.</summary>
    /// <param name="name">The variable name; case-sensitive, as on Linux.</param>
    /// <returns>The value, or <see langword="null"/> when the variable is not set.</returns>
    string? Get(string name);
}
