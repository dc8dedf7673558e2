using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <content>
/// Log messages of the ZAP handler (event ids 4010-4019). A client's key is logged as <c>{ClientPublicKey}</c>, in Z85:
/// a public key is no secret and the key-rotation runbook needs it (a property named <c>...Key</c> would be masked).
/// </content>
internal sealed partial class ZapHandler
{
    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning,
        Message = "Refused CURVE client {ClientPublicKey} from {Address} (ZAP domain '{Domain}'): its public key is not in the allow-list {Directory}. " +
                  "If it should connect, copy its public certificate (name.key) there; the list reloads by itself. ({Repeats} repeated refusal(s) since the last report.)")]
    private static partial void LogRefused(ILogger logger, string clientPublicKey, string address, string domain, string directory, long repeats);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "Refused CURVE client {ClientPublicKey} from {Address} again ({Repeats} time(s) since the last warning).")]
    private static partial void LogRefusedAgain(ILogger logger, string clientPublicKey, string address, long repeats);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning,
        Message = "Answered a malformed ZAP request with 400: {Problem}. Only libzmq should talk to inproc://zeromq.zap.01. ({Suppressed} similar since the last report.)")]
    private static partial void LogMalformed(ILogger logger, string problem, long suppressed);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "The ZAP handler failed on one request and goes on serving.")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning,
        Message = "Refused a {Mechanism} client from {Address} (ZAP domain '{Domain}'): Fleet.Sdk servers accept CURVE only. ({Suppressed} repeated since the last report.)")]
    private static partial void LogMechanismRefused(ILogger logger, string mechanism, string address, string domain, long suppressed);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Debug, Message = "Admitted CURVE client {ClientPublicKey} from {Address} (ZAP domain '{Domain}').")]
    private static partial void LogAllowed(ILogger logger, string clientPublicKey, string address, string domain);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "A ZAP reply could not be queued (the requesting socket is gone); libzmq times the handshake out.")]
    private static partial void LogReplyDropped(ILogger logger);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "The ZAP handler thread did not stop within 5 seconds of the context shutting down.")]
    private static partial void LogStopSlow(ILogger logger);
}
