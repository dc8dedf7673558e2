using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>The conformance suite on the static provider's local registrations (no topology).</summary>
public sealed class StaticProviderConformanceTests : DiscoveryProviderConformanceTests
{
    protected override Task<IDiscoveryProvider> CreateProviderAsync() => Task.FromResult<IDiscoveryProvider>(new StaticDiscoveryProvider(FleetTopology.Empty));
}

/// <summary>The conformance suite on the composite provider (Redis first) with an empty topology.</summary>
[Collection(RedisCollection.Name)]
[RequiresRedisServer]
public sealed class CompositeProviderConformanceTests(RedisFixture redis) : RedisBackedConformanceTests(redis)
{
    private protected override IDiscoveryProvider CreateProvider(RedisDiscoveryProvider redis) =>
        new CompositeDiscoveryProvider(redis, new StaticDiscoveryProvider(FleetTopology.Empty));
}

public sealed class StaticProviderTests
{
    private static readonly FleetTopology Topology = new(
        [
            new FleetMachine { Name = "mainpc", Host = "10.0.0.5" },
            new FleetMachine { Name = "pc2", Host = "10.0.0.6" },
        ],
        [
            new FleetAgent { Name = "ModelManagerSuite", Machine = "mainpc", Host = "0.0.0.0", Port = 7211, HealthPort = 8211 },
            new FleetAgent { Name = "MemoryOrchestrator", Machine = "pc2", Port = 7140, HealthPort = 8140 },
            new FleetAgent { Name = "LocalOnly", Machine = "pc3", Host = "127.0.0.1", Port = 7300 },
        ]);

    [Fact]
    public async Task Fetch_TopologyAgent_EndpointsOnItsMachineHost()
    {
        var provider = new StaticDiscoveryProvider(Topology);

        var instance = Assert.Single(await provider.FetchAsync("ModelManagerSuite"));

        Assert.Equal("mainpc", instance.Machine);
        Assert.Equal("tcp://10.0.0.5:7211", instance.Endpoint("rpc"));
        Assert.Equal("http://10.0.0.5:8211", instance.Endpoint("health"));
        Assert.Equal("tcp://127.0.0.1:7300", Assert.Single(await provider.FetchAsync("LocalOnly")).Endpoint("rpc"));
        Assert.Equal(3, (await provider.FetchAllAsync()).Count);
    }

    [Fact]
    public async Task Register_SameServiceOnSameMachine_ReplacesTheTopologyEntry()
    {
        var provider = new StaticDiscoveryProvider(Topology);

        await provider.RegisterAsync(new ServiceInstance { ServiceName = "MemoryOrchestrator", InstanceId = "pc2-live", Machine = "pc2" }, "o", TimeSpan.FromMinutes(1));

        Assert.Equal("pc2-live", Assert.Single(await provider.FetchAsync("MemoryOrchestrator")).InstanceId);
    }

    [Fact]
    public async Task Update_TopologyChanged_WatchersHearTheChangedServiceOnly()
    {
        var provider = new StaticDiscoveryProvider(Topology);
        var heard = new List<string>();
        using var watch = provider.WatchChanges(s => heard.Add(s));

        provider.Update(new FleetTopology(Topology.Machines, Topology.Agents.Select(a => a.Name == "LocalOnly" ? a with { Port = 7301 } : a)));

        Assert.Equal(["LocalOnly"], heard);
        Assert.Equal("tcp://127.0.0.1:7301", Assert.Single(await provider.FetchAsync("LocalOnly")).Endpoint("rpc"));
    }

    [Fact]
    public async Task Composite_ServiceNobodyRegistered_FoundInTopology()
    {
        var composite = new CompositeDiscoveryProvider(new InMemoryDiscoveryProvider(), new StaticDiscoveryProvider(Topology));

        var legacy = Assert.Single(await composite.FetchAsync("MemoryOrchestrator"));

        Assert.Equal("topology", legacy.Metadata["source"]);
    }

    [Fact]
    public async Task Composite_RegistryDownNoView_ResolverServesTopologyMarkedStale()
    {
        var registry = new ControllableProvider { Down = true };
        var composite = new CompositeDiscoveryProvider(registry, new StaticDiscoveryProvider(Topology));
        using var resolver = new ServiceResolver(composite, new FleetDiscoveryOptions(), "mainpc", new DiscoveryMetrics(null), TimeProvider.System, NullLogger.Instance);

        var resolution = await resolver.ResolveAsync("ModelManagerSuite");

        Assert.True(resolution.IsStale);
        Assert.Equal("tcp://10.0.0.5:7211", resolution.SelectEndpoint("rpc"));
    }

    [Fact]
    public async Task AddFleetDiscovery_NoRedis_StaticFromTheLoadedTopologyFile()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("config/fleet.yaml", """
            version: 1
            machines:
              mainpc: { host: 127.0.0.1 }
            agents:
              ServiceRegistry: { machine: mainpc, port: 7200, health_port: 8200, required: true }
            """);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path });
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.AddFleetConfiguration(o => o.Environment = new DictionaryEnvironmentVariables());
        builder.Services.AddFleetDiscovery();
        using var host = builder.Build();
        await host.StartAsync();

        var resolution = await host.Services.GetRequiredService<IServiceResolver>().ResolveAsync("ServiceRegistry");

        Assert.Equal("static", resolution.Source);
        Assert.Equal("tcp://127.0.0.1:7200", resolution.SelectEndpoint("rpc"));
        await host.StopAsync();
    }
}
