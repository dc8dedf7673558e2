namespace Fleet.Sdk.Discovery;

/// <summary>How to reach the fleet's Redis (<c>Fleet:Discovery:Redis</c>).</summary>
public sealed class FleetRedisOptions
{
    /// <summary>
    /// Gets or sets the servers, StackExchange.Redis style without secrets: <c>10.0.0.2:6379</c>, or
    /// several comma-separated. Empty means no Redis: discovery uses the static topology.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the name of the secret holding the password (read through <c>ISecretStore</c>, so from a file, never the command line).</summary>
    /// <value>The default value is <c>redis-password</c>; a missing secret means no password.</value>
    public string PasswordSecret { get; set; } = "redis-password";

    /// <summary>Gets or sets a value indicating whether the connection uses TLS.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Tls { get; set; }

    /// <summary>Gets or sets the fleet's name; every key and channel starts with <c>fleet:{name}:</c>, so fleets can share a Redis.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string FleetName { get; set; } = "default";

    /// <summary>Gets or sets how long connecting may take before a call fails.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long a registration, heartbeat or deregistration may wait for Redis.
    /// Resolutions have their own, shorter deadline (<c>Fleet:Discovery:ResolveTimeout</c>).
    /// Keep it well under the heartbeat interval, and above the round trip of the slowest link.
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
