using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>/health of a real agent whose Redis is killed: the probe saw 'ok' ("the redis registry answers") while it was down.</summary>
public sealed class HealthDegradationTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [RequiresLocalRedisServerFact]
    public async Task Health_RedisKilled_DegradedNamingRedisThenOkWhenBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Redis:ConnectionString"] = redis.ConnectionString,
            ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:00.500",
            ["Fleet:Discovery:Ttl"] = "00:00:01",
            ["Fleet:Discovery:HeartbeatInterval"] = "00:00:00.200",
        });
        await UntilStatusAsync(agent, "ok");

        await redis.KillAsync();
        var degraded = await UntilStatusAsync(agent, "degraded");

        var discovery = degraded.GetProperty("checks").GetProperty("discovery");
        var description = discovery.GetProperty("description").GetString()!;
        Assert.Contains("redis", description, StringComparison.Ordinal);
        Assert.Contains(redis.ConnectionString, description, StringComparison.Ordinal);
        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", description, StringComparison.Ordinal);

        await redis.RestartAsync(keepData: true);
        await UntilStatusAsync(agent, "ok");
    }

    private static async Task<JsonElement> UntilStatusAsync(TestAgent agent, string expected)
    {
        JsonElement body = default;
        var reached = await Poll.UntilAsync(
            async () =>
            {
                using var response = await Http.GetAsync(new Uri(agent.HealthAddress, "health"));
                body = await response.Content.ReadFromJsonAsync<JsonElement>();
                return body.GetProperty("status").GetString() == expected;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(100));
        Assert.True(reached, $"/health never became '{expected}': {body}");
        return body;
    }
}
