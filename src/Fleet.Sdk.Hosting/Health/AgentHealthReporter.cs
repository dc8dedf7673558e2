using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// One health report for both transports: the agent's state, each dependency, and the registered
/// health checks (discovery's and the application's). <c>health_check</c> over ZeroMQ and HTTP
/// <c>/health</c> return the same JSON.
/// </summary>
internal sealed class AgentHealthReporter(IFleetAgent agent, HealthCheckService? checks, TimeProvider time)
{
    /// <summary>The tag of checks that take part in liveness (<c>/alive</c>); every check takes part in readiness.</summary>
    public const string LiveTag = "live";

    private readonly long _started = time.GetTimestamp();

    /// <summary>Builds the report; <paramref name="liveness"/> limits it to the agent itself and checks tagged <c>live</c>.</summary>
    public async Task<(HealthStatus Status, byte[] Json)> ReportAsync(bool liveness, CancellationToken cancellationToken)
    {
        HealthReport? report = null;
        if (checks is not null)
        {
            report = await checks.CheckHealthAsync(
                liveness ? r => r.Tags.Contains(LiveTag) : null,
                cancellationToken).ConfigureAwait(false);
        }

        var state = agent.State;
        var dependencies = agent.Dependencies;
        var status = liveness
            ? (state == AgentState.Stopped ? HealthStatus.Unhealthy : HealthStatus.Healthy)
            : state switch
            {
                AgentState.Ready => HealthStatus.Healthy,
                AgentState.Degraded => dependencies.Any(d => d.Required && !d.Available) ? HealthStatus.Unhealthy : HealthStatus.Degraded,
                _ => HealthStatus.Unhealthy,
            };
        if (report is not null && report.Status < status)
        {
            status = report.Status;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", WireStatus(status, state));
            json.WriteString("agent", agent.ServiceName);
            json.WriteString("state", state.ToString().ToLowerInvariant());
            json.WriteNumber("uptime_seconds", Math.Round(time.GetElapsedTime(_started).TotalSeconds, 1));
            json.WriteNumber("in_flight", agent.InFlightRequests);
            if (!liveness)
            {
                json.WriteStartObject("dependencies");
                foreach (var dependency in dependencies)
                {
                    json.WriteStartObject(dependency.Name);
                    json.WriteString("status", dependency.Available ? "up" : "down");
                    json.WriteBoolean("required", dependency.Required);
                    WriteOptional(json, "endpoint", dependency.Endpoint);
                    WriteOptional(json, "error", dependency.Available ? null : dependency.LastError);
                    WriteOptional(json, "last_seen", dependency.LastSeen?.ToString("O", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("checks");
            foreach (var (name, entry) in report?.Entries ?? new Dictionary<string, HealthReportEntry>())
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString().ToLowerInvariant());
                WriteOptional(json, "description", entry.Description);
                if (entry.Data.Count > 0)
                {
                    json.WriteStartObject("data");
                    foreach (var (key, value) in entry.Data)
                    {
                        json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return (status, buffer.ToArray());
    }

    /// <summary>The <c>status</c> field: <c>ok</c> when healthy, as the legacy agents and their callers expect.</summary>
    public static string WireStatus(HealthStatus status, AgentState state) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => state switch
        {
            AgentState.Starting => "starting",
            AgentState.Draining => "draining",
            _ => "unhealthy",
        },
    };

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
