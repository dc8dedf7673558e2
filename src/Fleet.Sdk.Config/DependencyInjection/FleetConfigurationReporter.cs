using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Config;

/// <summary>Logs the topology's warnings at start-up, and every reload and failed reload while the host runs.</summary>
internal sealed partial class FleetConfigurationReporter(
    IConfiguration configuration,
    IOptionsMonitor<FleetTopologyOptions> topology,
    ILogger<FleetConfigurationReporter> logger) : IHostedService, IDisposable
{
    private readonly List<FleetTopologyConfigurationProvider> _providers =
        (configuration as IConfigurationRoot)?.Providers.OfType<FleetTopologyConfigurationProvider>().ToList() ?? [];

    private IDisposable? _onChange;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in _providers)
        {
            if (provider.LastResult is { } result)
            {
                LogLoaded(logger, result.Topology.Agents.Count, result.Topology.Machines.Count, string.Join(", ", result.Files.Select(f => f.Path)));
                foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == FleetDiagnosticSeverity.Warning))
                {
                    LogWarning(logger, diagnostic.Id, diagnostic.ToString());
                }
            }

            provider.ReloadFailed += OnReloadFailed;
        }

        _onChange = topology.OnChange(options => LogReloaded(logger, options.Topology.Agents.Count, options.Topology.Machines.Count));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.ReloadFailed -= OnReloadFailed;
        }

        _onChange?.Dispose();
        _onChange = null;
    }

    private void OnReloadFailed(object? sender, FleetConfigurationException error) => LogReloadFailed(logger, error.Message);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Fleet topology loaded: {Agents} agents on {Machines} machines from {Files}.")]
    private static partial void LogLoaded(ILogger logger, int agents, int machines, string files);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Fleet configuration {RuleId}: {Diagnostic}")]
    private static partial void LogWarning(ILogger logger, string ruleId, string diagnostic);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Fleet topology reloaded: {Agents} agents on {Machines} machines.")]
    private static partial void LogReloaded(ILogger logger, int agents, int machines);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Fleet configuration changed but cannot be used; the last good configuration stays in place. {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string error);
}
