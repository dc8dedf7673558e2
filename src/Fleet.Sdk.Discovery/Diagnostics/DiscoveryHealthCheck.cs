using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// Reports the registry's reachability and the age of the cached views: healthy when the registry
/// answers, degraded while resolutions are served from stale views, unhealthy once the views are
/// older than <c>Fleet:Discovery:MaxStaleness</c>.
/// </summary>
public sealed class DiscoveryHealthCheck(IServiceResolver resolver, Microsoft.Extensions.Options.IOptions<FleetDiscoveryOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = resolver.Status;
        var data = new Dictionary<string, object>
        {
            ["provider"] = status.Provider,
            ["reachable"] = status.Reachable,
            ["cached_services"] = status.CachedServices,
            ["oldest_view_age_seconds"] = Math.Round(status.OldestViewAge.TotalSeconds, 1),
        };
        if (status.LastSuccess is { } lastSuccess)
        {
            data["last_success"] = lastSuccess.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (status.Reachable)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"The {status.Provider} registry answers.", data));
        }

        return Task.FromResult(status.OldestViewAge <= options.Value.MaxStaleness
            ? HealthCheckResult.Degraded($"The {status.Provider} registry cannot be reached ({status.LastError}); serving last known views.", data: data)
            : HealthCheckResult.Unhealthy($"The {status.Provider} registry has been unreachable longer than Fleet:Discovery:MaxStaleness ({status.LastError}).", data: data));
    }
}
