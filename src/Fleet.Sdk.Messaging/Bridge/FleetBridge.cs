using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// One bridge of a primary/backup pair: the fleet's cross-machine event forwarder (XSUB frontend
/// for publishers, XPUB backend for subscribers). The pair hears each other's beacons; only the
/// active bridge forwards, and the fencing rule (<c>docs/resilience.md</c>) keeps at most one
/// active: the backup takes over when the primary has been silent and a client has lost it, and
/// a bridge cut off from both its peer and its clients steps down. Beacons carry an epoch raised by
/// every take-over, so after a heal the newest active bridge wins. Python publishers and
/// subscribers can use either endpoint unchanged (messages are forwarded verbatim).
/// </summary>
public sealed partial class FleetBridge : IDisposable
{
    private const int MaxPerWake = 1000;
    private const int MaxReplay = 10_000;

    private readonly ZmqContext _context;
    private readonly FleetBridgeOptions _options;
    private readonly ILogger _logger;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly BridgeFencing _fencing;
    private readonly Queue<(long At, byte[] Topic, byte[] Header, byte[] Payload)> _replay = new();
    private ZmqSocket? _frontend;
    private ZmqSocket? _backend;
    private ZmqSocket? _peer;
    private WakeupSignal? _wakeup;
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile BridgeState _state;
    private long _epoch;
    private long _forwarded;
    private long _dropped;
    private long _takeOvers;
    private long _replayed;

    /// <summary>Creates a bridge; <see cref="Start"/> binds it.</summary>
    /// <param name="context">The context (its security policy checks the endpoints).</param>
    /// <param name="options">Role, endpoints and timings.</param>
    /// <param name="logger">Where state changes (4100-4103) are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public FleetBridge(ZmqContext context, FleetBridgeOptions options, ILogger<FleetBridge>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        BridgeProblems.ThrowIfAny(options.Validate(), "bridge", nameof(options));

