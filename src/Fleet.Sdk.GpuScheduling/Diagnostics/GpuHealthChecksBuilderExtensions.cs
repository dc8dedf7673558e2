using Fleet.Sdk.GpuScheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds GPU scheduling to an agent's health (<c>health_check</c>, <c>/health</c>).</summary>
public static class GpuHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the <c>gpu</c> check: <see cref="HealthStatus.Degraded"/> when the lease ledger cannot be
    /// read, or when a GPU uses more VRAM than is leased on it (memory pressure: something runs
    /// outside the scheduler); healthy otherwise, with each GPU's capacity, reservation and leases.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddFleetGpuScheduling(this IHealthChecksBuilder builder, string name = "gpu")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, static sp => new GpuHealthCheck(sp.GetRequiredService<IGpuScheduler>()), HealthStatus.Degraded, ["fleet", "gpu"]));
    }

    private sealed class GpuHealthCheck(IGpuScheduler scheduler) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<GpuDeviceStatus> devices;
            try
            {
                devices = await scheduler.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (GpuLedgerUnavailableException ex)
            {
                return HealthCheckResult.Degraded($"the GPU lease ledger cannot be read: {ex.Message}");
            }

            var data = new Dictionary<string, object>();
            foreach (var device in devices)
            {
                data[$"{device.Machine}/{device.GpuIndex}"] =
                    $"{device.GpuName}: {device.ReservedMib} of {device.CapacityMib} MiB leased ({device.Leases.Count} lease(s)){(device.UsedMib is { } used ? $", {used} MiB in use" : string.Empty)}";
            }

            var pressured = devices.Where(d => d.UnderMemoryPressure).Select(d => $"{d.Machine}/{d.GpuIndex} ({d.UsedMib} MiB in use, {d.ReservedMib} leased)").ToList();
            return pressured.Count > 0
                ? HealthCheckResult.Degraded($"memory pressure on {string.Join(", ", pressured)}: VRAM in use beyond the leases", data: data)
                : HealthCheckResult.Healthy($"{devices.Count} GPU(s), {devices.Sum(d => d.Leases.Count)} lease(s)", data);
        }
    }
}
