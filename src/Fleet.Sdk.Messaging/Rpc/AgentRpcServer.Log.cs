using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <content>Log messages of the RPC server (event ids 4020-4039).</content>
public sealed partial class AgentRpcServer
{
    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "RPC server listening on {Endpoints} ({Security}, {Count} action(s) plus health_check).")]
    private static partial void LogStarted(ILogger logger, string endpoints, string security, int count);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning,
        Message = "Rejected a request from {Peer} with '{Code}': {Reason} ({Suppressed} similar rejection(s) from this peer since the last report.)")]
    private static partial void LogRejected(ILogger logger, string code, string peer, string reason, long suppressed);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Debug, Message = "Rejected another request from {Peer} with '{Code}': {Reason}")]
    private static partial void LogRejectedAgain(ILogger logger, string code, string peer, string reason);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Error,
        Message = "Handler of '{Action}' failed on a request from {Peer}; the caller got a handler_failed error. ({Suppressed} similar failure(s) since the last report.)")]
    private static partial void LogHandlerFailed(ILogger logger, string action, string peer, long suppressed, Exception exception);

    [LoggerMessage(EventId = 4025, Level = LogLevel.Debug, Message = "Handler of '{Action}' failed again ({ExceptionType}).")]
    private static partial void LogHandlerFailedAgain(ILogger logger, string action, string exceptionType);

    [LoggerMessage(EventId = 4026, Level = LogLevel.Warning,
        Message = "Handler of '{Action}' ran past its deadline of {Budget} ms (request from {Peer}); the caller got a timeout error and the handler's token was cancelled.")]
    private static partial void LogHandlerTimedOut(ILogger logger, string action, double budget, string peer);

    [LoggerMessage(EventId = 4027, Level = LogLevel.Debug, Message = "Dropped a reply to {Peer}: it disconnected before the reply was ready.")]
    private static partial void LogCallerGone(ILogger logger, string peer);

    [LoggerMessage(EventId = 4028, Level = LogLevel.Warning,
        Message = "A connection to the RPC server failed its handshake: {Description}. ({Suppressed} similar since the last report.)")]
    private static partial void LogHandshakeFailed(ILogger logger, string description, long suppressed);

    [LoggerMessage(EventId = 4029, Level = LogLevel.Information, Message = "RPC server on {Endpoints} stopped.")]
    private static partial void LogStopped(ILogger logger, string endpoints);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Warning,
        Message = "Dropped a reply to {Peer}: its queue is full (it is not reading replies, or the high-water mark Fleet:Messaging:SendHighWatermark is too low).")]
    private static partial void LogReplyDropped(ILogger logger, string peer);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Error,
        Message = "Processing one request failed unexpectedly; the caller got a handler_failed error and the server goes on serving. ({Suppressed} similar failure(s) since the last report.)")]
    private static partial void LogRequestCrashed(ILogger logger, long suppressed, Exception exception);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Debug, Message = "Processing one request failed unexpectedly again ({ExceptionType}).")]
    private static partial void LogRequestCrashedAgain(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Warning, Message = "The RPC server's ZmqContext was disposed before the server was stopped; stop servers first.")]
    private static partial void LogContextGone(ILogger logger);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Warning,
        Message = "Closed a new connection to the RPC server as soon as it was accepted: {Held} connections are open, the limit is {Limit} ({Setting}). " +
                  "If these are real callers, raise the limit; otherwise a peer is holding connections open. ({Suppressed} similar since the last report.)")]
    private static partial void LogConnectionRefused(ILogger logger, int held, int limit, string setting, long suppressed);

    [LoggerMessage(EventId = 4035, Level = LogLevel.Warning, Message = "Could not send the failure reply to {Peer}: {Reason}. The caller's deadline ends its wait.")]
    private static partial void LogReplyFailed(ILogger logger, string peer, string reason);
}
