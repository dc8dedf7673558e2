using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>One configuration, one identity: every package of a real agent host reports the same machine and agent.</summary>
public sealed class FleetIdentityHostTests
{
    [Fact]
    public async Task AgentHost_OneConfiguration_DiscoveryGpuHostingAndMessagingReportOneIdentity()
    {
        using var temp = new TempDirectory();
        const string Topology = """
            version: 1
            machines:
              box-7: { host: 127.0.0.1 }
            agents:
              IdentityAgent:
                machine: box-7
            """;
        using var host = TestAgent.Build(
            temp,
            builder => builder.Services.AddFleetGpuScheduling(),
            new Dictionary<string, string?> { ["Fleet:Discovery:Provider"] = "InMemory" },
            Topology,
            agent: "IdentityAgent",
            machine: "box-7");
        await host.StartAsync();
        try
        {
            var services = host.Services;
            var identity = services.GetRequiredService<FleetIdentity>();
            Assert.Equal("box-7", identity.Machine);
            Assert.Equal("IdentityAgent", identity.Agent);

            // Hosting: the agent's name, and the machine in its registration.
            Assert.Equal("IdentityAgent", services.GetRequiredService<IFleetAgent>().ServiceName);
            var resolver = services.GetRequiredService<IServiceResolver>();
            var self = await ResolveAsync(resolver, "IdentityAgent");
            Assert.Equal("box-7", Assert.Single(self.Instances).Machine);

            // GpuScheduling: this machine's liveness registration.
            var gpu = await ResolveAsync(resolver, "FleetGpu");
            Assert.Equal("box-7", Assert.Single(gpu.Instances).Machine);

            // Discovery: same-machine preference compares with the same machine.
            var registrar = services.GetRequiredService<IServiceRegistrar>();
            await using var elsewhere = await registrar.RegisterAsync(new ServiceInstance { ServiceName = "Probe", InstanceId = "p-1", Machine = "elsewhere" });
            await using var here = await registrar.RegisterAsync(new ServiceInstance { ServiceName = "Probe", InstanceId = "p-2", Machine = "box-7" });
            var probe = await ResolveAsync(resolver, "Probe", count: 2);
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal("box-7", probe.Select(EndpointSelection.PreferSameMachine).Machine);
            }

            // Messaging: the name its RPC clients send as the caller and its health_check reports.
            Assert.Equal("IdentityAgent", services.GetRequiredService<ZmqContext>().Options.AgentName);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<ServiceResolution> ResolveAsync(IServiceResolver resolver, string service, int count = 1)
    {
        ServiceResolution? resolution = null;
        var found = await Poll.UntilAsync(
            async () => (resolution = await resolver.ResolveAsync(service)).Instances.Count >= count,
            TimeSpan.FromSeconds(10));
        Assert.True(found, $"{service} has {resolution?.Instances.Count ?? 0} instances in discovery, expected {count}.");
        return resolution!;
    }
}
