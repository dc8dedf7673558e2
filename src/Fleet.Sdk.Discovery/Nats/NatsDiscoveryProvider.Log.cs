using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Discovery;

internal sealed partial class NatsDiscoveryProvider
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Warning, Message = "Skipped a NATS registry entry '{Key}' that is not a Fleet.Sdk registration: {Reason}.")]
    private static partial void LogCorruptEntry(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Created the NATS registry bucket {Bucket} ({Replicas} replicas, entries expire {MaxAge} after their last heartbeat).")]
    private static partial void LogBucketCreated(ILogger logger, string bucket, int replicas, TimeSpan maxAge);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Raised the NATS registry bucket {Bucket}'s max age from {From} to {To}: a registration asked for that TTL. Shorter registrations still expire for readers after their own TTL.")]
    private static partial void LogBucketGrown(ILogger logger, string bucket, TimeSpan from, TimeSpan to);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "The NATS registry watch on {Bucket} stopped ({Reason}); restarting it in {Delay}. Resolvers keep polling meanwhile.")]
    private static partial void LogWatchRestarting(ILogger logger, string bucket, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "A registry change handler threw for service '{Service}'; the watch goes on.")]
    private static partial void LogHandlerFailed(ILogger logger, string service, Exception exception);
}
