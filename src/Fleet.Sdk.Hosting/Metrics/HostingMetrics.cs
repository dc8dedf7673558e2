using System.Diagnostics.Metrics;

namespace Fleet.Sdk.Hosting;

/// <summary>The host's metrics (meter <c>Fleet.Sdk.Hosting</c>): requests by action and outcome, their duration, requests in flight, the agent's state and each dependency's availability.</summary>
internal sealed class HostingMetrics
{
    public const string MeterName = "Fleet.Sdk.Hosting";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private IFleetAgent? _agent;
    private DependencyMonitor? _dependencies;

    public HostingMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = meter.CreateCounter<long>("fleet.hosting.requests", "{request}", "Requests handled by the agent's handlers, by action and outcome (ok, error, failed, timeout, refused).");
        _duration = meter.CreateHistogram<double>("fleet.hosting.request.duration", "s", "Time the agent's handlers took, by action.");
        meter.CreateObservableUpDownCounter("fleet.hosting.requests.in_flight", () => _agent?.InFlightRequests ?? 0, "{request}", "Requests running now.");
        meter.CreateObservableGauge("fleet.hosting.state", () => (int)(_agent?.State ?? AgentState.Starting), null, "The agent's state: 0 starting, 1 ready, 2 degraded, 3 draining, 4 stopped.");
        meter.CreateObservableGauge("fleet.hosting.dependency.available", ObserveDependencies, null, "1 while a dependency answers health_check, 0 otherwise.");
    }

    public void Observe(IFleetAgent agent) => _agent = agent;

    public void Observe(DependencyMonitor dependencies) => _dependencies = dependencies;

    public void Request(string action, string outcome, TimeSpan elapsed)
    {
        var actionTag = new KeyValuePair<string, object?>("action", action);
        _requests.Add(1, actionTag, new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(elapsed.TotalSeconds, actionTag);
    }

    public void Refused(string action) =>
        _requests.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", "refused"));

    private IEnumerable<Measurement<int>> ObserveDependencies()
    {
        if (_dependencies is not { } dependencies)
        {
            yield break;
        }

        foreach (var dependency in dependencies.Snapshot())
        {
            yield return new Measurement<int>(
                dependency.Available ? 1 : 0,
                new KeyValuePair<string, object?>("dependency", dependency.Name),
                new KeyValuePair<string, object?>("required", dependency.Required ? "true" : "false"));
        }
    }
}
