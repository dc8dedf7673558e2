using Fleet.Sdk.Testing;
using Fleet.Sdk.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;

namespace Fleet.Sdk.Coordination.Tests;

/// <summary>The NATS engine against a real three-node cluster (links through the fault proxy): quorum loss, silent links, its tuning keys.</summary>
public sealed class NatsClusterEngineTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [RequiresNatsServerFact]
    public async Task RunAsync_TwoOfThreeNodesKilled_KeyValuePutFailsWithTheCoordinationErrorNamingTheServersKey()
    {
        await using var nats = await NatsCluster.StartAsync();
        await using var services = Connect(nats.GetServers("mainpc"));
        var engine = services.GetRequiredService<IFleetNats>();
        var store = await engine.RunAsync("create a bucket", ct => engine.KeyValue.CreateStoreAsync(new NatsKVConfig("quorum") { NumberOfReplicas = 3 }, ct), Generous);
        await engine.RunAsync("put", ct => store.PutAsync("k", "before"u8.ToArray(), cancellationToken: ct), Generous);

        await nats.KillAsync("pc2");
        await nats.KillAsync("pc3");
        var error = await Assert.ThrowsAsync<CoordinationUnavailableException>(() =>
            engine.RunAsync("put", ct => store.PutAsync("k", "after"u8.ToArray(), cancellationToken: ct), TimeSpan.FromSeconds(2)));

        Assert.Equal(CoordinationEngine.Nats, error.Engine);
        Assert.Equal("Fleet:Coordination:Nats:Servers", error.ConfigurationKey);

        // With a majority back, the same write is acknowledged again.
        await nats.RestartAsync("pc2");
        Assert.True(await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    await engine.RunAsync("put", ct => store.PutAsync("k", "healed"u8.ToArray(), cancellationToken: ct), TimeSpan.FromSeconds(2));
                    return true;
                }
                catch (CoordinationUnavailableException)
                {
                    return false;
                }
            },
            Generous));
    }

    [RequiresNatsServerFact]
    public async Task Connection_LinkToItsServerSilentlyDropped_MovesToAnotherServerWithinAFewPings()
    {
        await using var nats = await NatsCluster.StartAsync();
        await nats.Cluster.AddMachineAsync("app");
        await using var services = Connect(nats.GetServers("app"));
        var engine = services.GetRequiredService<IFleetNats>();
        await engine.PingAsync(Generous);
        var first = engine.Connection.ServerInfo!.Name;

        // Drop (not reset) everything between app and that server's machine: only pings can tell.
        await nats.Cluster.PartitionAsync("app", first);

        Assert.True(await Poll.UntilAsync(() => engine.IsConnected && engine.Connection.ServerInfo?.Name is { } now && now != first, Generous), $"the client stayed on {first}");
        Assert.True(await engine.PingAsync(TimeSpan.FromSeconds(5)) >= TimeSpan.Zero);
    }

    [Theory]
    [InlineData("Fleet:Coordination:Nats:PingInterval", "00:00:00")]
    [InlineData("Fleet:Coordination:Nats:MaxPingsOut", "0")]
    public void Validate_BadPingSetting_FailsNamingTheKey(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Nats:Servers"] = "nats://127.0.0.1:4222",
            [key] = value,
        }).Build());
        services.AddFleetCoordination();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value);

        Assert.Contains(key.Replace("Fleet:Coordination:Nats:", string.Empty, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Connect(string servers)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddFleetCoordination(o =>
        {
            o.Nats.Servers = servers;
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(5);
        });
        return services.BuildServiceProvider();
    }
}
