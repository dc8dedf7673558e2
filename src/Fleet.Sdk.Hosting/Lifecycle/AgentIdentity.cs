using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Hosting;

/// <summary>The agent's name, machine, advertised addresses and dependencies, from its options and the topology.</summary>
internal static class AgentIdentity
{
    /// <summary>The agent's name: <see cref="FleetHostingOptions.ServiceName"/>, else the fleet identity's agent.</summary>
    public static string ServiceName(IServiceProvider services, FleetHostingOptions options) =>
        options.ServiceName ?? Identity(services).Agent;

    /// <summary>The machine written in the registration: discovery's (<c>Fleet:Discovery:Machine</c>), so it matches what the resolvers compare with, else the fleet identity's.</summary>
    public static string Machine(IServiceProvider services) =>
        services.GetService<IOptions<FleetDiscoveryOptions>>()?.Value.Machine ?? Identity(services).Machine;

    /// <summary>The fleet identity, which <c>AddFleetAgentHosting</c> registers.</summary>
    private static FleetIdentity Identity(IServiceProvider services) => services.GetRequiredService<FleetIdentity>();

    /// <summary>An endpoint bound on every interface is advertised at the machine's address.</summary>
    public static string Advertised(IServiceProvider services, string endpoint)
    {
        if (!endpoint.Contains("//0.0.0.0:", StringComparison.Ordinal) && !endpoint.Contains("//*:", StringComparison.Ordinal) && !endpoint.Contains("//[::]:", StringComparison.Ordinal))
        {
            return endpoint;
        }

        var host = services.GetService<IConfiguration>()?["Fleet:Machine:Host"] ?? System.Net.Dns.GetHostName();
        return endpoint.Replace("//0.0.0.0:", $"//{host}:", StringComparison.Ordinal)
            .Replace("//*:", $"//{host}:", StringComparison.Ordinal)
            .Replace("//[::]:", $"//{host}:", StringComparison.Ordinal);
    }

    /// <summary>
    /// The dependencies: <c>Fleet:Hosting:Dependencies</c>, plus the topology's <c>Fleet:Agent:Dependencies</c>;
    /// required when the options say so, else when the topology marks the depended-on agent <c>required</c>.
    /// </summary>
    public static IReadOnlyList<AgentDependency> Dependencies(IServiceProvider services, FleetHostingOptions options)
    {
        var agent = services.GetService<IOptions<FleetAgentOptions>>()?.Value;
        var topology = services.GetService<IOptions<FleetTopologyOptions>>()?.Value.Topology;
        var result = new List<AgentDependency>();
        var names = new List<(string Name, TimeSpan? TopologyTimeout)>();
        foreach (var dependency in agent?.Dependencies ?? [])
        {
            if (!string.IsNullOrWhiteSpace(dependency.Agent))
            {
                names.Add((dependency.Agent, dependency.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null));
            }
        }

        foreach (var name in options.Dependencies.Keys)
        {
            if (!names.Any(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                names.Add((name, null));
            }
        }

        foreach (var (name, topologyTimeout) in names)
        {
            options.Dependencies.TryGetValue(name, out var configured);
            var required = configured?.Required
                ?? (topology is not null && topology.TryGetAgent(name, out var target) && target.Required);
            var timeout = configured?.Timeout ?? topologyTimeout ?? options.DependencyTimeout;
            result.Add(new AgentDependency(name, required, timeout, configured?.Endpoint));
        }

        return result;
    }
}
