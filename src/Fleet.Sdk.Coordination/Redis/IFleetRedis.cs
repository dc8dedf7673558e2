namespace Fleet.Sdk.Coordination;

/// <summary>
/// The Redis engine: the process's one connection to the fleet's Redis (standalone, or the master
/// Sentinel names, followed when it switches), behind Fleet.Sdk's own types. It connects in the
/// background and reconnects by itself; calls fail fast while it is down.
/// </summary>
public interface IFleetRedis : IFleetCoordination
{
    /// <summary>Gets the replica confirmations <see cref="EvaluateReplicatedAsync"/> waits for (<c>Fleet:Coordination:Redis:MinReplicaAcks</c>).</summary>
    int MinReplicaAcks { get; }

    /// <summary>Runs a Lua script atomically (EVALSHA, loading it again after a Redis restart or a failover).</summary>
    /// <param name="script">The Lua source.</param>
    /// <param name="keys">The keys it touches (full names, prefix included).</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">The longest to wait for the reply.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The script's reply.</returns>
    /// <exception cref="CoordinationUnavailableException">Redis cannot be reached or did not answer within <paramref name="timeout"/>.</exception>
    Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a Lua script, then waits until <see cref="MinReplicaAcks"/> replicas have every write of this
    /// connection so far (<c>WAIT</c>). Use it for writes that must survive the loss of the master: a GPU
    /// lease grant, a durable append.
    /// </summary>
    /// <param name="script">The Lua source.</param>
    /// <param name="keys">The keys it touches (full names, prefix included).</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">The longest to wait for the script's reply (the confirmation waits up to <c>ReplicaAckTimeout</c> more).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The script's reply.</returns>
    /// <exception cref="CoordinationUnavailableException">Redis cannot be reached, did not answer in time, or too few replicas confirmed the write (which the master may still hold).</exception>
    Task<RedisReply> EvaluateReplicatedAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to a channel; the subscription survives reconnects and failovers.</summary>
    /// <param name="channel">The full channel name.</param>
    /// <param name="handler">Called with each message, on a Redis thread; must not block.</param>
    /// <returns>Unsubscribes when disposed.</returns>
    IDisposable Subscribe(string channel, Action<string> handler);
}
