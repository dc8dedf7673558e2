using Serilog.Core;
using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>Writes each event to every sink in turn.</summary>
internal sealed class FanOutSink(IReadOnlyList<GuardedSink> sinks) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        foreach (var sink in sinks)
        {
            sink.Emit(logEvent);
        }
    }

    public void Dispose()
    {
        foreach (var sink in sinks)
        {
            sink.Dispose();
        }
    }
}
