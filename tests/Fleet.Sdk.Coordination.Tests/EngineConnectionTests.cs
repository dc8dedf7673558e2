using Fleet.Sdk.Coordination;
using Fleet.Sdk.Testing;
using Fleet.Sdk.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Sdk.Coordination.Tests;

/// <summary>The engines' connections against real servers: round trips, replica-confirmed writes, and the one unavailability error.</summary>
public sealed class EngineConnectionTests
{
    [RequiresLocalRedisServerFact]
    public async Task EvaluateReplicatedAsync_NoReplica_FailsNamingMinReplicaAcksButStandaloneWriteSucceeds()
    {
        await using var redis = await RedisServer.StartAsync();
        var confirmed = Connect(o => { o.Redis.ConnectionString = redis.ConnectionString; o.Redis.MinReplicaAcks = 1; o.Redis.ReplicaAckTimeout = TimeSpan.FromMilliseconds(200); });
        var plain = Connect(o => o.Redis.ConnectionString = redis.ConnectionString);

        var error = await Assert.ThrowsAsync<CoordinationUnavailableException>(() =>
            confirmed.GetRequiredService<IFleetRedis>().EvaluateReplicatedAsync("return redis.call('INCR', KEYS[1])", ["k"], [], TimeSpan.FromSeconds(5)));
        var reply = await plain.GetRequiredService<IFleetRedis>().EvaluateReplicatedAsync("return redis.call('INCR', KEYS[1])", ["k"], [], TimeSpan.FromSeconds(5));

        Assert.Contains("Fleet:Coordination:Redis:MinReplicaAcks", error.Message, StringComparison.Ordinal);
        Assert.Equal(CoordinationEngine.Redis, error.Engine);
        Assert.Equal(2, reply.Integer);
    }

    [RequiresLocalRedisServerFact]
    public async Task EvaluateReplicatedAsync_ReplicaAttached_IsConfirmed()
    {
        await using var master = await RedisServer.StartAsync();
        var replicaOptions = new RedisServerOptions();
        replicaOptions.Arguments.Add("--replicaof");
        replicaOptions.Arguments.Add($"{master.Host} {master.Port}");
        await using var replica = await RedisServer.StartAsync(replicaOptions);
        var services = Connect(o => { o.Redis.ConnectionString = master.ConnectionString; o.Redis.MinReplicaAcks = 1; o.Redis.ReplicaAckTimeout = TimeSpan.FromSeconds(2); });
        var redis = services.GetRequiredService<IFleetRedis>();
        RedisReply? reply = null;

        // The replica's first sync takes a moment: poll until a write is confirmed.
        Assert.True(await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    reply = await redis.EvaluateReplicatedAsync("return redis.call('INCR', KEYS[1])", ["k"], [], TimeSpan.FromSeconds(5));
                    return true;
                }
                catch (CoordinationUnavailableException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30)));
        Assert.True(reply!.Integer >= 1);
    }

    [Fact]
    public async Task PingAsync_RedisUnreachable_ThrowsCoordinationErrorNamingEngineEndpointAndKey()
    {
        var services = Connect(o => { o.Redis.ConnectionString = "127.0.0.1:1"; o.Redis.ConnectTimeout = TimeSpan.FromMilliseconds(300); });

        var error = await Assert.ThrowsAsync<CoordinationUnavailableException>(() => services.GetRequiredService<IFleetCoordination>().PingAsync(TimeSpan.FromMilliseconds(500)));

        Assert.Equal(CoordinationEngine.Redis, error.Engine);
        Assert.Equal("127.0.0.1:1", error.Endpoint);
        Assert.Equal("Fleet:Coordination:Redis:ConnectionString", error.ConfigurationKey);
        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [RequiresNatsServerFact]
    public async Task PingAsync_NatsServer_AnswersAndJetStreamIsThere()
    {
        await using var nats = await NatsServer.StartAsync();
        var services = Connect(o => o.Nats.Servers = nats.Url);
        var engine = services.GetRequiredService<IFleetNats>();

        var rtt = await engine.PingAsync(TimeSpan.FromSeconds(5));
        var account = await engine.RunAsync("read the account", ct => engine.JetStream.GetAccountInfoAsync(ct), TimeSpan.FromSeconds(5));

        Assert.True(rtt >= TimeSpan.Zero);
        Assert.Equal(1, engine.Replicas);
        Assert.NotNull(account);
    }

    [RequiresNatsServerFact]
    public async Task PingAsync_NatsKilled_ThrowsCoordinationErrorNamingTheServersKey()
    {
        await using var nats = await NatsServer.StartAsync();
        var services = Connect(o => { o.Nats.Servers = nats.Url; o.Nats.OperationTimeout = TimeSpan.FromMilliseconds(500); });
        var engine = services.GetRequiredService<IFleetNats>();
        await engine.PingAsync(TimeSpan.FromSeconds(5));

        await nats.KillAsync();
        var error = await Assert.ThrowsAsync<CoordinationUnavailableException>(() => engine.PingAsync(TimeSpan.FromMilliseconds(500)));

        Assert.Equal(CoordinationEngine.Nats, error.Engine);
        Assert.Equal("Fleet:Coordination:Nats:Servers", error.ConfigurationKey);
        Assert.Contains(nats.Url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_EngineUnreachable_IsDegradedNamingTheKey()
    {
        var services = WithConfiguration();
        services.AddFleetCoordination(o => { o.Redis.ConnectionString = "127.0.0.1:1"; o.Redis.ConnectTimeout = TimeSpan.FromMilliseconds(300); });
        services.AddHealthChecks().AddFleetCoordination();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["coordination"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", entry.Description, StringComparison.Ordinal);
        Assert.Equal("Redis", entry.Data["engine"]);
    }

    private static ServiceProvider Connect(Action<FleetCoordinationOptions> configure) =>
        WithConfiguration().AddFleetCoordination(configure).BuildServiceProvider();

    private static ServiceCollection WithConfiguration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        return services;
    }
}
