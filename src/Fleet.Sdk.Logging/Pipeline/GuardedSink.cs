using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>Contains a sink's failures: counted, reported through SelfLog, never passed to the agent or to the other sinks.</summary>
internal sealed class GuardedSink(string name, ILogEventSink inner, LoggingMetrics metrics) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        try
        {
            inner.Emit(logEvent);
        }
        catch (Exception ex)
        {
            metrics.SinkFailed(name);
            SelfLog.WriteLine("Fleet.Sdk.Logging: the {0} sink failed and was skipped for this event: {1}", name, ex.Message);
        }
    }

    public void Dispose()
    {
        try
        {
            (inner as IDisposable)?.Dispose();
        }
        catch (Exception ex)
        {
            metrics.SinkFailed(name);
            SelfLog.WriteLine("Fleet.Sdk.Logging: disposing the {0} sink failed: {1}", name, ex.Message);
        }
    }
}
