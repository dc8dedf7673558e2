using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The RPC client's socket thread: one DEALER per endpoint (never REQ, which wedges after a lost
/// reply), requests matched to replies by correlation id, so a reply that never comes costs only
/// its caller's deadline. Callers on any thread hand requests over through a queue and a wake-up;
/// connection events fail waiting requests early (connection refused or lost, key refused).
/// </summary>
internal sealed partial class RpcClientEngine : IDisposable
{
    private const int MaxReplyFrames = 8;

    /// <summary>
    /// How many CURVE handshakes in a row the server may close without a word before the engine
    /// calls it a refusal: libzmq sometimes closes a refused client's connection before its ERROR
    /// command is sent (zeromq/libzmq#2705), and closes it the same way when the client has the
    /// wrong server key. Once can be an accident; twice in a row is not.
    /// </summary>
    private const int SilentClosesMeaningRefusal = 2;

    private readonly ZmqContext _context;
    private readonly EndpointState[] _endpoints;
    private readonly RpcShape _shape;
    private readonly string _caller;
    private readonly string _serverKeySetting;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<Command> _commands = new();
    private readonly WakeupSignal _wakeup;
    private readonly Dictionary<ulong, Call> _pending = [];
    private readonly List<ZmqFrame> _frames = [];
    private readonly LogThrottle _failures;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private int _disposed;
    private long _lateReplies;

    /// <param name="context">The context the sockets belong to.</param>
    /// <param name="endpoints">The service's endpoints.</param>
    /// <param name="protocol">The wire protocol.</param>
    /// <param name="caller">This agent's name, sent with <c>fleet.rpc/1</c> requests.</param>
    /// <param name="secure">Makes a socket a CURVE client, or <see langword="null"/> for plaintext.</param>
    /// <param name="serverKeySetting">Where the caller configured the server's key, named in refusal errors (for example <c>Fleet:Messaging:Services:NAME:ServerKey</c>).</param>
    /// <param name="logger">The logger.</param>
    public RpcClientEngine(ZmqContext context, IReadOnlyList<string> endpoints, AgentRpcProtocol protocol, string caller, Action<ZmqSocket>? secure, string serverKeySetting, ILogger logger)
    {
        _context = context;
        _shape = protocol == AgentRpcProtocol.Fleet ? RpcShape.Fleet : RpcShape.Legacy;
        _caller = caller;
        _serverKeySetting = serverKeySetting;
        _logger = logger;
        _time = context.TimeProvider;
        _failures = new LogThrottle(_time, TimeSpan.FromMinutes(1));
        _endpoints = new EndpointState[endpoints.Count];
        try
        {
            for (var i = 0; i < endpoints.Count; i++)
            {
                _endpoints[i] = EndpointState.Open(context, endpoints[i], secure);
            }

            _wakeup = new WakeupSignal(context);
        }
        catch
        {
            foreach (var endpoint in _endpoints)
            {
                endpoint?.Dispose();
            }

            throw;
        }

        // Thread.Start is a full barrier: the sockets made here belong to the engine thread from now on.
        _thread = new Thread(Run) { IsBackground = true, Name = "fleet rpc client" };
        _thread.Start();
    }

    /// <summary>Gets the number of replies that arrived after their caller gave up.</summary>
    public long LateReplies => Interlocked.Read(ref _lateReplies);

    public string EndpointName(int index) => _endpoints[index].Endpoint;

