using Fleet.Sdk.Config;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests;

/// <summary>
/// Starts an agent host on one simulated machine with the fleet's Redis reached through that
/// machine's link: the one place the Discovery, GPU and durable-stream partition tests set up a
/// host (1 s connect and operation timeouts unless <c>settings</c> say otherwise).
/// </summary>
internal static class ClusterHost
{
    public static Task<IHost> StartAsync(FleetCluster cluster, string machine, string fleet, string contentRoot, IDictionary<string, string?> settings, Action<IServiceCollection> addServices) =>
        StartAsync(
            contentRoot,
            new Dictionary<string, string?>(new Dictionary<string, string?>
            {
                ["Fleet:Coordination:Redis:ConnectionString"] = cluster.GetAddress(machine, "redis"),
                ["Fleet:Coordination:FleetName"] = fleet,
                ["Fleet:Coordination:Redis:ConnectTimeout"] = "00:00:01",
                ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:01",
                ["Fleet:Discovery:Machine"] = machine,
            }.Concat(settings).GroupBy(p => p.Key).Select(g => g.Last())),
            addServices);

    /// <summary>Starts an agent host with exactly these settings (for engines other than one standalone Redis).</summary>
    public static async Task<IHost> StartAsync(string contentRoot, IDictionary<string, string?> settings, Action<IServiceCollection> addServices)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        addServices(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
