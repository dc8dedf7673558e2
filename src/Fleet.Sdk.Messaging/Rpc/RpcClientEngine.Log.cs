using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <content>Log messages of the RPC client's socket thread (event ids 4043-4049).</content>
internal sealed partial class RpcClientEngine
{
    [LoggerMessage(EventId = 4043, Level = LogLevel.Debug, Message = "Dropped a late reply from {Endpoint} to call {Id}: its caller already gave up.")]
    private static partial void LogLateReply(ILogger logger, string endpoint, ulong id);

    [LoggerMessage(EventId = 4044, Level = LogLevel.Warning, Message = "RPC endpoint failed: {Description}. ({Suppressed} similar since the last report.)")]
    private static partial void LogHandshakeFailed(ILogger logger, string description, long suppressed);

    [LoggerMessage(EventId = 4045, Level = LogLevel.Warning,
        Message = "Dropped a malformed reply ({Count} frame(s)) from {Endpoint}: is the service speaking the configured protocol (Fleet:Messaging:Services:<name>:Protocol)?")]
    private static partial void LogMalformedReply(ILogger logger, string endpoint, int count);

    [LoggerMessage(EventId = 4046, Level = LogLevel.Warning, Message = "The RPC client's ZmqContext was disposed before the client; dispose clients first.")]
    private static partial void LogContextGone(ILogger logger);

    [LoggerMessage(EventId = 4047, Level = LogLevel.Warning, Message = "The RPC client's socket thread did not stop within 5 seconds.")]
    private static partial void LogStopSlow(ILogger logger);
}
