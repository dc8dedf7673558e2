using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

public sealed class AgentRpcServerCurveTests : IDisposable
{
    private readonly CurveSetup _curve = new();
    private readonly RpcTestServer _server;
    private readonly ZmqContext _client;

    public AgentRpcServerCurveTests()
    {
        _server = new RpcTestServer(security: _curve.Security("server"), useCurve: true);
        _client = new ZmqContext(security: _curve.Security("client"));
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
        _curve.Dispose();
    }

    [Fact]
    public async Task ClientWithWrongServerKey_HandshakeFailureLoggedOnceAndOthersServed()
    {
        using var impostor = _client.CreateSocket(ZmqSocketType.Dealer);
        impostor.ReconnectInterval = TimeSpan.FromMilliseconds(20);
        impostor.UseCurveClient(_curve.Stranger.PublicKey, _curve.Client.KeyPair);
        impostor.Connect(_server.Endpoint);
        impostor.SendMultipart([[], """{"action": "echo"}"""u8.ToArray()]);

        Assert.True(await Eventually.TrueAsync(() => _server.Logs.Entries.Any(e => e.EventId.Id == 4028)));
        using var client = new AgentRpcClient(_client, new AgentRpcClientOptions { Endpoints = { _server.Endpoint }, ServerKey = _curve.Server.PublicKey.ToZ85() });
        var reply = await client.CallAsync("whoami");

        var warning = Assert.Single(_server.Logs.Entries, e => e.EventId.Id == 4028);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("CURVE decryption failed: the client probably uses the wrong server public key", warning.Message, StringComparison.Ordinal);
        Assert.Equal(_curve.Client.PublicKey.ToZ85(), reply.GetProperty("caller_key").GetString());
        Assert.Equal(0, _server.Server.Rejected);
    }

    [Fact]
    public async Task ClientKeyNotAllowed_CallFailsFastAsRefusedThenSucceedsOnceAllowed()
    {
        using var context = new ZmqContext(new FleetMessagingOptions { ReconnectIntervalMax = TimeSpan.FromMilliseconds(200) }, _curve.Security("stranger"));
        using var client = new AgentRpcClient(context, new AgentRpcClientOptions
        {
            Endpoints = { _server.Endpoint },
            ServerKey = _curve.Server.PublicKey.ToZ85(),
            Timeout = TimeSpan.FromSeconds(10),
            MaxRetries = 0,
        });

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("health_check"));
        Assert.Equal(AgentRpcErrorCodes.Refused, error.Code);
        Assert.Contains("ZAP status 400", error.Message, StringComparison.Ordinal);

        // The allow-list reloads by itself, and the client reconnects after a refusal: no restart on either side.
        new Fleet.Sdk.Security.CurveCertificate(_curve.Stranger.PublicKey).Save(_curve.Authorized, "stranger");
        System.Text.Json.JsonElement? reply = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                reply = await client.CallAsync("health_check");
                return true;
            }
            catch (AgentRpcException ex) when (ex.IsTransient)
            {
                return false;
            }
        }));
        Assert.Equal("ok", reply!.Value.GetProperty("status").GetString());
    }
}
