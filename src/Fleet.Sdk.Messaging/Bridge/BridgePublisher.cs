using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Publishes <see cref="EventFormat.Fleet"/> events through a bridge pair. It is connected to both
/// bridges and follows the active one (the newest epoch) from their beacons; while no bridge is
/// active it holds events (up to <see cref="FleetBridgeClientOptions.MaxBuffered"/>) and votes for a
/// take-over; when it starts following a bridge it sends again what the previous one may have lost
/// (the last <see cref="FleetBridgeClientOptions.ResendWindow"/>), and subscribers drop the
/// repeats. Thread-safe.
/// </summary>
public sealed partial class BridgePublisher : IDisposable
{
    private readonly FleetBridgeClientOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly ZmqSocket _socket;
    private readonly ZmqSocket _beacons;
    private readonly Dictionary<string, ulong> _sequences = [];
    private readonly Queue<BridgeRecentEvent> _recent = new();
    private readonly Dictionary<string, (BridgeBeacon Beacon, long HeardAt, int Count)> _bridges = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Thread _thread;
    private readonly byte[] _heartbeatTopic = BridgeWire.ClientTopicBytes.ToArray();
    private volatile bool _stopping;
    private string? _following;
    private long _epoch;
    private long _dropped;
    private long _resent;
    private long _failovers;

