using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Logging;

/// <summary>Builds the logging pipeline when the host starts, failing the start with a clear reason if it cannot be built.</summary>
internal sealed class FleetLoggingStartupCheck(IEnumerable<ILoggerProvider> providers) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in providers.OfType<FleetLoggerProvider>())
        {
            provider.EnsurePipeline();
            if (provider.BuildError is { } error)
            {
                return Task.FromException(error);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
