using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Receives events through a bridge pair: connected to every bridge's backend at once, so when the
/// backup takes over, events keep coming with no reconnect; events a publisher resends after a
/// fail-over are dropped by sequence, so each arrives once. Not thread-safe: receive on one thread.
/// </summary>
public sealed class BridgeSubscriber : IDisposable
{
    private readonly EventSubscriber _subscriber;

    /// <summary>Creates a subscriber and connects it to every bridge (each endpoint checked by the security policy).</summary>
    /// <param name="context">The context.</param>
    /// <param name="options">The bridges and the topics.</param>
    /// <param name="logger">Where malformed messages are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public BridgeSubscriber(ZmqContext context, FleetBridgeClientOptions options, ILogger<BridgeSubscriber>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        BridgePublisher.ThrowIfInvalid(options);
        _subscriber = new EventSubscriber(context, options.Bridges.Select(b => (b.Backend, b.ServerKey)).ToList(), options.Topics, deduplicate: true, skipTopicPrefix: BridgeWire.BeaconTopicBytes.ToArray(), logger);
    }

    /// <summary>Gets the number of repeated events dropped (resent by publishers after a fail-over).</summary>
    public long DuplicatesDropped => _subscriber.DuplicatesDropped;

    /// <summary>Waits for the next event.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="message">The event, when one arrived.</param>
    /// <returns><see langword="true"/> when an event arrived in time.</returns>
    public bool TryReceive(TimeSpan timeout, [NotNullWhen(true)] out EventMessage? message) => _subscriber.TryReceive(timeout, out message);

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _subscriber.Dispose();
}
