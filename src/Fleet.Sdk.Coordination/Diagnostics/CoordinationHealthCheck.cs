using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// Reports whether the coordination engine answers a PING within a second. Degraded (not unhealthy) when it
/// does not: readers serve their last known state and writes fail fast with the coordination error. The
/// description names the engine, its endpoint and the key to check.
/// </summary>
internal sealed class CoordinationHealthCheck(IFleetCoordination coordination, CoordinationMetrics metrics) : IHealthCheck
{
    /// <summary>The longest the check waits: /health must answer quickly even when the engine hangs.</summary>
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["engine"] = coordination.Engine.ToString(),
            ["endpoint"] = coordination.Endpoint,
            ["connected"] = coordination.IsConnected,
            ["unavailable_total"] = metrics.UnavailableCount,
        };
        try
        {
            var rtt = await coordination.PingAsync(PingTimeout, cancellationToken).ConfigureAwait(false);
            data["rtt_ms"] = Math.Round(rtt.TotalMilliseconds, 2);
            return HealthCheckResult.Healthy($"The {CoordinationErrors.EngineName(coordination.Engine)} coordination engine answers ({coordination.Endpoint}).", data);
        }
        catch (CoordinationUnavailableException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message, data: data);
        }
    }
}
