using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// The NATS JetStream engine: the process's one connection to the fleet's NATS servers (NATS.Net), with its
/// JetStream and key-value contexts. It connects in the background, moves to another server when one is
/// lost, and every call through <see cref="RunAsync{T}"/> fails fast with <see cref="CoordinationUnavailableException"/>
/// while no server with a JetStream quorum answers.
/// </summary>
public interface IFleetNats : IFleetCoordination
{
    /// <summary>Gets the connection.</summary>
    INatsConnection Connection { get; }

    /// <summary>Gets the JetStream context.</summary>
    INatsJSContext JetStream { get; }

    /// <summary>Gets the key-value context.</summary>
    INatsKVContext KeyValue { get; }

    /// <summary>Gets how many servers keep a copy of each stream and bucket (<c>Fleet:Coordination:Nats:Replicas</c>).</summary>
    int Replicas { get; }

    /// <summary>
    /// Runs an operation against the servers within <paramref name="timeout"/>, turning every failure to reach them
    /// (no connection, no responders, no JetStream quorum, a timeout) into <see cref="CoordinationUnavailableException"/>.
    /// Errors that are answers (a key that does not exist, a revision that does not match) pass through unchanged.
    /// </summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="what">What the operation does, for the error message (for example <c>put a registry entry</c>).</param>
    /// <param name="operation">The operation; it gets a token cancelled at the deadline.</param>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="CoordinationUnavailableException">The servers cannot be reached or did not answer in time.</exception>
    Task<T> RunAsync<T>(string what, Func<CancellationToken, ValueTask<T>> operation, TimeSpan timeout, CancellationToken cancellationToken = default);
}
