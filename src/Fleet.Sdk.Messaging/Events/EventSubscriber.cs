using System.Diagnostics.CodeAnalysis;
using System.Text;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Receives events from one or more publishers on a SUB socket: topic-prefix subscriptions,
/// reconnection by libzmq, and gap detection for <see cref="EventFormat.Fleet"/> events (each
/// <see cref="EventMessage.Missed"/> says how many were lost just before it). Legacy two-frame
/// (<c>[topic][payload]</c>) and single-frame messages from Python publishers are received too.
/// Not thread-safe: receive on one thread.
/// </summary>
public sealed partial class EventSubscriber : IDisposable
{
    private const int MaxFrames = 8;

    private readonly ZmqSocket _socket;
    private readonly EventGapDetector _gaps = new();
    private readonly List<ZmqFrame> _frames = [];
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly EventDeduplicator? _duplicates;
    private readonly byte[]? _skipTopicPrefix;
    private long _missed;
    private long _duplicateCount;

    /// <summary>Creates a subscriber, subscribes and connects (each endpoint checked by the security policy).</summary>
    /// <param name="context">The context.</param>
    /// <param name="options">Endpoints, topics and CURVE.</param>
    /// <param name="logger">Where gaps (4060) and malformed messages (4062) are logged.</param>
    /// <exception cref="FleetSecurityException">The policy forbids an endpoint, or CURVE keys cannot be loaded.</exception>
    public EventSubscriber(ZmqContext context, EventSubscriberOptions options, ILogger<EventSubscriber>? logger = null)
        : this(
            context ?? throw new ArgumentNullException(nameof(context)),
            (options ?? throw new ArgumentNullException(nameof(options))).Endpoints.Select(e => (e, options.ServerKey)).ToList(),
            options.Topics,
            deduplicate: false,
            skipTopicPrefix: null,
            logger)
    {
    }

    /// <summary>
    /// Creates a subscriber over endpoints with a server key each. With <paramref name="deduplicate"/>,
    /// repeated <see cref="EventFormat.Fleet"/> events (a publisher resending after a bridge
    /// fail-over) are dropped instead of reported as gaps. Messages whose topic starts with
    /// <paramref name="skipTopicPrefix"/> (the control messages of a layer built on events, such as the
    /// bridge's beacons) are skipped.
    /// </summary>
    internal EventSubscriber(ZmqContext context, IReadOnlyList<(string Endpoint, string? ServerKey)> endpoints, IEnumerable<string> topics, bool deduplicate, byte[]? skipTopicPrefix, ILogger? logger)
    {
        _skipTopicPrefix = skipTopicPrefix;
        if (endpoints.Count == 0)
        {
            throw MessagingErrors.SubscriberWithoutEndpoint();
        }

        _logger = logger ?? NullLogger<EventSubscriber>.Instance;
        _throttle = new LogThrottle(context.TimeProvider, TimeSpan.FromMinutes(1));
        _duplicates = deduplicate ? new EventDeduplicator() : null;
        _socket = context.CreateSocket(ZmqSocketType.Sub);
        try
        {
            foreach (var topic in topics.DefaultIfEmpty(string.Empty))
            {
                _socket.Subscribe(topic);
            }

            foreach (var (endpoint, serverKey) in endpoints)
            {
                // CURVE options apply to the connects that follow them, so each endpoint gets its own server key.
                if (serverKey is not null)
                {
                    _socket.UseCurveClient(CurveKeys.Resolve(context.Security, serverKey), context.Security.GetOwnCertificate().KeyPair);
                }

                _socket.Connect(endpoint);
            }
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Gets the total number of events detected as missed.</summary>
    public long MissedTotal => Interlocked.Read(ref _missed);

    /// <summary>Gets the number of repeated events dropped (deduplicating subscribers only).</summary>
    internal long DuplicatesDropped => Interlocked.Read(ref _duplicateCount);

    /// <summary>Waits for the next event.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="message">The event, when one arrived.</param>
    /// <returns><see langword="true"/> when an event arrived in time.</returns>
    public bool TryReceive(TimeSpan timeout, [NotNullWhen(true)] out EventMessage? message)
    {
        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + ZmqSocket.ToMilliseconds(timeout);
        while (true)
        {
            var remaining = deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));
            var count = ReceiveFrames(remaining);
            if (count < 0)
            {
                message = null;
                return false;
            }

            message = Parse(count);
            if (message is not null)
            {
                return true;
            }
        }
    }

