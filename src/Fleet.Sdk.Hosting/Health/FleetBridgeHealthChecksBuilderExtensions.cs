using Fleet.Sdk.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Sdk.Hosting;

/// <summary>Health of the agent's part in the bridge pair: the bridge it runs, and the bridge its publisher follows.</summary>
public static class FleetBridgeHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <c>bridge</c> checks for what the agent registered with <c>AddFleetBridge()</c> and
    /// <c>AddFleetBridgeClient()</c>: a publisher that follows no active bridge (events are held)
    /// is <see cref="HealthStatus.Degraded"/>; a bridge reports its role, state and epoch (passive
    /// is healthy: it is the standby).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddFleetBridge(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration("bridge", static sp => new BridgeHealthCheck(sp.GetService<FleetBridge>(), sp.GetService<BridgePublisher>()), HealthStatus.Degraded, ["fleet", "bridge"]));
    }

    private sealed class BridgeHealthCheck(FleetBridge? bridge, BridgePublisher? publisher) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var data = new Dictionary<string, object>();
            if (bridge is not null)
            {
                data["bridge"] = bridge.Name;
                data["role"] = bridge.Role.ToString();
                data["state"] = bridge.State.ToString();
                data["epoch"] = bridge.Epoch;
            }

            if (publisher is null)
            {
                return Task.FromResult(HealthCheckResult.Healthy(bridge is null ? "no bridge registered" : $"bridge {bridge.Name} is {bridge.State.ToString().ToLowerInvariant()}", data));
            }

            data["following"] = publisher.ActiveBridge ?? "none";
            data["dropped"] = publisher.Dropped;
            return Task.FromResult(publisher.ActiveBridge is null
                ? HealthCheckResult.Degraded("no active bridge is reachable: events are held and will be sent when one is", data: data)
                : HealthCheckResult.Healthy($"publishing through bridge {publisher.ActiveBridge}", data));
        }
    }
}