    /// <summary>Creates a publisher and connects it to every bridge (each endpoint checked by the security policy).</summary>
    /// <param name="context">The context.</param>
    /// <param name="options">The bridges and timings.</param>
    /// <param name="logger">Where fail-overs (4105-4107) are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public BridgePublisher(ZmqContext context, FleetBridgeClientOptions options, ILogger<BridgePublisher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options);
        _options = options;
        _logger = logger ?? NullLogger<BridgePublisher>.Instance;
        PublisherId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        // XPUB rather than PUB: each bridge's subscription arrives again whenever its connection is
        // rebuilt (after a cut, a reset, a heal), which is exactly when events may have been lost.
        _socket = context.CreateSocket(ZmqSocketType.XPub);
        _socket.XPubVerbose = true;
        _beacons = context.CreateSocket(ZmqSocketType.Sub);
        try
        {
            _beacons.Subscribe(BridgeWire.BeaconTopicBytes);
            foreach (var bridge in options.Bridges)
            {
                if (bridge.ServerKey is not null)
                {
                    var key = CurveKeys.Resolve(context.Security, bridge.ServerKey);
                    var own = context.Security.GetOwnCertificate().KeyPair;
                    _socket.UseCurveClient(key, own);
                    _beacons.UseCurveClient(key, own);
                }

                _socket.Connect(bridge.Frontend);
                _beacons.Connect(bridge.Backend);
            }
        }
        catch
        {
            _socket.Dispose();
            _beacons.Dispose();
            throw;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "fleet bridge publisher" };
        _thread.Start();
    }

    /// <summary>Gets this publisher's id, random per instance.</summary>
    public ulong PublisherId { get; }

    /// <summary>Gets the name of the bridge being followed, or <see langword="null"/> while none is active (events are held).</summary>
    public string? ActiveBridge
    {
        get
        {
            lock (_gate)
            {
                return _following;
            }
        }
    }

    /// <summary>Gets the number of events dropped because more than <see cref="FleetBridgeClientOptions.MaxBuffered"/> were held.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets the number of events sent again after a fail-over.</summary>
    public long Resent => Interlocked.Read(ref _resent);

    /// <summary>Gets how many times the publisher switched to another active bridge (or to the first one).</summary>
    public long FailOvers => Interlocked.Read(ref _failovers);

    /// <summary>Publishes <paramref name="payload"/> on <paramref name="topic"/>; never blocks.</summary>
    /// <param name="topic">The topic; subscribers match its UTF-8 bytes by prefix.</param>
    /// <param name="payload">The payload.</param>
    /// <exception cref="ArgumentException">The topic starts with <c>$fleet.bridge</c>, which the bridges reserve.</exception>
    public void Publish(string topic, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        if (BridgeWire.IsControl(topicBytes))
        {
            throw new ArgumentException($"Topic '{topic}' starts with '{BridgeWire.BeaconTopic}', which the bridges reserve for their own messages; choose another topic.", nameof(topic));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _sequences.TryGetValue(topic, out var sequence);
            _sequences[topic] = ++sequence;
            var header = new byte[EventWire.HeaderLength];
            EventWire.WriteHeader(header, PublisherId, sequence);
            var entry = new BridgeRecentEvent(_clock.ElapsedMilliseconds, topicBytes, header, payload.ToArray());
            _recent.Enqueue(entry);
            Trim(entry.At);
            if (_following is not null)
            {
                Send(entry);
            }
        }
    }

    /// <summary>Publishes UTF-8 text.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="text">The text.</param>
    public void Publish(string topic, string text) => Publish(topic, Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>Stops the beacon thread and closes the sockets; held events are lost (counted in <see cref="Dropped"/>).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            if (_following is null)
            {
                Interlocked.Add(ref _dropped, _recent.Count);
            }
        }

        _thread.Join();
        _socket.Dispose();
        _beacons.Dispose();
    }

    internal static void ThrowIfInvalid(FleetBridgeClientOptions options) => BridgeProblems.ThrowIfAny(options.Validate(), "bridge client", nameof(options));

    private void Run()
    {
        var intervalMs = (long)_options.HeartbeatInterval.TotalMilliseconds;
        var nextHeartbeat = 0L;
        using var frame = new ZmqFrame();
        try
        {
            while (!_stopping)
            {
                // Beacons first, then the heartbeat: after the thread was held up, the beacons that arrived meanwhile
                // count before Tick decides whether the followed bridge went silent (and votes for a take-over).
                // Short polls keep Dispose prompt.
                var wait = Math.Clamp(nextHeartbeat - _clock.ElapsedMilliseconds, 0, 50);
                if (_beacons.Poll(ZmqPollEvents.In, TimeSpan.FromMilliseconds(wait)))
                {
                    while (_beacons.TryReceive(frame, TimeSpan.Zero))
                    {
                        if (frame.More && _beacons.TryReceive(frame, TimeSpan.Zero) && BridgeWire.TryDecode<BridgeBeacon>(frame.Data, out var beacon))
                        {
                            _bridges.TryGetValue(beacon!.Name, out var previous);
                            _bridges[beacon.Name] = (beacon, _clock.ElapsedMilliseconds, previous.Beacon?.State == beacon.State ? previous.Count + 1 : 1);
                            if (beacon.State == BridgeState.Active && beacon.Epoch > Interlocked.Read(ref _epoch))
                            {
                                // A take-over: switch now rather than at the next heartbeat.
                                nextHeartbeat = 0;
                            }
                        }

                        while (frame.More && _beacons.TryReceive(frame, TimeSpan.Zero))
                        {
                        }
                    }
                }

                var now = _clock.ElapsedMilliseconds;
                if (now >= nextHeartbeat)
                {
                    Tick(now);
                    nextHeartbeat = now + intervalMs;
                }
            }
        }
        catch (ZmqException ex) when (ex.IsContextTerminated)
        {
            // The context is shutting down; the publisher ends with it.
        }
    }

    private void Tick(long now)
    {
        // Follow the newest active bridge heard lately. The first bridge is followed once two of its
        // active beacons arrived, so the frontend connection made at the same time has its
        // subscription; after that, connections to every bridge exist and a take-over is followed at once.
        var timeoutMs = (long)_options.BridgeTimeout.TotalMilliseconds;
        var beaconsNeeded = Interlocked.Read(ref _epoch) == 0 ? 2 : 1;
        (BridgeBeacon Beacon, long HeardAt, int Count)? best = null;
        foreach (var candidate in _bridges.Values)
        {
            if (candidate.Beacon.State == BridgeState.Active && now - candidate.HeardAt < timeoutMs && candidate.Count >= beaconsNeeded &&
                (best is null || candidate.Beacon.Epoch > best.Value.Beacon.Epoch))
            {
                best = candidate;
            }
        }

        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            var resubscribed = DrainSubscriptions();
            var target = best?.Beacon;
            if (target is not null && (target.Name != _following || target.Epoch != Interlocked.Read(ref _epoch)))
            {
                var previous = _following;
                _following = target.Name;
                Interlocked.Exchange(ref _epoch, target.Epoch);
                Interlocked.Increment(ref _failovers);
                var count = _recent.Count;
                foreach (var entry in _recent)
                {
                    Send(entry);
                }

                Interlocked.Add(ref _resent, count);
                LogFollowing(_logger, target.Name, target.Epoch, previous ?? "(none)", count);
            }
            else if (target is null && _following is not null)
            {
                LogLost(_logger, _following, timeoutMs);
                _following = null;
            }
            else if (resubscribed && _following is not null)
            {
                // A bridge connection was rebuilt: what was sent while it was down may be lost.
                foreach (var entry in _recent)
                {
                    Send(entry);
                }

                Interlocked.Add(ref _resent, _recent.Count);
                LogResentAfterReconnect(_logger, _recent.Count);
            }

            // A publisher that has been up for a bridge timeout and follows nobody votes for a take-over.
            var voting = _following is null && now >= timeoutMs;
            if (_following is not null || voting)
            {
                _socket.TrySend(_heartbeatTopic, TimeSpan.Zero, more: true);
                _socket.TrySend(BridgeWire.Encode(new BridgeClientHeartbeat(PublisherId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), _following, Interlocked.Read(ref _epoch))), TimeSpan.Zero);
            }

            Trim(now);
        }
    }

    /// <summary>Reads the bridges' subscription messages; returns whether any arrived (a connection was made or rebuilt).</summary>
    private bool DrainSubscriptions()
    {
        var any = false;
        Span<byte> scratch = stackalloc byte[64];
        while (_socket.TryReceive(scratch, TimeSpan.Zero, out var size))
        {
            any |= size > 0 && scratch[0] == 1;
        }

        return any;
    }

    private void Send(BridgeRecentEvent entry)
    {
        _socket.TrySend(entry.Topic, TimeSpan.Zero, more: true);
        _socket.TrySend(entry.Header, TimeSpan.Zero, more: true);
        _socket.TrySend(entry.Payload, TimeSpan.Zero);
    }

    /// <summary>Forgets events older than the resend window while a bridge is followed; caps the held events otherwise.</summary>
    private void Trim(long now)
    {
        var windowMs = (long)_options.ResendWindow.TotalMilliseconds;
        while (_recent.Count > 0 && _following is not null && now - _recent.Peek().At > windowMs)
        {
            _recent.Dequeue();
        }

        while (_recent.Count > _options.MaxBuffered)
        {
            _recent.Dequeue();
            if (_following is null)
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Publishing through bridge {Bridge} (epoch {Epoch}), previously {Previous}; sent {Resent} recent event(s) again (subscribers drop repeats).")]
    private static partial void LogFollowing(ILogger logger, string bridge, long epoch, string previous, int resent);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Debug, Message = "A bridge connection was rebuilt; sent {Resent} recent event(s) again (subscribers drop repeats).")]
    private static partial void LogResentAfterReconnect(ILogger logger, int resent);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Bridge {Bridge} has been silent for {TimeoutMs} ms and no other bridge is active: holding events and voting for a take-over.")]
    private static partial void LogLost(ILogger logger, string bridge, long timeoutMs);
}
