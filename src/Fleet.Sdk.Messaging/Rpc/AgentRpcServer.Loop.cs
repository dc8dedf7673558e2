using System.Buffers;
using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <content>The socket thread: reads requests, rejects bad ones, dispatches the rest, sends replies.</content>
public sealed partial class AgentRpcServer
{
    /// <summary>A request has at most this many frames (routing envelope included); more is a bad request.</summary>
    private const int MaxFrames = 16;

    /// <summary>Requests read per wake-up before replies and monitor events get a turn.</summary>
    private const int ReadBatch = 256;

    private readonly List<ZmqFrame> _frames = [];
    private readonly HashSet<Pending> _inflight = [];
    private bool _overflow;
    private int _loopThreadId = -1;

    private enum Shape
    {
        Legacy,
        Fleet,
    }

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

            try
            {
                HandleMessage(count);
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or ObjectDisposedException) && !(ex is ZmqException { IsContextTerminated: true }))
            {
                // A bug in one request's handling must not stop the server for everyone else.
                LogRequestCrashed(_logger, ex);
            }
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

            if (count + 1 < MaxFrames)
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
        var delimiter = -1;
        for (var i = 1; i < count; i++)
        {
            if (_frames[i].Length == 0)
            {
                delimiter = i;
                break;
            }
        }

        var bodyStart = delimiter < 0 ? 1 : delimiter + 1;
        var bodyCount = count - bodyStart;
        var envelope = new byte[bodyStart][];
        for (var i = 0; i < bodyStart; i++)
        {
            envelope[i] = _frames[i].ToArray();
        }

        var last = _frames[count - 1];
        var peer = last.GetMetadata("Peer-Address");
        var callerKey = _useCurve ? last.GetMetadata("User-Id") : null;
        if (_overflow)
        {
            Reject(envelope, Shape.Legacy, null, peer, AgentRpcErrorCodes.BadRequest,
                $"a request has at most {MaxFrames} frames; a legacy request is one JSON frame after the delimiter (pyzmq send_json), a {RpcWire.ProtocolName} request three.");
            return;
        }

        Shape shape;
        ulong? id = null;
        long? timeoutMilliseconds = null;
        string? caller = null;
        ZmqFrame body;
        if (bodyCount >= 1 && _frames[bodyStart].Data.StartsWith(RpcWire.ProtocolPrefix))
        {
            shape = Shape.Fleet;
            var protocol = _frames[bodyStart].Data;
            if (!protocol.SequenceEqual(RpcWire.ProtocolFrame))
            {
                Reject(envelope, shape, null, peer, AgentRpcErrorCodes.UnsupportedVersion,
                    $"this server speaks {RpcWire.ProtocolName} (and legacy JSON), not '{RpcWire.Printable(protocol)}'; upgrade the server or pin the client to {RpcWire.ProtocolName}.");
                return;
            }

            if (bodyCount != 3)
            {
                Reject(envelope, shape, null, peer, AgentRpcErrorCodes.BadRequest,
                    $"a {RpcWire.ProtocolName} request has 3 frames after the delimiter (protocol, header, body), not {bodyCount}.");
                return;
            }

            if (!RpcWire.TryReadRequestHeader(_frames[bodyStart + 1].Data, out var headerId, out timeoutMilliseconds, out caller, out var headerError))
            {
                Reject(envelope, shape, null, peer, AgentRpcErrorCodes.BadRequest, $"the {RpcWire.ProtocolName} header is invalid: {headerError}.");
                return;
            }

            id = headerId;
            body = _frames[bodyStart + 2];
        }
        else if (bodyCount == 1)
        {
            shape = Shape.Legacy;
            body = _frames[bodyStart];
        }
        else
        {
            Reject(envelope, Shape.Legacy, null, peer, AgentRpcErrorCodes.BadRequest,
                $"expected one JSON frame after the delimiter (pyzmq send_json), got {bodyCount} frame(s).");
            return;
        }

        if (body.Length > _context.Options.MaxMessageSize && _context.Options.MaxMessageSize > 0)
        {
            Reject(envelope, shape, id, peer, AgentRpcErrorCodes.TooLarge,
                $"the request is {body.Length} bytes; this server accepts at most {_context.Options.MaxMessageSize} ({MessagingConstants.SectionName}:MaxMessageSize).");
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
        body.Data.CopyTo(buffer);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.AsMemory(0, body.Length));
        }
        catch (JsonException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Reject(envelope, shape, id, peer, AgentRpcErrorCodes.BadRequest, $"the request is not valid JSON: {ex.Message}");
            return;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action"u8, out var actionElement) || actionElement.ValueKind != JsonValueKind.String)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Reject(envelope, shape, id, peer, AgentRpcErrorCodes.BadRequest,
                "the request must be a JSON object with a string \"action\", for example {\"action\": \"health_check\"}.");
            return;
        }

        var action = actionElement.GetString()!;
        AgentRpcHandler? handler = null;
        var builtIn = !_handlers.TryGet(action, out handler) && action == AgentRpcHandlers.HealthCheckAction;
        if (handler is null && !builtIn)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Reject(envelope, shape, id, peer, AgentRpcErrorCodes.UnknownAction,
                $"unknown action '{RpcWire.Printable(System.Text.Encoding.UTF8.GetBytes(action))}'; this agent serves: {ServedActions()}.");
            return;
        }

        var budget = timeoutMilliseconds is { } ms ? TimeSpan.FromMilliseconds(Math.Max(0, ms)) : _options.HandlerTimeout;
        if (budget <= TimeSpan.Zero)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Reject(envelope, shape, id, peer, AgentRpcErrorCodes.Timeout, $"the request for '{action}' arrived after its deadline; it was not run.");
            return;
        }

        var pending = new Pending(this, envelope, shape, id, action, peer, document, buffer);
        var request = new RpcRequest(action, root, shape == Shape.Fleet ? AgentRpcProtocol.Fleet : AgentRpcProtocol.Legacy, caller, callerKey, peer, _time.GetUtcNow() + budget)
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

    private void Reject(byte[][] envelope, Shape shape, ulong? id, string? peer, string code, string message)
    {
        Interlocked.Increment(ref _rejected);
        if (_badInput.ShouldLog($"{code}@{peer}", out var suppressed))
        {
            LogRejected(_logger, code, peer ?? "(unknown)", message, suppressed);
        }
        else
        {
            LogRejectedAgain(_logger, code, peer ?? "(unknown)", message);
        }

        SendReply(envelope, shape, id, code, RpcWire.ErrorBody(code, message), peer);
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

    private void SendReply(byte[][] envelope, Shape shape, ulong? id, string? errorCode, ReadOnlySpan<byte> body, string? peer)
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

            if (shape == Shape.Fleet)
            {
                router.TrySend(RpcWire.ProtocolFrame, TimeSpan.Zero, more: true);
                router.TrySend(RpcWire.ReplyHeader(id, errorCode), TimeSpan.Zero, more: true);
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
        while (monitor.TryReceive(TimeSpan.Zero, out var monitorEvent))
        {
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
