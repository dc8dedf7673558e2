using System.Buffers;

namespace Fleet.Sdk.Messaging;

/// <content>The socket thread: reads requests, rejects bad ones, dispatches the rest, sends replies.</content>
public sealed partial class AgentRpcServer
{
    /// <summary>Requests read per wake-up before replies and monitor events get a turn.</summary>
    private const int ReadBatch = 256;

    private readonly List<ZmqFrame> _frames = [];
    private readonly HashSet<Pending> _inflight = [];
    private bool _overflow;
    private int _loopThreadId = -1;

    private void Run()
    {
        _loopThreadId = Environment.CurrentManagedThreadId;
        var router = _router!;
        var wakeup = _wakeup!;
        var monitor = _monitor!;
        var poller = new ZmqPoller();
        var routerIndex = poller.Add(router);
        var wakeIndex = poller.Add(wakeup.Receiver);
        var monitorIndex = poller.Add(monitor.Socket);
        var draining = false;
        var stopBy = 0L;
        try
        {
            while (true)
            {
                if (_stopRequested && !draining)
                {
                    draining = true;
                    stopBy = _time.GetTimestamp();
                    foreach (var pending in _inflight)
                    {
                        pending.Cancel();
                    }
                }

                var remaining = draining ? StopGrace - _time.GetElapsedTime(stopBy) : Timeout.InfiniteTimeSpan;
                if (draining && (_inflight.Count == 0 || remaining <= TimeSpan.Zero))
                {
                    break;
                }

                var canRead = !draining && _inflight.Count < _options.MaxConcurrentRequests;
                poller.SetEvents(routerIndex, canRead ? ZmqPollEvents.In : ZmqPollEvents.None);
                poller.Poll(remaining);
                if (poller.IsReady(wakeIndex))
                {
                    wakeup.Reset();
                    SendCompletedReplies();
                }

                if (canRead && poller.IsReady(routerIndex))
                {
                    ReadRequests(router);
                }

                if (poller.IsReady(monitorIndex))
                {
                    ReadMonitor(monitor);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is ZmqException zmq && zmq.IsContextTerminated))
        {
            LogContextGone(_logger);
        }
        finally
        {
            foreach (var pending in _inflight)
            {
                pending.Cancel();
            }

            wakeup.Dispose();
            monitor.Dispose();
            router.Dispose();
            _limiter!.Dispose();
            _connections = 0;
            foreach (var frame in _frames)
            {
                frame.Dispose();
            }

            LogStopped(_logger, string.Join(", ", _endpoints));
            _stopped.TrySetResult();
        }
    }

    private void ReadRequests(ZmqSocket router)
    {
        for (var read = 0; read < ReadBatch && !_stopRequested && _inflight.Count < _options.MaxConcurrentRequests; read++)
        {
            var count = ReceiveMessage(router);
            if (count < 0)
            {
                return;
            }

            HandleMessage(count);
        }
    }

    /// <summary>Receives one whole message into the reusable frames; -1 when none is waiting.</summary>
    private int ReceiveMessage(ZmqSocket router)
    {
        _overflow = false;
        var count = 0;
        while (true)
        {
            if (count == _frames.Count)
            {
                _frames.Add(new ZmqFrame());
            }

            var frame = _frames[count];
            if (!router.TryReceive(frame, count == 0 ? TimeSpan.Zero : Timeout.InfiniteTimeSpan))
            {
                return -1;
            }

            if (!frame.More)
            {
                return count + 1;
            }

            if (count + 1 < RpcWire.MaxFrames)
            {
                count++;
            }
            else
            {
                // Too many frames: keep reading into the last slot so the message is consumed whole.
                _overflow = true;
            }
        }
    }

    private void HandleMessage(int count)
    {
        Span<int> lengths = stackalloc int[count];
        for (var i = 0; i < count; i++)
        {
            lengths[i] = _frames[i].Length;
        }

        var bodyStart = RpcWire.RequestStart(lengths);
        var bodyCount = count - bodyStart;
        var envelope = new byte[bodyStart][];
        for (var i = 0; i < bodyStart; i++)
        {
            envelope[i] = _frames[i].ToArray();
        }

        var last = _frames[count - 1];
        var peer = last.GetMetadata("Peer-Address");
        var shape = RpcShape.Legacy;
        ulong? id = null;
        try
        {
            var parsed = RpcWire.ParseRequest(
                bodyCount,
                bodyCount > 0 ? _frames[bodyStart].Data : [],
                bodyCount > 1 ? _frames[bodyStart + 1].Data : [],
                bodyCount > 2 ? _frames[bodyStart + 2].Data : [],
                _overflow,
                _context.Options.MaxMessageSize);
            (shape, id) = (parsed.Shape, parsed.Id);
            if (parsed.Rejection is { } rejection)
            {
                Reject(envelope, rejection, peer);
                return;
            }

            Dispatch(envelope, parsed, peer, _useCurve ? last.GetMetadata("User-Id") : null);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or ObjectDisposedException) && !(ex is ZmqException { IsContextTerminated: true }))
        {
            // A bug in one request's handling must not stop the server for everyone else, nor leave its caller waiting.
            if (_failures.ShouldLog($"request:{ex.GetType().FullName}", out var suppressed))
            {
                LogRequestCrashed(_logger, suppressed, ex);
            }
            else
            {
                LogRequestCrashedAgain(_logger, ex.GetType().Name);
            }

            try
            {
                SendReply(envelope, shape, id, AgentRpcErrorCodes.HandlerFailed,
                    RpcWire.ErrorBody(AgentRpcErrorCodes.HandlerFailed, $"the server failed to process this request ({ex.GetType().Name}); the agent's log has the details (event 4031)."), peer);
            }
            catch (ZmqException sendFailure) when (!sendFailure.IsContextTerminated)
            {
                // The failure may have been in sending; the caller's own deadline answers it then.
                LogReplyFailed(_logger, peer ?? "(unknown)", sendFailure.Message);
            }
        }
    }

