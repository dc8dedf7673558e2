namespace Fleet.Sdk.Security;

/// <summary>
/// The secret values this process has loaded (keys, passwords, tokens). Logging masks every one of
/// them wherever it appears; start-up refuses a command line that carries one.
/// </summary>
public interface ISecretRegistry
{
    /// <summary>Gets a number that changes whenever a secret is added, so readers can cache.</summary>
    int Version { get; }

    /// <summary>Gets the registered secrets, longest value first (so a redactor masks the longest match).</summary>
    IReadOnlyList<RegisteredSecret> Secrets { get; }

    /// <summary>Registers a secret value; registering the same value again is harmless.</summary>
    /// <param name="name">What it is, for example <c>redis-password</c>; shown instead of the value.</param>
    /// <param name="value">The secret itself.</param>
    void Register(string name, string value);
}
