using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging;

/// <summary>Runs the agent's RPC server for the host's lifetime, when it has endpoints.</summary>
internal sealed class AgentRpcServerHostedService(IServiceProvider services, IOptions<FleetMessagingOptions> options) : IHostedService
{
    private AgentRpcServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Server.Endpoints.Count > 0)
        {
            _server = (AgentRpcServer)services.GetService(typeof(AgentRpcServer))!;
            _server.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
