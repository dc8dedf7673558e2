using System.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>Adds who logged (agent, machine, version, process) and in which request (correlation id) to every event.</summary>
internal sealed class FleetEnricher : ILogEventEnricher
{
    public const string SourceContext = "SourceContext";
    public const string AgentProperty = "Agent";
    public const string MachineProperty = "Machine";
    public const string VersionProperty = "AgentVersion";
    public const string ProcessIdProperty = "ProcessId";
    public const string CorrelationProperty = "CorrelationId";

    /// <summary>The baggage item that carries a request's correlation id across agents and machines.</summary>
    public const string CorrelationBaggage = "correlation_id";

    private static readonly HashSet<string> WellKnown = new(StringComparer.Ordinal)
    {
        SourceContext, AgentProperty, MachineProperty, VersionProperty, ProcessIdProperty, CorrelationProperty, "EventId",
    };

    private readonly LogEventProperty _agent;
    private readonly LogEventProperty _machine;
    private readonly LogEventProperty _version;
    private readonly LogEventProperty _processId;

    public FleetEnricher(string agent, string machine, string version, int processId)
    {
        _agent = new LogEventProperty(AgentProperty, new TrustedScalarValue(agent));
        _machine = new LogEventProperty(MachineProperty, new TrustedScalarValue(machine));
        _version = new LogEventProperty(VersionProperty, new TrustedScalarValue(version));
        _processId = new LogEventProperty(ProcessIdProperty, new TrustedScalarValue(processId));
    }

    public static bool IsWellKnown(string name) => WellKnown.Contains(name);


    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        logEvent.AddPropertyIfAbsent(_agent);
        logEvent.AddPropertyIfAbsent(_machine);
        logEvent.AddPropertyIfAbsent(_version);
        logEvent.AddPropertyIfAbsent(_processId);
        var correlation = Activity.Current?.GetBaggageItem(CorrelationBaggage);
        if (correlation is not null)
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(CorrelationProperty, new ScalarValue(correlation)));
        }
    }
}
