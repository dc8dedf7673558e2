using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>Level names shared with Python's logging module.</summary>
internal static class LevelNames
{
    public static string Python(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "TRACE",
        LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARNING",
        LogEventLevel.Error => "ERROR",
        _ => "CRITICAL",
    };
}
