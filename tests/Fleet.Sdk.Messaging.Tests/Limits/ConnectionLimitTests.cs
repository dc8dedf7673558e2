using Fleet.Sdk.Messaging.Tests.Rpc;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Limits;

/// <summary>The connection caps, per server and across a context, with real libzmq peers.</summary>
public sealed class ConnectionLimitTests : IDisposable
{
    private readonly ZmqContext _client = new();
    private readonly List<ZmqSocket> _peers = [];

    public void Dispose()
    {
        foreach (var peer in _peers)
        {
            peer.Dispose();
        }

        _client.Dispose();
    }

    [Fact]
    public async Task Server_MoreConnectionsThanMaxConnections_ExtraClosedLoggedOnceAndSlotsFreedOnDisconnect()
    {
        using var server = new RpcTestServer(configure: o => o.MaxConnections = 2);

        var peers = Connect(server.Endpoint, 4);

        Assert.True(await Poll.UntilAsync(() => server.Server.RefusedConnections >= 2, TimeSpan.FromSeconds(10)), $"{server.Server.RefusedConnections} refused");
        Assert.Equal(2, server.Server.Connections);

        // The refusal is counted before it is logged: wait for the line rather than racing the server's thread.
        Assert.True(await Poll.UntilAsync(() => server.Logs.Entries.Any(e => e.EventId.Id == 4034), TimeSpan.FromSeconds(10)), "no refusal logged (4034)");
        var warning = Assert.Single(server.Logs.Entries, e => e.EventId.Id == 4034);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("the limit is 2 (Fleet:Messaging:Server:MaxConnections)", warning.Message, StringComparison.Ordinal);

        foreach (var peer in peers)
        {
            peer.Dispose();
        }

        Assert.True(await Poll.UntilAsync(() => server.Server.Connections == 0, TimeSpan.FromSeconds(10)), $"{server.Server.Connections} still counted");
        Assert.Equal("ok", server.LegacyCall(_client, """{"action": "health_check"}""").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Context_MaxConnections_SharedByItsServers()
    {
        var options = new FleetMessagingOptions { AgentName = "capped", MaxConnections = 3 };
        using var first = new RpcTestServer(options);
        using var logs = new ListLoggerProvider();
        using var loggerFactory = new LoggerFactory([logs]);
        using var second = new AgentRpcServer(first.Context, new AgentRpcServerOptions { Endpoints = { "tcp://127.0.0.1:*" } }, new AgentRpcHandlers(), loggerFactory.CreateLogger<AgentRpcServer>());
        second.Start();

        Connect(first.Endpoint, 2);
        Assert.True(await Poll.UntilAsync(() => first.Server.Connections == 2, TimeSpan.FromSeconds(10)), $"{first.Server.Connections} on the first server");
        Connect(second.Endpoints[0], 2);

        Assert.True(await Poll.UntilAsync(() => second.RefusedConnections >= 1, TimeSpan.FromSeconds(10)), $"{second.RefusedConnections} refused by the second server");
        Assert.Equal(1, second.Connections);

        // The refusal is counted before it is logged: wait for the line rather than racing the server's thread.
        Assert.True(
            await Poll.UntilAsync(() => logs.Entries.Any(e => e.EventId.Id == 4034 && e.Message.Contains("the limit is 3 (Fleet:Messaging:MaxConnections)", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
            "no context-limit refusal logged (4034): " + string.Join(" | ", logs.Entries.Select(e => e.Message)));
    }

    private List<ZmqSocket> Connect(string endpoint, int count)
    {
        var created = new List<ZmqSocket>();
        for (var i = 0; i < count; i++)
        {
            var dealer = _client.CreateSocket(ZmqSocketType.Dealer);
            dealer.Linger = TimeSpan.Zero;
            dealer.Connect(endpoint);
            created.Add(dealer);
            _peers.Add(dealer);
        }

        return created;
    }
}
