namespace Fleet.Sdk.Discovery;

/// <summary>
/// The process's one connection to the fleet's Redis, shared by discovery, GPU leases and durable
/// events, behind Fleet.Sdk's own types (StackExchange.Redis 1.2.6 today; 2.x is a version bump).
/// It connects in the background and reconnects by itself; calls fail fast while it is down.
/// </summary>
public interface IFleetRedis
{
    /// <summary>Gets the prefix of every key of this fleet, for example <c>fleet:prod:</c>.</summary>
    string KeyPrefix { get; }

    /// <summary>Gets a value indicating whether a connection to Redis is up right now.</summary>
    bool IsConnected { get; }

    /// <summary>Runs a Lua script atomically (EVALSHA, loading it again after a Redis restart).</summary>
    /// <param name="script">The Lua source.</param>
    /// <param name="keys">The keys it touches (full names, prefix included).</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">The longest to wait for the reply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The script's reply.</returns>
    /// <exception cref="DiscoveryUnavailableException">Redis cannot be reached or did not answer within <paramref name="timeout"/>.</exception>
    Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to a channel; the subscription survives reconnects.</summary>
    /// <param name="channel">The full channel name.</param>
    /// <param name="handler">Called with each message, on a Redis thread; must not block.</param>
    /// <returns>Unsubscribes when disposed.</returns>
    IDisposable Subscribe(string channel, Action<string> handler);

    /// <summary>Measures a round trip to Redis.</summary>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The round-trip time.</returns>
    /// <exception cref="DiscoveryUnavailableException">Redis cannot be reached or did not answer in time.</exception>
    Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
