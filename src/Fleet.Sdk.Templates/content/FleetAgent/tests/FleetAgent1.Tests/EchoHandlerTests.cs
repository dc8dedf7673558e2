using System.Text.Json;
using Fleet.Sdk.Messaging;
using FleetAgent1.Handlers;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace FleetAgent1.Tests;

public sealed class EchoHandlerTests
{
    [Fact]
    public async Task Echo_OverRealRpcServer_RepliesTextAndGreeting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fleet:Agent:Settings:greeting"] = "hi" })
            .Build();
        var handler = new EchoHandler(configuration);
        using var context = new ZmqContext();
        var options = new AgentRpcServerOptions();
        options.Endpoints.Add("tcp://127.0.0.1:*");
        await using var server = new AgentRpcServer(context, options, new AgentRpcHandlers().Add("echo", handler.HandleAsync));
        server.Start();
        using var client = new AgentRpcClient(context, new AgentRpcClientOptions { Endpoints = { server.Endpoints[0] } });

        var reply = await client.CallAsync("echo", new { text = "ping" });

        Assert.Equal("ping", reply.GetProperty("text").GetString());
        Assert.Equal("hi", reply.GetProperty("greeting").GetString());
    }

    [Fact]
    public async Task Echo_MissingText_RepliesBadRequest()
    {
        var handler = new EchoHandler(new ConfigurationBuilder().Build());
        using var context = new ZmqContext();
        var options = new AgentRpcServerOptions();
        options.Endpoints.Add("tcp://127.0.0.1:*");
        await using var server = new AgentRpcServer(context, options, new AgentRpcHandlers().Add("echo", handler.HandleAsync));
        server.Start();
        using var client = new AgentRpcClient(context, new AgentRpcClientOptions { Endpoints = { server.Endpoints[0] }, MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("echo", new { other = 1 }));

        Assert.Equal(AgentRpcErrorCodes.BadRequest, error.Code);
    }
}
