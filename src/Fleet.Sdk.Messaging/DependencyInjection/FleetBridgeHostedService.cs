using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Messaging;

/// <summary>Starts the bridge with the host and stops it with the host.</summary>
internal sealed class FleetBridgeHostedService(FleetBridge bridge) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bridge.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        bridge.Dispose();
        return Task.CompletedTask;
    }
}
