using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <content>Log messages of the RPC client (event ids 4040-4042).</content>
public sealed partial class AgentRpcClient
{
    [LoggerMessage(EventId = 4040, Level = LogLevel.Debug, Message = "{Service}: attempt {Attempt} in {Delay:0} ms after: {Reason}")]
    private static partial void LogRetry(ILogger logger, string service, int attempt, double delay, string reason);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Warning,
        Message = "{Service}: circuit of {Endpoint} opened for {Seconds:0.#} s after repeated failures (last: {Reason}); calls fail over to the other endpoints.")]
    private static partial void LogCircuitOpened(ILogger logger, string service, string endpoint, double seconds, string reason);

    [LoggerMessage(EventId = 4042, Level = LogLevel.Information, Message = "{Service}: circuit of {Endpoint} closed; the endpoint answers again.")]
    private static partial void LogCircuitClosed(ILogger logger, string service, string endpoint);
}
