using Fleet.Sdk.Coordination;
using Fleet.Sdk.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Coordination.Tests;

public sealed class CoordinationOptionsTests
{
    [Theory]
    [InlineData(null, null, CoordinationEngine.InProcess)]
    [InlineData("127.0.0.1:6379", null, CoordinationEngine.Redis)]
    [InlineData(null, "nats://127.0.0.1:4222", CoordinationEngine.Nats)]
    public void EffectiveEngine_Auto_FollowsTheServersConfigured(string? redis, string? nats, CoordinationEngine expected)
    {
        var options = Options(new() { ["Fleet:Coordination:Redis:ConnectionString"] = redis, ["Fleet:Coordination:Nats:Servers"] = nats });

        Assert.Equal(expected, options.EffectiveEngine);
    }

    [Fact]
    public void Validate_RedisAndNatsBothConfiguredWithAuto_FailsNamingTheEngineKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Fleet:Coordination:Redis:ConnectionString"] = "127.0.0.1:6379",
            ["Fleet:Coordination:Nats:Servers"] = "nats://127.0.0.1:4222",
        }));

        Assert.Contains("Fleet:Coordination:Engine", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Fleet:Coordination:Engine", "Nats", "Fleet:Coordination:Nats:Servers")]
    [InlineData("Fleet:Coordination:Engine", "Redis", "Fleet:Coordination:Redis:ConnectionString")]
    [InlineData("Fleet:Coordination:Nats:Servers", "nats://user:pw@10.0.0.2:4222", "PasswordSecret")]
    [InlineData("Fleet:Coordination:FleetName", "my.fleet", "Fleet:Coordination:FleetName")]
    public void Validate_BadSetting_FailsNamingTheKeyToFix(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new() { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replicas_ThreeServers_DefaultsToThreeAndOneServerToOne()
    {
        Assert.Equal(3, Options(new() { ["Fleet:Coordination:Nats:Servers"] = "nats://a:4222,nats://b:4222,nats://c:4222" }).Nats.EffectiveReplicas);
        Assert.Equal(1, Options(new() { ["Fleet:Coordination:Nats:Servers"] = "nats://a:4222" }).Nats.EffectiveReplicas);
    }

    [Fact]
    public void MinReplicaAcks_Sentinel_DefaultsToOneAndStandaloneToZero()
    {
        Assert.Equal(1, Options(new() { ["Fleet:Coordination:Redis:Sentinels"] = "127.0.0.1:26379" }).Redis.EffectiveMinReplicaAcks);
        Assert.Equal(0, Options(new() { ["Fleet:Coordination:Redis:ConnectionString"] = "127.0.0.1:6379" }).Redis.EffectiveMinReplicaAcks);
    }

    [Fact]
    public void LegacyKeys_DiscoveryRedisSet_AreReadAndTheConnectionWarnsNamingTheNewKey()
    {
        var logs = new ListLoggerProvider();
        using var services = Services(
            new()
            {
                ["Fleet:Discovery:Redis:ConnectionString"] = "127.0.0.1:1",
                ["Fleet:Discovery:Redis:FleetName"] = "legacy",
            },
            logs);

        var options = services.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value;
        var engine = services.GetRequiredService<IFleetCoordination>();

        Assert.Equal("127.0.0.1:1", options.Redis.ConnectionString);
        Assert.Equal(CoordinationEngine.Redis, engine.Engine);
        Assert.Equal("fleet:legacy:", engine.KeyPrefix);
        var warning = Assert.Single(logs.Entries, e => e.EventId.Id == 11006 && e.Message.Contains("Fleet:Discovery:Redis:ConnectionString", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyKeys_NewKeySetToo_NewKeyWinsWithoutWarning()
    {
        var logs = new ListLoggerProvider();
        using var services = Services(
            new()
            {
                ["Fleet:Discovery:Redis:ConnectionString"] = "127.0.0.1:1",
                ["Fleet:Coordination:Redis:ConnectionString"] = "127.0.0.1:2",
            },
            logs);

        var options = services.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value;
        _ = services.GetRequiredService<IFleetCoordination>();

        Assert.Equal("127.0.0.1:2", options.Redis.ConnectionString);
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == 11006);
    }

    [Fact]
    public void IFleetNats_EngineIsRedis_ThrowsNamingTheEngineSetting()
    {
        using var services = Services(new() { ["Fleet:Coordination:Redis:ConnectionString"] = "127.0.0.1:1" }, new ListLoggerProvider());

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IFleetNats>());

        Assert.Contains("Fleet:Coordination:Engine", error.Message, StringComparison.Ordinal);
    }

    private static FleetCoordinationOptions Options(Dictionary<string, string?> settings)
    {
        using var services = Services(settings, new ListLoggerProvider());
        return services.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, ListLoggerProvider logs)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(b => b.AddProvider(logs));
        services.AddFleetCoordination();
        return services.BuildServiceProvider();
    }
}
