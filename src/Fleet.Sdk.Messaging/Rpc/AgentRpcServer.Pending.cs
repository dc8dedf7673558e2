using System.Buffers;
using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <content>One request between dispatch and reply.</content>
public sealed partial class AgentRpcServer
{
    /// <summary>
    /// A dispatched request. Exactly one reply is sent: the handler's result, its error, or the
    /// deadline's timeout, whichever comes first. The request's JSON is released when the handler
    /// finishes (which may be after a timeout reply), never while it may still read it.
    /// </summary>
    private sealed class Pending : IThreadPoolWorkItem
    {
        private readonly AgentRpcServer _server;
        private readonly byte[][] _envelope;
        private readonly RpcShape _shape;
        private readonly ulong? _id;
        private readonly string _action;
        private readonly string? _peer;
        private readonly CancellationTokenSource _cancellation = new();
        private JsonDocument? _document;
        private byte[]? _buffer;
        private ITimer? _deadline;
        private AgentRpcHandler? _handler;
        private RpcRequest? _request;
        private TimeSpan _budget;
        private int _replied;
        private string? _replyError;
        private byte[] _replyBody = [];

        public Pending(AgentRpcServer server, byte[][] envelope, RpcShape shape, ulong? id, string action, string? peer, JsonDocument document, byte[] buffer)
        {
            _server = server;
            _envelope = envelope;
            _shape = shape;
            _id = id;
            _action = action;
            _peer = peer;
            _document = document;
            _buffer = buffer;
        }

        /// <summary>Asks the handler to stop (server stopping); its callbacks run off the socket thread.</summary>
        public void Cancel() => _ = _cancellation.CancelAsync();

        public void Dispatch(AgentRpcHandler handler, RpcRequest request, TimeSpan budget, bool inline)
        {
            _handler = handler;
            _request = request;
            _budget = budget;
            _deadline = _server._time.CreateTimer(static state => ((Pending)state!).OnDeadline(), this, budget, Timeout.InfiniteTimeSpan);
            if (inline)
            {
                Execute();
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        /// <summary>Replies at once on the socket thread (the built-in health check).</summary>
        public void CompleteNow(object? result) => Finish(result, null);

        public void Execute()
        {
            ValueTask<object?> task;
            try
            {
                task = _handler!(_request!, _cancellation.Token);
            }
            catch (Exception ex)
            {
                Finish(null, ex);
                return;
            }

            if (task.IsCompletedSuccessfully)
            {
                Finish(task.Result, null);
                return;
            }

            _ = AwaitAsync(task);
        }

        /// <summary>Sends the reply on the socket thread.</summary>
        public void SendQueuedReply()
        {
            Interlocked.Increment(ref _server._served);
            _server.SendReply(_envelope, _shape, _id, _replyError, _replyBody, _peer);
        }

        private async Task AwaitAsync(ValueTask<object?> task)
        {
            object? result;
            try
            {
                result = await task.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Finish(null, ex);
                return;
            }

            Finish(result, null);
        }

        private void Finish(object? result, Exception? error)
        {
            _deadline?.Dispose();
            if (Interlocked.Exchange(ref _replied, 1) != 0)
            {
                // The deadline already answered; only free the request.
                Release();
                return;
            }

            if (error is null)
            {
                try
                {
                    var buffer = new ArrayBufferWriter<byte>(256);
                    RpcWire.WriteReply(buffer, result, _server._handlers.SerializerOptions);
                    _replyBody = buffer.WrittenSpan.ToArray();
                }
                catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
                {
                    error = ex;
                }
            }

            if (error is not null)
            {
                (_replyError, _replyBody) = DescribeFailure(error);
            }

            Release();

            // On the socket thread (a handler that completed inline) the reply goes out now; from
            // any other thread (thread pool, an async continuation) it is queued for the socket thread.
            if (Environment.CurrentManagedThreadId == _server._loopThreadId)
            {
                _server._inflight.Remove(this);
                SendQueuedReply();
            }
            else
            {
                _server._completions.Enqueue(this);
                _server._wakeup!.Set();
            }
        }

        private (string Code, byte[] Body) DescribeFailure(Exception error)
        {
            string code;
            string message;
            switch (error)
            {
                case AgentRpcException rpc:
                    code = rpc.Code;
                    message = rpc.Message;
                    break;
                case OperationCanceledException when _server._stopRequested:
                    code = AgentRpcErrorCodes.Overloaded;
                    message = $"the server stopped while '{_action}' was running; try another instance.";
                    break;
                case OperationCanceledException when _cancellation.IsCancellationRequested:
                    code = AgentRpcErrorCodes.Timeout;
                    message = $"'{_action}' did not finish within its deadline ({_budget.TotalMilliseconds:0} ms).";
                    break;
                default:
                    code = AgentRpcErrorCodes.HandlerFailed;
                    message = $"'{_action}' failed on the server ({error.GetType().Name}); the agent's log has the details (event 4024).";
                    if (_server._failures.ShouldLog($"{_action}:{error.GetType().FullName}", out var suppressed))
                    {
                        LogHandlerFailed(_server._logger, _action, _peer ?? "(unknown)", suppressed, error);
                    }
                    else
                    {
                        LogHandlerFailedAgain(_server._logger, _action, error.GetType().Name);
                    }

                    break;
            }

            return (code, RpcWire.ErrorBody(code, message));
        }

        private void OnDeadline()
        {
            if (Interlocked.Exchange(ref _replied, 1) != 0)
            {
                return;
            }

            _cancellation.Cancel();
            _replyError = AgentRpcErrorCodes.Timeout;
            _replyBody = RpcWire.ErrorBody(_replyError, $"'{_action}' did not finish within its deadline ({_budget.TotalMilliseconds:0} ms); it was cancelled.");
            LogHandlerTimedOut(_server._logger, _action, _budget.TotalMilliseconds, _peer ?? "(unknown)");
            _server._completions.Enqueue(this);
            _server._wakeup!.Set();
        }

        private void Release()
        {
            var document = Interlocked.Exchange(ref _document, null);
            document?.Dispose();
            var buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
