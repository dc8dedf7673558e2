using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>
/// The discovery health check against a real redis-server that is killed and paused (SIGSTOP):
/// the probe found /health still 'ok' while Redis was down and the registration's TTL lapsed.
/// </summary>
public sealed class DiscoveryHealthCheckTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly ServiceInstance Agent = new()
    {
        ServiceName = "ModelManagerSuite",
        InstanceId = "mainpc-1",
        Machine = "mainpc",
        Endpoints = new Dictionary<string, string> { ["rpc"] = "tcp://127.0.0.1:7200" },
    };

    [RequiresLocalRedisServerFact]
    public async Task CheckHealth_RedisKilled_DegradedNamingEngineEndpointAndKeyThenHealthyWhenBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var services = Services(redis);
        await using var registration = await services.GetRequiredService<IServiceRegistrar>().RegisterAsync(Agent);
        Assert.True(await Poll.UntilAsync(async () => (await CheckAsync(services)).Status == HealthStatus.Healthy, Deadline), (await CheckAsync(services)).Description);

        await redis.KillAsync();
        var degraded = await UntilAsync(services, r => r.Status == HealthStatus.Degraded);

        Assert.Contains("redis", degraded.Description, StringComparison.Ordinal);
        Assert.Contains(redis.ConnectionString, degraded.Description, StringComparison.Ordinal);
        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", degraded.Description, StringComparison.Ordinal);
        Assert.Equal("redis", degraded.Data["engine"]);
        Assert.Equal(redis.ConnectionString, degraded.Data["endpoint"]);
        Assert.Equal(false, degraded.Data["engine_reachable"]);

        await redis.RestartAsync(keepData: true);
        await UntilAsync(services, r => r.Status == HealthStatus.Healthy);
    }

    [RequiresLocalRedisServerFact]
    public async Task CheckHealth_RedisPaused_DegradedAndReportsLapsedRegistrationTtl()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var services = Services(redis);
        await using var registration = await services.GetRequiredService<IServiceRegistrar>().RegisterAsync(Agent);
        Assert.True(await Poll.UntilAsync(async () => (await CheckAsync(services)).Status == HealthStatus.Healthy, Deadline), (await CheckAsync(services)).Description);

        await redis.PauseAsync();
        try
        {
            var lapsed = await UntilAsync(services, r => r.Status == HealthStatus.Degraded && r.Data.TryGetValue("registration_lapsed", out var value) && value is true);

            Assert.Contains("Fleet:Discovery:Ttl", lapsed.Description, StringComparison.Ordinal);
            Assert.Contains(Agent.InstanceId, lapsed.Description, StringComparison.Ordinal);
            Assert.Equal(false, lapsed.Data["engine_reachable"]);
            Assert.False(registration.IsRegistered);
        }
        finally
        {
            await redis.ResumeAsync();
        }

        await UntilAsync(services, r => r.Status == HealthStatus.Healthy);
    }

    [RequiresLocalRedisServerFact]
    public async Task CheckHealth_NoRegistrationsRedisUp_HealthyOnceConnected()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var services = Services(redis);

        var result = await UntilAsync(services, r => r.Status == HealthStatus.Healthy);

        Assert.Equal(true, result.Data["engine_reachable"]);
        Assert.Equal(0, result.Data["registrations"]);
        Assert.Equal($"The redis registry at {redis.ConnectionString} answers.", result.Description);
    }

    private static ServiceProvider Services(RedisServer redis)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddFleetCoordination(o =>
        {
            o.Redis.ConnectionString = redis.ConnectionString;
            o.FleetName = $"t{Guid.NewGuid():N}"[..12];
            o.Redis.OperationTimeout = TimeSpan.FromMilliseconds(500);
        });
        services.AddFleetDiscovery(o =>
        {
            o.Ttl = TimeSpan.FromSeconds(1);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        });
        services.AddHealthChecks().AddFleetDiscovery();
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["discovery"];

    private static async Task<HealthReportEntry> UntilAsync(IServiceProvider services, Func<HealthReportEntry, bool> condition)
    {
        HealthReportEntry last = default;
        var reached = await Poll.UntilAsync(
            async () =>
            {
                last = await CheckAsync(services);
                return condition(last);
            },
            Deadline,
            TimeSpan.FromMilliseconds(100));
        Assert.True(reached, $"the discovery check stayed {last.Status}: {last.Description} ({string.Join(", ", last.Data.Select(p => $"{p.Key}={p.Value}"))})");
        return last;
    }
}
