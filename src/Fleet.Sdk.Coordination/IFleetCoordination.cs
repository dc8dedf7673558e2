namespace Fleet.Sdk.Coordination;

/// <summary>
/// The process's one connection to the engine that holds the fleet's shared state. Discovery, GPU
/// scheduling and durable events build on it; <see cref="IFleetRedis"/> and <see cref="IFleetNats"/>
/// add each engine's own calls. It connects in the background and reconnects by itself; calls fail
/// fast with <see cref="CoordinationUnavailableException"/> while it cannot reach the engine.
/// </summary>
public interface IFleetCoordination
{
    /// <summary>Gets the engine (never <see cref="CoordinationEngine.Auto"/>).</summary>
    CoordinationEngine Engine { get; }

    /// <summary>Gets where the engine is, for messages: servers, or sentinels and service name. Never holds a secret.</summary>
    string Endpoint { get; }

    /// <summary>Gets the prefix of every key, subject, stream and bucket of this fleet, for example <c>fleet:prod:</c>.</summary>
    string KeyPrefix { get; }

    /// <summary>Gets how long one operation may wait for the engine (<c>Fleet:Coordination:Redis:OperationTimeout</c> or <c>:Nats:OperationTimeout</c>).</summary>
    TimeSpan OperationTimeout { get; }

    /// <summary>Gets a value indicating whether a connection to the engine is up right now.</summary>
    bool IsConnected { get; }

    /// <summary>Measures a round trip to the engine.</summary>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The round-trip time.</returns>
    /// <exception cref="CoordinationUnavailableException">The engine cannot be reached or did not answer in time.</exception>
    Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
