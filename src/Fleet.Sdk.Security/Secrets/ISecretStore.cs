namespace Fleet.Sdk.Security;

/// <summary>
/// Reads named secrets from files, never from the command line: the file named by
/// <c>Fleet:Security:Secrets:&lt;name&gt;</c>, else <c>&lt;SecretsDirectory&gt;/&lt;name&gt;</c>
/// (<c>/run/secrets</c>, where Docker and Kubernetes mount them). Each value read is registered
/// in <see cref="ISecretRegistry"/> so logs mask it.
/// </summary>
public interface ISecretStore
{
    /// <summary>Reads the secret <paramref name="name"/>.</summary>
    /// <param name="name">The secret's name, for example <c>redis-password</c>.</param>
    /// <returns>The value, without a trailing newline.</returns>
    /// <exception cref="FleetSecurityException">It is missing, empty or unreadable; the message says where it was looked for.</exception>
    string GetSecret(string name);

    /// <summary>Reads the secret <paramref name="name"/> if it exists.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the secret exists.</returns>
    /// <exception cref="FleetSecurityException">It exists but is empty or unreadable.</exception>
    bool TryGetSecret(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value);
}
