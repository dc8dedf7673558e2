using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Coordination;

internal sealed partial class FleetRedisConnection
{
    [LoggerMessage(EventId = 11001, Level = LogLevel.Information, Message = "Redis {Servers}: connected={Connected} after {ElapsedMs} ms (reconnects in the background when down).")]
    private static partial void LogConnecting(ILogger logger, string servers, bool connected, long elapsedMs);

    [LoggerMessage(EventId = 11002, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} failed ({FailureType}): {Reason}. Readers serve their last known state until it is back.")]
    private static partial void LogConnectionFailed(ILogger logger, string endPoint, string failureType, string reason);

    [LoggerMessage(EventId = 11003, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored.")]
    private static partial void LogConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 11004, Level = LogLevel.Warning, Message = "Subscribing to {Channel} failed: {Reason}; polling keeps the view current.")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(EventId = 11005, Level = LogLevel.Information, Message = "Redis topology changed (announced by {EndPoint}); following the new master.")]
    private static partial void LogMasterChanged(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 11006, Level = LogLevel.Warning, Message = "Configuration key {LegacyKey} is deprecated; set {CurrentKey} instead (the old key is still read for now).")]
    private static partial void LogLegacyKey(ILogger logger, string legacyKey, string currentKey);

    [LoggerMessage(EventId = 11007, Level = LogLevel.Warning, Message = "Redis {Servers}: no master could be reached through Sentinel ({Reason}); calls fail with the coordination error and the next call after {RetryMs} ms tries again.")]
    private static partial void LogConnectFailed(ILogger logger, string servers, string reason, long retryMs);

    [LoggerMessage(EventId = 11008, Level = LogLevel.Information, Message = "Following the Redis master: {Reason}; reconfiguring the connection now.")]
    private static partial void LogFollowingMaster(ILogger logger, string reason);

    [LoggerMessage(EventId = 11009, Level = LogLevel.Warning, Message = "Reconfiguring the Redis connection failed ({Reason}); StackExchange.Redis keeps retrying by itself.")]
    private static partial void LogReconfigureFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 11010, Level = LogLevel.Debug, Message = "No Redis server can take a write; looking for the master again (at most every {IntervalMs} ms).")]
    private static partial void LogRefollowingMaster(ILogger logger, long intervalMs);
}
