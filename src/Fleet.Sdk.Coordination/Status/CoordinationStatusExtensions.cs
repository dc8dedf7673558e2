namespace Fleet.Sdk.Coordination;

/// <summary>Reads the state of the coordination engine for operators (<c>fleet coordination status</c>, dashboards).</summary>
public static class CoordinationStatusExtensions
{
    /// <summary>
    /// Reads the engine's status: a PING, its nodes and leader, replication lag, and the streams and
    /// buckets it holds. Redis: <c>INFO replication</c> on the master and <c>SENTINEL MASTER</c> on every sentinel
    /// named in <paramref name="options"/>; NATS: the JetStream account, every stream's cluster info (leader, replicas,
    /// lag) and the key-value buckets. What cannot be read is listed in <see cref="CoordinationStatus.Problems"/>.
    /// </summary>
    /// <param name="coordination">The engine.</param>
    /// <param name="options">The options it was made from (for Redis Sentinel: the sentinels to ask); <see langword="null"/> skips the sentinels.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status.</returns>
    /// <exception cref="CoordinationUnavailableException">The engine cannot be reached at all.</exception>
    public static Task<CoordinationStatus> GetStatusAsync(this IFleetCoordination coordination, FleetCoordinationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coordination);
        return coordination switch
        {
            IFleetRedis redis => RedisStatusReader.ReadAsync(redis, options?.Redis, cancellationToken),
            IFleetNats nats => NatsStatusReader.ReadAsync(nats, cancellationToken),
            _ => Task.FromResult(new CoordinationStatus(coordination.Engine, coordination.Endpoint, coordination.KeyPrefix, TimeSpan.Zero, "this process", [new CoordinationNodeStatus("this process", "in-process", "online", null, null)], [], [], [])),
        };
    }
}
