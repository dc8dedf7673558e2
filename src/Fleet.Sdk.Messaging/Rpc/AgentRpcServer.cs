using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The agent's RPC server: a ROUTER socket on its own thread that dispatches requests by their
/// <c>"action"</c> to <see cref="AgentRpcHandlers"/>. It serves both the legacy contract (pyzmq REQ
/// sending one JSON frame) and the SDK's <c>fleet.rpc/1</c> envelope, answers <c>health_check</c>
/// itself, and answers every bad request (malformed JSON, wrong frames, unknown action, oversize)
/// with an error reply, logged once, while it goes on serving everyone else.
/// </summary>
/// <remarks>
/// Handlers run on the thread pool (or inline, see <see cref="AgentRpcServerOptions.InlineHandlers"/>),
/// at most <see cref="AgentRpcServerOptions.MaxConcurrentRequests"/> at a time, each with a token
/// cancelled at the request's deadline; the reply goes out at the deadline even if the handler
/// ignores its token. Thread-safe: start and stop it from any thread.
/// </remarks>
public sealed partial class AgentRpcServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    private readonly ZmqContext _context;
    private readonly AgentRpcServerOptions _options;
    private readonly AgentRpcHandlers _handlers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _useCurve;
    private readonly string _agentName;
    private readonly long _startedAt;
    private readonly ConcurrentQueue<Pending> _completions = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LogThrottle _badInput;
    private readonly LogThrottle _handshakes;
    private readonly LogThrottle _failures;
    private readonly List<string> _endpoints = [];
    private ZmqSocket? _router;
    private ZmqMonitor? _monitor;
    private ConnectionLimiter? _limiter;
    private volatile int _connections;
    private WakeupSignal? _wakeup;
    private Thread? _thread;
    private int _state;
    private volatile bool _stopRequested;
    private long _served;
    private long _rejected;

    /// <summary>Creates a server; call <see cref="Start"/> to bind and serve.</summary>
    /// <param name="context">The context whose security policy, certificate and allow-list apply.</param>
    /// <param name="options">The endpoints and limits.</param>
    /// <param name="handlers">The actions served.</param>
    /// <param name="logger">Where bad requests, handler failures and handshake failures are logged (event ids 4020-4039).</param>
    public AgentRpcServer(ZmqContext context, AgentRpcServerOptions options, AgentRpcHandlers handlers, ILogger<AgentRpcServer>? logger = null)
        : this(context, options, handlers, logger, useCurveByDefault: false)
    {
    }

    internal AgentRpcServer(ZmqContext context, AgentRpcServerOptions options, AgentRpcHandlers handlers, ILogger? logger, bool useCurveByDefault)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handlers);
        _context = context;
        _options = options;
        _handlers = handlers;
        _logger = logger ?? NullLogger<AgentRpcServer>.Instance;
        _time = context.TimeProvider;
        _useCurve = options.UseCurve ?? useCurveByDefault;
        _agentName = context.Options.AgentName ?? MessagingConstants.DefaultAgentName();
        _startedAt = _time.GetTimestamp();
        _badInput = new LogThrottle(_time, TimeSpan.FromMinutes(1));
        _handshakes = new LogThrottle(_time, TimeSpan.FromMinutes(1));
        _failures = new LogThrottle(_time, TimeSpan.FromMinutes(1));
    }

    /// <summary>Gets the endpoints bound, with random ports resolved (after <see cref="Start"/>).</summary>
    public IReadOnlyList<string> Endpoints => _endpoints;

    /// <summary>Gets a value indicating whether the server is a CURVE server.</summary>
    public bool UsesCurve => _useCurve;

    /// <summary>Gets the number of requests answered by a handler (or the built-in health check).</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Gets the number of requests answered with an error before reaching a handler (bad input, unknown action, oversize).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Gets the number of connections the server holds now (at most <see cref="AgentRpcServerOptions.MaxConnections"/>).</summary>
    public int Connections => _connections;

    /// <summary>Gets the number of connections closed as soon as they were accepted, because the server or the context held its maximum.</summary>
    public long RefusedConnections => _limiter?.Refused ?? 0;

    /// <summary>Binds every endpoint (after the security policy allows it) and starts serving. Bind errors are thrown here.</summary>
    /// <exception cref="InvalidOperationException">Started twice, or no endpoint is configured.</exception>
    /// <exception cref="Fleet.Sdk.Security.FleetSecurityException">The policy forbids an endpoint, or CURVE is on without a usable certificate.</exception>
    /// <exception cref="ZmqException">A bind failed (address in use...).</exception>
    public void Start()
    {
        if (_options.Endpoints.Count == 0)
        {
            throw MessagingErrors.ServerWithoutEndpoint();
        }

        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw MessagingErrors.ServerAlreadyStarted();
        }

        var router = _context.CreateSocket(ZmqSocketType.Router);
        try
        {
            router.RouterMandatory = true;

            // libzmq drops a connection whose frame exceeds this; between MaxMessageSize and it, the
            // request arrives and gets a clear too_large reply instead. libzmq allocates a frame's
            // declared size as soon as its header arrives, so this bounds a stalled connection's memory.
            var limit = _context.Options.MaxMessageSize;
            router.MaxMessageSize = limit <= 0 || limit > long.MaxValue / 2 ? -1 : limit + Math.Min(limit, MessagingConstants.MaxMessageSizeSlack);
            if (_useCurve)
            {
                router.UseCurveServer(_options.ZapDomain);
            }

            _limiter = new ConnectionLimiter(_context, _options.MaxConnections);
            _monitor = router.Monitor(ZmqMonitorEvents.HandshakeFailedNoDetail | ZmqMonitorEvents.HandshakeFailedProtocol | ZmqMonitorEvents.HandshakeFailedAuth | ConnectionLimiter.Events);
            foreach (var endpoint in _options.Endpoints)
            {
                var bound = router.Bind(endpoint);
                _endpoints.Add(bound);
                _limiter.AddEndpoint(bound);
            }

            _wakeup = new WakeupSignal(_context);
        }
        catch
        {
            _monitor?.Dispose();
            router.Dispose();
            _stopped.TrySetResult();
            throw;
        }

        _router = router;
        _thread = new Thread(Run) { IsBackground = true, Name = "fleet rpc server" };
        _thread.Start();
        LogStarted(_logger, string.Join(", ", _endpoints), _useCurve ? "CURVE" : "plaintext", _handlers.Actions.Count);
    }

    /// <summary>
    /// Stops serving: no new request is read, running handlers are cancelled and get up to 2
    /// seconds to reply, then the socket closes. Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the server still stops).</param>
    /// <returns>A task that completes when the socket is closed.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
        {
            _stopped.TrySetResult();
            return Task.CompletedTask;
        }

        _stopRequested = true;
        _wakeup?.Set();
        return _stopped.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the server and waits (a few seconds at most) for its socket to close.</summary>
    public void Dispose()
    {
        StopAsync().Wait(StopGrace + TimeSpan.FromSeconds(3));
    }

    /// <summary>Stops the server and waits for its socket to close.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
    }
}