    private void Dispatch(byte[][] envelope, RpcParsedRequest parsed, string? peer, string? callerKey)
    {
        var action = parsed.Action!;
        var document = parsed.Document!;
        AgentRpcHandler? handler = null;
        var builtIn = !_handlers.TryGet(action, out handler) && action == AgentRpcHandlers.HealthCheckAction;
        if (handler is null && !builtIn)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(parsed.Buffer!);
            Reject(envelope, new RpcRejection(parsed.Shape, parsed.Id, AgentRpcErrorCodes.UnknownAction,
                $"unknown action '{RpcWire.Printable(System.Text.Encoding.UTF8.GetBytes(action))}'; this agent serves: {ServedActions()}."), peer);
            return;
        }

        var budget = parsed.Budget ?? _options.HandlerTimeout;
        var pending = new Pending(this, envelope, parsed.Shape, parsed.Id, action, peer, document, parsed.Buffer!);
        var request = new RpcRequest(action, document.RootElement, parsed.Shape == RpcShape.Fleet ? AgentRpcProtocol.Fleet : AgentRpcProtocol.Legacy, parsed.Caller, callerKey, peer, _time.GetUtcNow() + budget)
        {
            SerializerOptions = _handlers.SerializerOptions,
        };

        if (builtIn)
        {
            pending.CompleteNow(HealthReply());
            return;
        }

        _inflight.Add(pending);
        pending.Dispatch(handler!, request, budget, inline: _options.InlineHandlers);
    }

    private string ServedActions() =>
        string.Join(", ", _handlers.Actions.Append(AgentRpcHandlers.HealthCheckAction).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    private Dictionary<string, object> HealthReply() => new(StringComparer.Ordinal)
    {
        ["status"] = "ok",
        ["agent"] = _agentName,
        ["uptime_seconds"] = Math.Round(_time.GetElapsedTime(_startedAt).TotalSeconds, 1),
        ["protocols"] = new[] { "legacy", RpcWire.ProtocolName },
        ["in_flight"] = _inflight.Count,
    };

    private void Reject(byte[][] envelope, RpcRejection rejection, string? peer)
    {
        Interlocked.Increment(ref _rejected);
        if (_badInput.ShouldLog($"{rejection.Code}@{peer}", out var suppressed))
        {
            LogRejected(_logger, rejection.Code, peer ?? "(unknown)", rejection.Message, suppressed);
        }
        else
        {
            LogRejectedAgain(_logger, rejection.Code, peer ?? "(unknown)", rejection.Message);
        }

        SendReply(envelope, rejection.Shape, rejection.Id, rejection.Code, rejection.Body, peer);
    }

    /// <summary>Sends replies that handlers completed on other threads (or timed out).</summary>
    private void SendCompletedReplies()
    {
        while (_completions.TryDequeue(out var pending))
        {
            _inflight.Remove(pending);
            pending.SendQueuedReply();
        }
    }

    private void SendReply(byte[][] envelope, RpcShape shape, ulong? id, string? errorCode, ReadOnlySpan<byte> body, string? peer)
    {
        var router = _router!;
        try
        {
            if (!router.TrySend(envelope[0], TimeSpan.Zero, more: true))
            {
                LogReplyDropped(_logger, peer ?? "(unknown)");
                return;
            }

            for (var i = 1; i < envelope.Length; i++)
            {
                router.TrySend(envelope[i], TimeSpan.Zero, more: true);
            }

            foreach (var frame in RpcWire.ReplyHead(shape, id, errorCode))
            {
                router.TrySend(frame, TimeSpan.Zero, more: true);
            }

            router.TrySend(body, TimeSpan.Zero);
        }
        catch (ZmqException ex) when (ex.ErrorCode == LibZmq.EHOSTUNREACH)
        {
            LogCallerGone(_logger, peer ?? "(unknown)");
        }
    }

    private void ReadMonitor(ZmqMonitor monitor)
    {
        var limiter = _limiter!;
        while (monitor.TryReceive(TimeSpan.Zero, out var monitorEvent))
        {
            var refusal = limiter.Observe(monitorEvent);
            _connections = limiter.Open;
            if (refusal != ConnectionLimiter.Refusal.None && _handshakes.ShouldLog($"refused:{refusal}", out var refused))
            {
                var (held, limit, key) = refusal == ConnectionLimiter.Refusal.SocketFull
                    ? (limiter.Open, limiter.Limit, $"{MessagingConstants.SectionName}:Server:MaxConnections")
                    : (_context.InboundConnections, _context.Options.MaxConnections, $"{MessagingConstants.SectionName}:MaxConnections");
                LogConnectionRefused(_logger, held, limit, key, refused);
            }

            if (monitorEvent.Event == ZmqMonitorEvents.HandshakeFailedAuth)
            {
                // The ZAP handler already logged the refusal with the client's key and address.
                continue;
            }

            if (monitorEvent.IsHandshakeFailure && _handshakes.ShouldLog($"{monitorEvent.Event}:{monitorEvent.Value}", out var suppressed))
            {
                LogHandshakeFailed(_logger, monitorEvent.Describe(), suppressed);
            }
        }
    }
}