    /// <summary>Sends one attempt to endpoint <paramref name="index"/> and waits for its reply body.</summary>
    public async Task<byte[]> SendAsync(int index, byte[] body, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var id = (ulong)Interlocked.Increment(ref _nextId);
        var endpoint = _endpoints[index].Endpoint;
        var call = new Call(id, index, BuildFrames(id, body, attemptTimeout));
        _commands.Enqueue(new Command(CommandKind.Send, call, id));
        _wakeup.Set();
        var reply = call.Completion.Task;
        try
        {
            return await reply.WaitAsync(attemptTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            if (reply.IsCompletedSuccessfully)
            {
                // The reply came while the call still waited for it (this call had not been forgotten), but the wait's
                // timer won the race to finish it: on a busy machine the thread pool can hold both back for hundreds of
                // milliseconds (seen in CI: a reply 20 ms after the request, reported as a 333 ms timeout). It is this
                // call's answer, so it is returned rather than thrown away.
                return reply.Result;
            }

            Forget(id);
            if (ex is TimeoutException)
            {
                throw MessagingErrors.AttemptTimedOut(endpoint, attemptTimeout);
            }

            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _commands.Enqueue(new Command(CommandKind.Stop, null, 0));
        _wakeup.Set();
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            LogStopSlow(_logger);
        }
    }

    private void Forget(ulong id)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _commands.Enqueue(new Command(CommandKind.Forget, null, id));
            _wakeup.Set();
        }
    }

    private byte[][] BuildFrames(ulong id, byte[] body, TimeSpan attemptTimeout) =>
        RpcWire.RequestFrames(_shape, id, body, (long)Math.Ceiling(attemptTimeout.TotalMilliseconds), _caller);

    private void Run()
    {
        var poller = new ZmqPoller();
        var wakeIndex = poller.Add(_wakeup.Receiver);
        foreach (var endpoint in _endpoints)
        {
            endpoint.SocketIndex = poller.Add(endpoint.Socket);
            endpoint.MonitorIndex = poller.Add(endpoint.Monitor.Socket);
        }

        try
        {
            var running = true;
            while (running)
            {
                foreach (var endpoint in _endpoints)
                {
                    poller.SetEvents(endpoint.SocketIndex, endpoint.Connected && endpoint.Outbox.Count > 0 ? ZmqPollEvents.In | ZmqPollEvents.Out : ZmqPollEvents.In);
                }

                poller.Poll(Timeout.InfiniteTimeSpan);
                if (poller.IsReady(wakeIndex))
                {
                    _wakeup.Reset();
                    running = ProcessCommands();
                }

                foreach (var endpoint in _endpoints)
                {
                    if (poller.IsReady(endpoint.MonitorIndex))
                    {
                        ReadMonitor(endpoint);
                    }

                    if (poller.IsReady(endpoint.SocketIndex))
                    {
                        ReadReplies(endpoint);
                    }

                    Flush(endpoint);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is ZmqException zmq && zmq.IsContextTerminated))
        {
            LogContextGone(_logger);
        }
        finally
        {
            foreach (var call in _pending.Values)
            {
                call.Completion.TrySetException(new ObjectDisposedException(nameof(AgentRpcClient), "The RPC client was disposed while the call was waiting."));
            }

            _pending.Clear();
            _wakeup.Dispose();
            foreach (var endpoint in _endpoints)
            {
                endpoint.Dispose();
            }

            foreach (var frame in _frames)
            {
                frame.Dispose();
            }

            _stopped.TrySetResult();
        }
    }

    /// <summary>Applies queued commands; <see langword="false"/> on stop.</summary>
    private bool ProcessCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            switch (command.Kind)
            {
                case CommandKind.Send:
                    var call = command.Call!;
                    var endpoint = _endpoints[call.Endpoint];
                    if (endpoint.Refusal is { } refusal)
                    {
                        // libzmq never reconnects after a ZAP refusal: fail fast, and reconnect once
                        // in a while in case the server's allow-list now has our key.
                        if (_time.GetElapsedTime(endpoint.RefusedAt) < _context.Options.ReconnectIntervalMax)
                        {
                            call.Completion.TrySetException(MessagingErrors.EndpointFailed(endpoint.Endpoint, AgentRpcErrorCodes.Refused, refusal));
                            break;
                        }

                        endpoint.Reconnect();
                    }

                    _pending[call.Id] = call;
                    endpoint.Outbox.Enqueue(call);
                    break;
                case CommandKind.Forget:
                    if (_pending.Remove(command.Id, out var forgotten))
                    {
                        _endpoints[forgotten.Endpoint].Sent.Remove(command.Id);
                    }

                    break;
                case CommandKind.Stop:
                    return false;
            }
        }

        return true;
    }

    /// <summary>Moves queued requests into the socket while its connection is up and it accepts them.</summary>
    private void Flush(EndpointState endpoint)
    {
        // Requests are handed to libzmq only over a live connection: one queued for a dead peer stays ours, to fail
        // or fail over, and is never delivered late after a reconnection.
        while (endpoint.Connected && endpoint.Outbox.TryPeek(out var call))
        {
            if (!_pending.ContainsKey(call.Id))
            {
                endpoint.Outbox.Dequeue();
                continue;
            }

            var frames = call.Frames;
            if (!endpoint.Socket.TrySend(frames[0], TimeSpan.Zero, more: true))
            {
                return;
            }

            for (var i = 1; i < frames.Length; i++)
            {
                endpoint.Socket.TrySend(frames[i], TimeSpan.Zero, more: i < frames.Length - 1);
            }

            endpoint.Outbox.Dequeue();
            endpoint.Sent.Add(call.Id);
            endpoint.Written = true;
        }
    }

    private void ReadReplies(EndpointState endpoint)
    {
        while (true)
        {
            var count = 0;
            var received = false;
            while (true)
            {
                if (count == _frames.Count)
                {
                    _frames.Add(new ZmqFrame());
                }

                var frame = _frames[count];
                if (!endpoint.Socket.TryReceive(frame, count == 0 ? TimeSpan.Zero : Timeout.InfiniteTimeSpan))
                {
                    break;
                }

                received = true;
                if (count + 1 < MaxReplyFrames)
                {
                    count++;
                }

                if (!frame.More)
                {
                    break;
                }
            }

            if (!received)
            {
                return;
            }

            Deliver(endpoint, count);
        }
    }

    private void Deliver(EndpointState endpoint, int count)
    {
        if (!RpcWire.TryReadReply(_shape, count, _frames[0].Data, count > 1 ? _frames[1].Data : [], count > 2 ? _frames[2].Data : [], out var id, out var bodyIndex))
        {
            LogMalformedReply(_logger, endpoint.Endpoint, count);
            return;
        }

        var body = _frames[bodyIndex];
        if (!_pending.Remove(id, out var call))
        {
            Interlocked.Increment(ref _lateReplies);
            LogLateReply(_logger, endpoint.Endpoint, id);
            return;
        }

        endpoint.Sent.Remove(id);
        call.Completion.TrySetResult(body.ToArray());
    }

    private void ReadMonitor(EndpointState endpoint)
    {
        while (endpoint.Monitor.TryReceive(TimeSpan.Zero, out var monitorEvent))
        {
            switch (monitorEvent.Event)
            {
                case ZmqMonitorEvents.HandshakeSucceeded:
                    endpoint.Connected = true;
                    endpoint.SilentCloses = 0;
                    break;
                case ZmqMonitorEvents.Disconnected:
                    endpoint.Connected = false;

                    // A peer that replies and then closes (an agent finishing its last request while it stops)
                    // has its reply in the socket's queue before the disconnect is reported: take it first.
                    ReadReplies(endpoint);
                    FailSent(endpoint, AgentRpcErrorCodes.Unavailable, $"{endpoint.Endpoint}: the connection was lost before the reply came.");
                    if (endpoint.Written)
                    {
                        // A request written to the lost connection (answered, failed here, or already given up) may not
                        // have left libzmq's queue. A fresh connection drops it, so it is never delivered late once
                        // libzmq reconnects. Writing needs a completed handshake, so this cannot loop on a bad peer.
                        endpoint.Renew();
                    }

                    break;
                case ZmqMonitorEvents.ConnectRetried:
                    FailQueued(endpoint, AgentRpcErrorCodes.Unavailable, $"{endpoint.Endpoint}: cannot connect: the connection was refused or the host is unreachable (is the agent running, on that port?); libzmq keeps retrying.");
                    break;
                case ZmqMonitorEvents.HandshakeFailedNoDetail when endpoint.UsesCurve && monitorEvent.Value != LibZmq.EAGAIN:
                    // The server closed the connection during the CURVE handshake without saying why (not a handshake
                    // timeout, which a frozen server gives too): the first time, the calls wait for libzmq's reconnection.
                    if (++endpoint.SilentCloses >= SilentClosesMeaningRefusal)
                    {
                        Refuse(endpoint, $"{endpoint.Endpoint}:silent", MessagingErrors.RefusedSilently(endpoint.Endpoint, endpoint.SilentCloses, _serverKeySetting));
                    }

                    break;
                case ZmqMonitorEvents.HandshakeFailedAuth or ZmqMonitorEvents.HandshakeFailedProtocol or ZmqMonitorEvents.HandshakeFailedNoDetail:
                    var description = monitorEvent.Describe();
                    var code = monitorEvent.Event == ZmqMonitorEvents.HandshakeFailedNoDetail ? AgentRpcErrorCodes.Unavailable : AgentRpcErrorCodes.Refused;
                    if (code == AgentRpcErrorCodes.Refused && monitorEvent.Event == ZmqMonitorEvents.HandshakeFailedAuth)
                    {
                        Refuse(endpoint, $"{endpoint.Endpoint}:{monitorEvent.Event}", description);
                        break;
                    }

                    if (_failures.ShouldLog($"{endpoint.Endpoint}:{monitorEvent.Event}", out var suppressed))
                    {
                        LogHandshakeFailed(_logger, description, suppressed);
                    }

                    FailQueued(endpoint, code, description);
                    FailSent(endpoint, code, description);

                    break;
            }
        }
    }

    /// <summary>Fails the endpoint's calls with a refusal, and the next ones too until a reconnection is due.</summary>
    private void Refuse(EndpointState endpoint, string throttleKey, string description)
    {
        if (_failures.ShouldLog(throttleKey, out var suppressed))
        {
            LogHandshakeFailed(_logger, description, suppressed);
        }

        FailQueued(endpoint, AgentRpcErrorCodes.Refused, description);
        FailSent(endpoint, AgentRpcErrorCodes.Refused, description);
        endpoint.Refusal = description;
        endpoint.RefusedAt = _time.GetTimestamp();
    }

    private void FailQueued(EndpointState endpoint, string code, string message)
    {
        while (endpoint.Outbox.TryDequeue(out var call))
        {
            if (_pending.Remove(call.Id))
            {
                call.Completion.TrySetException(MessagingErrors.EndpointFailed(endpoint.Endpoint, code, message));
            }
        }
    }

    private void FailSent(EndpointState endpoint, string code, string message)
    {
        foreach (var id in endpoint.Sent)
        {
            if (_pending.Remove(id, out var call))
            {
                call.Completion.TrySetException(MessagingErrors.EndpointFailed(endpoint.Endpoint, code, message));
            }
        }

        endpoint.Sent.Clear();
    }

    private enum CommandKind
    {
        Send,
        Forget,
        Stop,
    }

    private readonly record struct Command(CommandKind Kind, Call? Call, ulong Id);

    private sealed class Call(ulong id, int endpoint, byte[][] frames)
    {
        public ulong Id { get; } = id;

        public int Endpoint { get; } = endpoint;

        public byte[][] Frames { get; } = frames;

        public TaskCompletionSource<byte[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One endpoint's DEALER, its monitor, and the requests queued for it or sent on it.</summary>
    private sealed class EndpointState : IDisposable
    {
        private EndpointState(string endpoint, ZmqSocket socket, ZmqMonitor monitor)
        {
            Endpoint = endpoint;
            Socket = socket;
            Monitor = monitor;
            UsesCurve = socket.UsesCurve;
        }

        public string Endpoint { get; }

        public ZmqSocket Socket { get; }

        public ZmqMonitor Monitor { get; }

        /// <summary>Gets a value indicating whether the socket is a CURVE client.</summary>
        public bool UsesCurve { get; }

        /// <summary>Gets or sets how many CURVE handshakes in a row the server closed without a word.</summary>
        public int SilentCloses { get; set; }

        public Queue<Call> Outbox { get; } = new();

        public HashSet<ulong> Sent { get; } = [];

        /// <summary>Gets or sets a value indicating whether the handshake of the current connection completed.</summary>
        public bool Connected { get; set; }

        /// <summary>Gets or sets a value indicating whether a request was written since the connection was last renewed.</summary>
        public bool Written { get; set; }

        /// <summary>Gets or sets why the server refused this client's key, until the next reconnection.</summary>
        public string? Refusal { get; set; }

        public long RefusedAt { get; set; }

        public int SocketIndex { get; set; }

        public int MonitorIndex { get; set; }

        public static EndpointState Open(ZmqContext context, string endpoint, Action<ZmqSocket>? secure)
        {
            var socket = context.CreateSocket(ZmqSocketType.Dealer);
            ZmqMonitor? monitor = null;
            try
            {
                // Not ZMQ_IMMEDIATE: with it, libzmq discards replies not yet read when the connection drops (a peer
                // that answers and then stops). The engine itself sends only over a live connection (Flush).
                socket.Immediate = false;
                socket.Linger = TimeSpan.Zero;
                secure?.Invoke(socket);
                monitor = socket.Monitor(ZmqMonitorEvents.HandshakeSucceeded | ZmqMonitorEvents.Disconnected | ZmqMonitorEvents.ConnectRetried |
                                         ZmqMonitorEvents.HandshakeFailedAuth | ZmqMonitorEvents.HandshakeFailedProtocol | ZmqMonitorEvents.HandshakeFailedNoDetail);
                socket.Connect(endpoint);
                return new EndpointState(endpoint, socket, monitor);
            }
            catch
            {
                monitor?.Dispose();
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Opens a fresh connection after a refusal (libzmq gave up on the old one).</summary>
        public void Reconnect()
        {
            Refusal = null;
            SilentCloses = 0;
            Renew();
        }

        /// <summary>Replaces the connection; whatever libzmq still held for the old one is dropped (linger zero).</summary>
        public void Renew()
        {
            Written = false;
            Socket.TryDisconnect(Endpoint);
            Socket.Connect(Endpoint);
        }

        public void Dispose()
        {
            Monitor.Dispose();
            Socket.Dispose();
        }
    }
}
