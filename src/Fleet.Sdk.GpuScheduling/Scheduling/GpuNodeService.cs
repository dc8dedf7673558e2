using System.Globalization;
using Fleet.Sdk.Discovery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// This machine's part: registers the machine as live in discovery (service <c>FleetGpu</c>), and
/// reports nvidia-smi's used VRAM per GPU to the ledger, warning when a GPU uses more than is leased
/// on it. Without nvidia-smi (no GPU here) it only registers.
/// </summary>
internal sealed partial class GpuNodeService(
    GpuScheduler scheduler,
    IServiceRegistrar registrar,
    GpuSchedulingOptions options,
    TimeProvider time,
    ILogger<GpuNodeService> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IServiceRegistration? _registration;
    private Task _sampling = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.ReportThisMachine)
        {
            return;
        }

        var gpus = scheduler.Inventory().Where(d => string.Equals(d.Id.Machine, scheduler.Machine, StringComparison.OrdinalIgnoreCase)).ToList();
        _registration = await registrar.RegisterAsync(
            new ServiceInstance
            {
                ServiceName = options.LivenessService,
                InstanceId = string.Create(CultureInfo.InvariantCulture, $"{scheduler.Machine}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"),
                Machine = scheduler.Machine,
                Metadata = new Dictionary<string, string>
                {
                    ["gpus"] = string.Join(';', gpus.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Id.Index}:{g.Name}:{g.CapacityMib}"))),
                },
            },
            cancellationToken).ConfigureAwait(false);
        var smi = NvidiaSmi.Locate(options.NvidiaSmiPath);
        if (smi is null)
        {
            LogNoNvidiaSmi(logger, options.NvidiaSmiPath, scheduler.Machine);
            return;
        }

        _sampling = Task.Run(() => SampleAsync(smi, _stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _sampling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (_registration is { } registration)
        {
            _registration = null;
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync(string smi, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var gpus = await NvidiaSmi.QueryAsync(smi, options.UsageInterval, stop).ConfigureAwait(false);
                foreach (var gpu in gpus)
                {
                    await scheduler.Ledger.ReportUsageAsync(new GpuId(scheduler.Machine, gpu.Index), gpu.UsedMib, options.UsageInterval * 3, stop).ConfigureAwait(false);
                }

                var inventory = scheduler.Inventory();
                foreach (var gpu in gpus.Where(g => !inventory.Any(d => d.Id == new GpuId(scheduler.Machine, g.Index))))
                {
                    LogUndeclaredGpu(logger, gpu.Index, gpu.Name, gpu.TotalMib, scheduler.Machine);
                }

                await scheduler.CheckMemoryPressureAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or GpuLedgerUnavailableException or System.ComponentModel.Win32Exception)
            {
                LogSampleFailed(logger, ex.Message);
            }

            await Task.Delay(options.UsageInterval, time, stop).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 7051, Level = LogLevel.Information, Message = "No {NvidiaSmi} on {Machine}: no live GPU figures here (normal without an NVIDIA GPU); the configured inventory is scheduled.")]
    private static partial void LogNoNvidiaSmi(ILogger logger, string nvidiaSmi, string machine);

    [LoggerMessage(EventId = 7052, Level = LogLevel.Warning, Message = "Reading nvidia-smi failed: {Reason}. Retrying at the next interval (Fleet:Gpu:UsageInterval).")]
    private static partial void LogSampleFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7053, Level = LogLevel.Warning, Message = "nvidia-smi reports GPU {Index} ({Name}, {TotalMib} MiB) on {Machine}, which the inventory does not declare: add it under the machine's gpus: in the topology (or Fleet:Gpu:Devices) to schedule it.")]
    private static partial void LogUndeclaredGpu(ILogger logger, int index, string name, long totalMib, string machine);
}
