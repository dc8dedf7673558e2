using System.Text.Json;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>An agent publishing through a bridge pair reports degraded health while no bridge is active, and recovers by itself.</summary>
public sealed class BridgeHealthTests
{
    [Fact]
    public async Task NoActiveBridge_HealthDegradedWithDetail_ThenHealthyOnceABridgeRuns()
    {
        var (frontend, backend) = ($"tcp://127.0.0.1:{Tcp.FreePort()}", $"tcp://127.0.0.1:{Tcp.FreePort()}");
        await using var agent = await TestAgent.StartAsync(
            builder =>
            {
                builder.Services.AddFleetMessaging().AddFleetBridgeClient();
                builder.Services.AddHealthChecks().AddFleetBridge();
            },
            new Dictionary<string, string?>
            {
                ["Fleet:Bridge:Client:Bridges:0:Frontend"] = frontend,
                ["Fleet:Bridge:Client:Bridges:0:Backend"] = backend,
            });
        var publisher = agent.Host.Services.GetRequiredService<BridgePublisher>();
        publisher.Publish("models.loaded", "held until a bridge runs");
        using var client = agent.Client();

        var degraded = (await client.CallAsync("health_check")).GetProperty("checks").GetProperty("bridge");
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        Assert.Contains("no active bridge", degraded.GetRawText(), StringComparison.Ordinal);

        using var bridge = new FleetBridge(agent.Host.Services.GetRequiredService<ZmqContext>(), new FleetBridgeOptions { Name = "late", FrontendEndpoint = frontend, BackendEndpoint = backend });
        bridge.Start();

        JsonElement check = default;
        Assert.True(await Poll.UntilAsync(async () => (check = (await client.CallAsync("health_check")).GetProperty("checks").GetProperty("bridge")).GetProperty("status").GetString() == "healthy", TimeSpan.FromSeconds(20)));
        Assert.Contains("late", check.GetRawText(), StringComparison.Ordinal);
    }
}
