using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Coordination;

internal sealed partial class FleetNatsConnection
{
    [LoggerMessage(EventId = 11101, Level = LogLevel.Information, Message = "NATS connected to server {Server} ({Url}).")]
    private static partial void LogConnected(ILogger logger, string server, string url);

    [LoggerMessage(EventId = 11102, Level = LogLevel.Warning, Message = "NATS connection lost ({Url}); reconnecting to any server in the list. Readers serve their last known state until then.")]
    private static partial void LogDisconnected(ILogger logger, string url);
}
