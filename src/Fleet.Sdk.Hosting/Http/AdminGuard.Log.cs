using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Hosting;

internal sealed partial class AdminGuard
{
    [LoggerMessage(EventId = 8030, Level = LogLevel.Warning, Message = "Refused admin request {Path} from {Remote}: {Reason}.")]
    private static partial void LogAdminRefused(ILogger logger, string path, string remote, string reason);

    [LoggerMessage(EventId = 8034, Level = LogLevel.Information, Message = "Admin endpoints (/admin/drain, /admin/loglevels) are enabled for callers with the bearer token in secret '{Secret}'.")]
    private static partial void LogAdminEnabled(ILogger logger, string secret);

    [LoggerMessage(EventId = 8035, Level = LogLevel.Information, Message = "Admin endpoints (/admin/drain, /admin/loglevels) are disabled: {Problem} /health, /alive and /metrics stay open.")]
    private static partial void LogAdminDisabled(ILogger logger, string problem);
}
