using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Events;

internal sealed partial class NatsStreamBackend
{
    [LoggerMessage(EventId = 9120, Level = LogLevel.Debug, Message = "Durable stream {Stream} is JetStream stream {JetStreamName} ({Replicas} replicas, at most {MaxLength} events, {MaxBytes} bytes, {MaxAge} old).")]
    private static partial void LogStreamReady(ILogger logger, string stream, string jetStreamName, int replicas, long maxLength, long maxBytes, TimeSpan maxAge);

    [LoggerMessage(EventId = 9121, Level = LogLevel.Debug, Message = "Durable stream {Stream}: idempotency key {Key} was appended before, as sequence {Sequence}; nothing stored.")]
    private static partial void LogDuplicate(ILogger logger, string stream, string key, ulong sequence);

    [LoggerMessage(EventId = 9122, Level = LogLevel.Warning, Message = "Durable stream {Stream}: the append notification subscription failed ({Reason}); waiting readers poll until it is back.")]
    internal static partial void LogWakeFailed(ILogger logger, string stream, string reason);
}