        _context = context;
        _options = options;
        _logger = logger ?? NullLogger<FleetBridge>.Instance;
        _fencing = new BridgeFencing(options.Role, options.PeerTimeout, options.BeaconInterval, _clock.ElapsedMilliseconds);
        Name = options.EffectiveName;
    }

    /// <summary>Gets the bridge's name.</summary>
    public string Name { get; }

    /// <summary>Gets the bridge's role.</summary>
    public BridgeRole Role => _options.Role;

    /// <summary>Gets whether the bridge forwards events right now.</summary>
    public BridgeState State => _state;

    /// <summary>Gets the bridge's epoch, raised by every take-over.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Gets the frontend endpoint with its port resolved (after <see cref="Start"/>).</summary>
    public string FrontendEndpoint { get; private set; } = string.Empty;

    /// <summary>Gets the backend endpoint with its port resolved (after <see cref="Start"/>).</summary>
    public string BackendEndpoint { get; private set; } = string.Empty;

    /// <summary>Gets the number of messages forwarded.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Gets the number of messages received while passive and not forwarded.</summary>
    public long DroppedWhilePassive => Interlocked.Read(ref _dropped);

    /// <summary>Gets how many events were sent again to subscribers that connected or reconnected.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Gets how many times this bridge became active.</summary>
    public long TakeOvers => Interlocked.Read(ref _takeOvers);

    /// <summary>Binds the frontend and backend, connects to the peer and starts forwarding on a thread of its own.</summary>
    /// <exception cref="InvalidOperationException">The bridge was started already.</exception>
    /// <exception cref="ZmqException">A bind failed (the message names the endpoint).</exception>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException($"Bridge {Name} is started already.");
        }

        try
        {
            _frontend = _context.CreateSocket(ZmqSocketType.XSub);
            _backend = _context.CreateSocket(ZmqSocketType.XPub);

            // Every (re)subscription comes up, so a subscriber that reconnects after a cut gets the recent events again.
            _backend.XPubVerbose = true;

            // Subscribers only send subscriptions: a larger frame is an attack on memory, dropped at its header.
            _backend.MaxMessageSize = MessagingConstants.SubscriptionFrameLimit;
            if (_options.UseCurve)
            {
                _frontend.UseCurveServer();
                _backend.UseCurveServer();
            }

            FrontendEndpoint = _frontend.Bind(_options.FrontendEndpoint);
            BackendEndpoint = _backend.Bind(_options.BackendEndpoint);

            // Publishers filter at the source: subscribe to everything, control topics included.
            _frontend.TrySend([1], TimeSpan.Zero);
            if (!string.IsNullOrWhiteSpace(_options.PeerEndpoint))
            {
                _peer = _context.CreateSocket(ZmqSocketType.Sub);
                if (_options.PeerServerKey is not null)
                {
                    _peer.UseCurveClient(CurveKeys.Resolve(_context.Security, _options.PeerServerKey), _context.Security.GetOwnCertificate().KeyPair);
                }

                _peer.Subscribe(BridgeWire.BeaconTopicBytes);
                _peer.Connect(_options.PeerEndpoint);
            }

            _wakeup = new WakeupSignal(_context);
        }
        catch
        {
            DisposeSockets();
            throw;
        }

        LogStarted(_logger, Name, _options.Role, FrontendEndpoint, BackendEndpoint, _options.PeerEndpoint ?? "(none)");
        _thread = new Thread(Run) { IsBackground = true, Name = $"fleet bridge {Name}" };
        _thread.Start();
    }

    /// <summary>Stops forwarding and closes the sockets; clients fail over to the peer.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (_thread is not null)
        {
            _wakeup?.Set();
            _thread.Join();
        }

        DisposeSockets();
    }

    private void Run()
    {
        var poller = new ZmqPoller();
        var frontendIndex = poller.Add(_frontend!);
        var backendIndex = poller.Add(_backend!);
        var wakeupIndex = poller.Add(_wakeup!.Receiver);
        var peerIndex = _peer is null ? -1 : poller.Add(_peer);
        var beaconMs = (long)_options.BeaconInterval.TotalMilliseconds;
        var nextBeacon = 0L;
        using var frame = new ZmqFrame();
        try
        {
            while (!_stopping)
            {
                // Inputs first, then the fencing rule: after the thread was held up, the beacons and heartbeats that
                // arrived meanwhile count before the rule looks at how long its peer and clients have been silent.
                poller.Poll(TimeSpan.FromMilliseconds(Math.Max(0, nextBeacon - _clock.ElapsedMilliseconds)));
                if (poller.IsReady(wakeupIndex))
                {
                    _wakeup.Reset();
                }

                if (poller.IsReady(frontendIndex))
                {
                    for (var i = 0; i < MaxPerWake && _frontend!.TryReceive(frame, TimeSpan.Zero); i++)
                    {
                        FromPublisher(frame);
                    }
                }

                if (poller.IsReady(backendIndex))
                {
                    // Subscriptions from subscribers (the frontend subscribes to everything already): a new
                    // or rebuilt connection gets the recent events again, which it drops if it had them.
                    var subscribed = false;
                    for (var i = 0; i < MaxPerWake && _backend!.TryReceive(frame, TimeSpan.Zero); i++)
                    {
                        subscribed |= frame.Length > 0 && frame.Data[0] == 1;
                    }

                    if (subscribed && _state == BridgeState.Active)
                    {
                        Replay();
                    }
                }

                if (peerIndex >= 0 && poller.IsReady(peerIndex))
                {
                    for (var i = 0; i < MaxPerWake && _peer!.TryReceive(frame, TimeSpan.Zero); i++)
                    {
                        FromPeer(frame);
                    }
                }

                var now = _clock.ElapsedMilliseconds;
                if (now >= nextBeacon)
                {
                    Tick(now);
                    nextBeacon = now + beaconMs;
                }
            }
        }
        catch (ZmqException ex) when (ex.IsContextTerminated)
        {
            // The context is shutting down; the bridge ends with it.
        }
        catch (Exception ex)
        {
            // A bridge that cannot go on must not take its host down, nor claim to be active.
            _state = BridgeState.Passive;
            LogFailed(_logger, Name, ex);
        }
    }

    private void Tick(long now)
    {
        var reason = _fencing.Evaluate(now);
        Interlocked.Exchange(ref _epoch, _fencing.Epoch);
        if (reason is not null)
        {
            _state = _fencing.State;
            if (_fencing.State == BridgeState.Active)
            {
                Interlocked.Increment(ref _takeOvers);
                LogActive(_logger, Name, _fencing.Epoch, reason);
            }
            else
            {
                LogPassive(_logger, Name, _fencing.Epoch, reason);
            }
        }

        var beacon = BridgeWire.Encode(new BridgeBeacon(Name, _options.Role, _fencing.State, _fencing.Epoch, PeerLost: !_fencing.HearsPeer(now)));
        _backend!.TrySend(BridgeWire.BeaconTopicBytes, TimeSpan.Zero, more: true);
        _backend.TrySend(beacon, TimeSpan.Zero);
    }

    private void FromPublisher(ZmqFrame frame)
    {
        if (frame.More && frame.Data.SequenceEqual(BridgeWire.ClientTopicBytes))
        {
            _frontend!.TryReceive(frame, TimeSpan.Zero);
            if (BridgeWire.TryDecode<BridgeClientHeartbeat>(frame.Data, out var heartbeat))
            {
                _fencing.OnClientHeartbeat(heartbeat!, _clock.ElapsedMilliseconds);
            }

            Drain(_frontend, frame);
            return;
        }

        if (_state != BridgeState.Active)
        {
            Interlocked.Increment(ref _dropped);
            Drain(_frontend!, frame);
            return;
        }

        // fleet.event/1 messages ([topic][header][payload]) are kept for the replay window; anything
        // else (legacy two-frame events) is forwarded verbatim and not replayed, as legacy
        // subscribers cannot drop repeats.
        byte[]? topic = null, header = null;
        var index = 0;
        while (true)
        {
            var more = frame.More;
            if (index == 0 && more)
            {
                topic = frame.ToArray();
            }
            else if (index == 1 && more && frame.Length == EventWire.HeaderLength && frame.Data.StartsWith(EventWire.Magic))
            {
                header = frame.ToArray();
            }
            else if (index == 2 && !more && header is not null)
            {
                Remember(topic!, header, frame.ToArray());
            }

            _backend!.TrySend(frame.Data, TimeSpan.Zero, more);
            index++;
            if (!more || !_frontend!.TryReceive(frame, TimeSpan.Zero))
            {
                break;
            }
        }

        Interlocked.Increment(ref _forwarded);
    }

    private void Remember(byte[] topic, byte[] header, byte[] payload)
    {
        var now = _clock.ElapsedMilliseconds;
        _replay.Enqueue((now, topic, header, payload));
        var windowMs = (long)_options.ReplayWindow.TotalMilliseconds;
        while (_replay.Count > MaxReplay || (_replay.Count > 0 && now - _replay.Peek().At > windowMs))
        {
            _replay.Dequeue();
        }
    }

    private void Replay()
    {
        var windowMs = (long)_options.ReplayWindow.TotalMilliseconds;
        var now = _clock.ElapsedMilliseconds;
        var replayed = 0;
        foreach (var (at, topic, header, payload) in _replay)
        {
            if (now - at <= windowMs)
            {
                _backend!.TrySend(topic, TimeSpan.Zero, more: true);
                _backend.TrySend(header, TimeSpan.Zero, more: true);
                _backend.TrySend(payload, TimeSpan.Zero);
                replayed++;
            }
        }

        Interlocked.Add(ref _replayed, replayed);
    }

    private void FromPeer(ZmqFrame frame)
    {
        if (!frame.More)
        {
            return;
        }

        _peer!.TryReceive(frame, TimeSpan.Zero);
        if (BridgeWire.TryDecode<BridgeBeacon>(frame.Data, out var beacon) && beacon!.Name != Name)
        {
            _fencing.OnPeerBeacon(beacon, _clock.ElapsedMilliseconds);
        }

        Drain(_peer, frame);
    }

    private static void Drain(ZmqSocket socket, ZmqFrame frame)
    {
        while (frame.More && socket.TryReceive(frame, TimeSpan.Zero))
        {
        }
    }

    private void DisposeSockets()
    {
        _frontend?.Dispose();
        _backend?.Dispose();
        _peer?.Dispose();
        _wakeup?.Dispose();
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Bridge {Name} ({Role}) started: publishers connect to {Frontend}, subscribers to {Backend}; peer beacons from {Peer}.")]
    private static partial void LogStarted(ILogger logger, string name, BridgeRole role, string frontend, string backend, string peer);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Bridge {Name} is ACTIVE (epoch {Epoch}): {Reason}.")]
    private static partial void LogActive(ILogger logger, string name, long epoch, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Critical, Message = "Bridge {Name} stopped forwarding after an unexpected error; its peer takes over. Restart it.")]
    private static partial void LogFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Bridge {Name} is passive (epoch {Epoch}): {Reason}.")]
    private static partial void LogPassive(ILogger logger, string name, long epoch, string reason);
}
