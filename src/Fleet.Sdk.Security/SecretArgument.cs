namespace Fleet.Sdk.Security;

/// <summary>A command-line argument that carries a secret; holds its name or position, never the value.</summary>
/// <param name="Argument">The option (<c>--redis-password</c>) or the argument's position.</param>
/// <param name="InsideValue">Whether the secret is inside the value (a connection string or URL) rather than the value itself.</param>
internal readonly record struct SecretArgument(string Argument, bool InsideValue);
