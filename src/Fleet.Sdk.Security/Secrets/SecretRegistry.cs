namespace Fleet.Sdk.Security;

/// <summary>The thread-safe, append-only <see cref="ISecretRegistry"/>.</summary>
public sealed class SecretRegistry : ISecretRegistry
{
    private readonly Lock _gate = new();
    private RegisteredSecret[] _secrets = [];
    private int _version;

    /// <inheritdoc />
    public int Version => Volatile.Read(ref _version);

    /// <inheritdoc />
    public IReadOnlyList<RegisteredSecret> Secrets => Volatile.Read(ref _secrets);

    /// <inheritdoc />
    public void Register(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        lock (_gate)
        {
            if (_secrets.Any(s => string.Equals(s.Value, value, StringComparison.Ordinal)))
            {
                return;
            }

            Volatile.Write(ref _secrets, [.. _secrets.Append(new RegisteredSecret(name, value)).OrderByDescending(s => s.Value.Length)]);
            Interlocked.Increment(ref _version);
        }
    }
}
