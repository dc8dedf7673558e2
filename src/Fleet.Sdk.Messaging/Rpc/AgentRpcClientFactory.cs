using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging;

/// <summary>Creates one client per configured service, on first use, and disposes them with the container.</summary>
internal sealed class AgentRpcClientFactory(ZmqContext context, IOptions<FleetMessagingOptions> options, ILoggerFactory? loggerFactory = null)
    : IAgentRpcClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<AgentRpcClient>> _clients = new(StringComparer.OrdinalIgnoreCase);

    public AgentRpcClient GetClient(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        if (!options.Value.Services.TryGetValue(service, out var serviceOptions))
        {
            var known = options.Value.Services.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList();
            throw new KeyNotFoundException(
                $"No service '{service}' is configured: add {MessagingConstants.SectionName}:Services:{service}:Endpoints. " +
                (known.Count == 0 ? "No service is configured yet." : $"Configured: {string.Join(", ", known)}."));
        }

        return _clients.GetOrAdd(service, name => new Lazy<AgentRpcClient>(() => new AgentRpcClient(
            context,
            serviceOptions,
            name,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AgentRpcClient>()))).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