    /// <summary>Waits for the next event, however long it takes.</summary>
    /// <returns>The event.</returns>
    public EventMessage Receive()
    {
        TryReceive(Timeout.InfiniteTimeSpan, out var message);
        return message!;
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        _socket.Dispose();
        foreach (var frame in _frames)
        {
            frame.Dispose();
        }
    }

    private int ReceiveFrames(TimeSpan timeout)
    {
        var count = 0;
        while (true)
        {
            if (count == _frames.Count)
            {
                _frames.Add(new ZmqFrame());
            }

            var frame = _frames[count];
            if (!_socket.TryReceive(frame, count == 0 ? timeout : Timeout.InfiniteTimeSpan))
            {
                return -1;
            }

            if (count + 1 < MaxFrames)
            {
                count++;
            }

            if (!frame.More)
            {
                return count;
            }
        }
    }

    private EventMessage? Parse(int count)
    {
        if (_skipTopicPrefix is not null && _frames[0].Data.StartsWith(_skipTopicPrefix))
        {
            return null;
        }

        var topic = Encoding.UTF8.GetString(_frames[0].Data);
        switch (count)
        {
            case 3 when _duplicates is not null && EventWire.TryReadHeader(_frames[1].Data, out var publisherId, out var sequence):
                if (!_duplicates.IsNew(publisherId, topic, sequence))
                {
                    Interlocked.Increment(ref _duplicateCount);
                    return null;
                }

                return new EventMessage(topic, _frames[2].ToArray(), EventFormat.Fleet, publisherId, sequence, 0);
            case 3 when EventWire.TryReadHeader(_frames[1].Data, out var sender, out var number):
                var missed = _gaps.Observe(sender, topic, number);
                if (missed > 0)
                {
                    Interlocked.Add(ref _missed, missed);
                    if (_throttle.ShouldLog($"gap:{sender}:{topic}", out var suppressed))
                    {
                        LogGap(_logger, missed, topic, sender, number, suppressed);
                    }
                }

                return new EventMessage(topic, _frames[2].ToArray(), EventFormat.Fleet, sender, number, missed);
            case 2:
                return new EventMessage(topic, _frames[1].ToArray(), EventFormat.Legacy, null, null, 0);
            case 1:
                return new EventMessage(string.Empty, _frames[0].ToArray(), EventFormat.Legacy, null, null, 0);
            default:
                if (_throttle.ShouldLog($"malformed:{count}", out var dropped))
                {
                    LogMalformed(_logger, count, topic, dropped);
                }

                return null;
        }
    }

    [LoggerMessage(EventId = 4060, Level = LogLevel.Warning,
        Message = "Missed {Missed} event(s) on '{Topic}' from publisher {PublisherId:x16} (next received: #{Sequence}): the subscriber fell behind its high-water mark or was disconnected. ({Suppressed} more gap report(s) on this topic since the last.)")]
    private static partial void LogGap(ILogger logger, long missed, string topic, ulong publisherId, ulong sequence, long suppressed);

    [LoggerMessage(EventId = 4062, Level = LogLevel.Warning,
        Message = "Dropped an event of {Count} frame(s) on '{Topic}': expected [topic][payload] or [topic][fleet.event/1 header][payload]. ({Suppressed} similar since the last report.)")]
    private static partial void LogMalformed(ILogger logger, int count, string topic, long suppressed);
}
