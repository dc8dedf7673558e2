using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

public sealed class AgentRpcServerTests : IDisposable
{
    private readonly RpcTestServer _server = new();
    private readonly ZmqContext _client = new();

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void Legacy_ReqSendsJson_HandlerReplies()
    {
        var reply = _server.LegacyCall(_client, """{"action": "echo", "text": "héllo", "n": 3}""");

        Assert.Equal("echo", reply.GetProperty("action").GetString());
        Assert.Equal("héllo", reply.GetProperty("text").GetString());
        Assert.Equal(3, reply.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Legacy_HealthCheck_BuiltInStatusOk()
    {
        var reply = _server.LegacyCall(_client, """{"action": "health_check"}""");

        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.Equal("test-agent", reply.GetProperty("agent").GetString());
        Assert.Contains("fleet.rpc/1", reply.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void Legacy_MalformedJson_ErrorReplyLoggedOnceAndServerKeepsServing()
    {
        var reply = _server.LegacyCall(_client, """{"action": "echo", """);

        RpcTestServer.AssertError(reply, "bad_request", "not valid JSON");
        var log = Assert.Single(_server.Logs.Entries, e => e.EventId.Id == 4021);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains("127.0.0.1", log.Message, StringComparison.Ordinal);
        Assert.Equal("ok", _server.LegacyCall(_client, """{"action": "health_check"}""").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""[1, 2]""")]
    [InlineData("""{"text": "no action"}""")]
    [InlineData("""{"action": 42}""")]
    [InlineData("")]
    public void Legacy_NotAnActionObject_BadRequestNamingTheFix(string json)
    {
        var reply = _server.LegacyCall(_client, json);

        Assert.Equal("error", reply.GetProperty("status").GetString());
        Assert.Equal("bad_request", reply.GetProperty("error").GetString());
    }

    [Fact]
    public void Legacy_UnknownAction_ErrorListsServedActions()
    {
        var reply = _server.LegacyCall(_client, """{"action": "RequestCoordinator.route"}""");

        RpcTestServer.AssertError(reply, "unknown_action", "unknown action 'RequestCoordinator.route'; this agent serves: echo, fail, hang, health_check");
    }

    [Fact]
    public void Legacy_TwoFramesAfterDelimiter_BadRequestSaysFrameCount()
    {
        var reply = _server.Exchange(_client, [[], "{\"action\":\"echo\"}"u8.ToArray(), "extra"u8.ToArray()]);

        Assert.NotNull(reply);
        Assert.Equal(2, reply.Count);
        Assert.Empty(reply[0]);
        RpcTestServer.AssertError(Json(reply[1]), "bad_request", "expected one JSON frame after the delimiter (pyzmq send_json), got 2 frame(s)");
    }

    [Fact]
    public void Legacy_DealerWithoutDelimiter_ReplyMirrorsEnvelope()
    {
        var reply = _server.Exchange(_client, ["{\"action\":\"echo\",\"x\":1}"u8.ToArray()]);

        Assert.NotNull(reply);
        var frame = Assert.Single(reply);
        Assert.Equal(1, Json(frame).GetProperty("x").GetInt32());
    }

    [Fact]
    public void Legacy_HandlerThrows_HandlerFailedReplyErrorLoggedServerKeepsServing()
    {
        var reply = _server.LegacyCall(_client, """{"action": "fail"}""");

        RpcTestServer.AssertError(reply, "handler_failed", "'fail' failed on the server (InvalidOperationException)");
        Assert.DoesNotContain("boom", reply.GetRawText(), StringComparison.Ordinal);
        var log = Assert.Single(_server.Logs.Entries, e => e.EventId.Id == 4024);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.IsType<InvalidOperationException>(log.Exception);
        Assert.Equal("ok", _server.LegacyCall(_client, """{"action": "health_check"}""").GetProperty("status").GetString());
    }

    [Fact]
    public void Legacy_HandlerThrowsRpcException_CodeAndMessagePassedThrough()
    {
        var reply = _server.LegacyCall(_client, """{"action": "not_found"}""");

        RpcTestServer.AssertError(reply, "not_found", "no such model: llama-9");
        Assert.DoesNotContain(_server.Logs.Entries, e => e.EventId.Id == 4024);
    }

    [Fact]
    public void Legacy_HandlerPastHandlerTimeout_TimeoutReplyAtDeadlineAndHandlerCancelled()
    {
        using var server = new RpcTestServer(configure: o => o.HandlerTimeout = TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var reply = server.LegacyCall(_client, """{"action": "hang"}""");

        RpcTestServer.AssertError(reply, "timeout", "'hang' did not finish within its deadline (300 ms)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"replied after {watch.Elapsed}");
        Assert.True(SpinWait.SpinUntil(() => server.Cancelled == 1, TimeSpan.FromSeconds(5)));
        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 4026);
    }

    [Fact]
    public void Legacy_RequestLargerThanMaxMessageSize_TooLargeReply()
    {
        using var server = new RpcTestServer(new FleetMessagingOptions { MaxMessageSize = 1024 });
        var big = $"{{\"action\": \"echo\", \"blob\": \"{new string('x', 1500)}\"}}";

        var reply = server.LegacyCall(_client, big);

        RpcTestServer.AssertError(reply, "too_large", "this server accepts at most 1024 (Fleet:Messaging:MaxMessageSize)");
    }

    [Fact]
    public void Legacy_RequestOverTwiceTheLimit_ConnectionDroppedServerKeepsServing()
    {
        using var server = new RpcTestServer(new FleetMessagingOptions { MaxMessageSize = 1024 });
        var huge = $"{{\"action\": \"echo\", \"blob\": \"{new string('x', 5000)}\"}}";

        var dropped = server.Exchange(_client, [[], Encoding.UTF8.GetBytes(huge)], TimeSpan.FromMilliseconds(500));

        Assert.Null(dropped);
        Assert.Equal("ok", server.LegacyCall(_client, """{"action": "health_check"}""").GetProperty("status").GetString());
    }

    [Fact]
    public async Task SilentTcpPeer_HandshakeTimesOut_LoggedOnceAndOthersServed()
    {
        using var server = new RpcTestServer(new FleetMessagingOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        var port = int.Parse(server.Endpoint[(server.Endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var silent = new TcpClient();
        await silent.ConnectAsync("127.0.0.1", port);

        Assert.Equal("ok", server.LegacyCall(_client, """{"action": "health_check"}""").GetProperty("status").GetString());

        // The server sends its greeting, then drops the connection when the handshake times out.
        var stream = silent.GetStream();
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (await stream.ReadAsync(buffer, timeout.Token) > 0)
        {
        }

        Assert.True(await Eventually.TrueAsync(() => server.Logs.Entries.Any(e => e.EventId.Id == 4028)));
        var log = Assert.Single(server.Logs.Entries, e => e.EventId.Id == 4028);
        Assert.Contains("did not complete it in time", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fleet_Envelope_ReplyCarriesIdAndStatus()
    {
        var header = """{"id": 42, "timeout_ms": 5000, "caller": "mainpc/planner"}"""u8.ToArray();
        var reply = _server.Exchange(_client, [[], "fleet.rpc/1"u8.ToArray(), header, """{"action": "whoami"}"""u8.ToArray()]);

        Assert.NotNull(reply);
        Assert.Equal(4, reply.Count);
        Assert.Equal("fleet.rpc/1", Encoding.UTF8.GetString(reply[1]));
        var replyHeader = Json(reply[2]);
        Assert.Equal(42ul, replyHeader.GetProperty("id").GetUInt64());
        Assert.Equal("ok", replyHeader.GetProperty("status").GetString());
        var body = Json(reply[3]);
        Assert.Equal("mainpc/planner", body.GetProperty("caller").GetString());
        Assert.Equal("Fleet", body.GetProperty("protocol").GetString());
        Assert.InRange(body.GetProperty("deadline_ms").GetDouble(), 3000, 5000);
    }

    [Fact]
    public void Fleet_ErrorReply_HeaderNamesTheCode()
    {
        var reply = _server.Exchange(_client, [[], "fleet.rpc/1"u8.ToArray(), """{"id": 7}"""u8.ToArray(), """{"action": "nope"}"""u8.ToArray()]);

        Assert.NotNull(reply);
        var header = Json(reply[2]);
        Assert.Equal("error", header.GetProperty("status").GetString());
        Assert.Equal("unknown_action", header.GetProperty("error").GetString());
        RpcTestServer.AssertError(Json(reply[3]), "unknown_action", "unknown action 'nope'");
    }

    [Fact]
    public void Fleet_UnknownVersion_UnsupportedVersionReply()
    {
        var reply = _server.Exchange(_client, [[], "fleet.rpc/9"u8.ToArray(), """{"id": 1}"""u8.ToArray(), """{"action": "echo"}"""u8.ToArray()]);

        Assert.NotNull(reply);
        Assert.Equal("fleet.rpc/1", Encoding.UTF8.GetString(reply[1]));
        RpcTestServer.AssertError(Json(reply[3]), "unsupported_version", "this server speaks fleet.rpc/1 (and legacy JSON), not 'fleet.rpc/9'");
    }

    [Fact]
    public void Fleet_MalformedHeader_BadRequest()
    {
        var reply = _server.Exchange(_client, [[], "fleet.rpc/1"u8.ToArray(), "not json"u8.ToArray(), """{"action": "echo"}"""u8.ToArray()]);

        Assert.NotNull(reply);
        RpcTestServer.AssertError(Json(reply[3]), "bad_request", "the fleet.rpc/1 header is invalid");
    }

    [Fact]
    public void Fleet_ShortDeadline_TimeoutReplyAtCallersDeadline()
    {
        var watch = Stopwatch.StartNew();
        var reply = _server.Exchange(_client, [[], "fleet.rpc/1"u8.ToArray(), """{"id": 3, "timeout_ms": 150}"""u8.ToArray(), """{"action": "slow", "ms": 10000}"""u8.ToArray()]);

        Assert.NotNull(reply);
        RpcTestServer.AssertError(Json(reply[3]), "timeout", "'slow' did not finish within its deadline (150 ms)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"replied after {watch.Elapsed}");
    }

    [Fact]
    public void Fleet_ExpiredDeadline_NotRun()
    {
        var reply = _server.Exchange(_client, [[], "fleet.rpc/1"u8.ToArray(), """{"id": 3, "timeout_ms": 0}"""u8.ToArray(), """{"action": "echo"}"""u8.ToArray()]);

        Assert.NotNull(reply);
        RpcTestServer.AssertError(Json(reply[3]), "timeout", "arrived after its deadline");
    }

    [Fact]
    public async Task StopAsync_HandlerRunning_CancelledAndAnsweredOverloaded()
    {
        using var req = _client.CreateSocket(ZmqSocketType.Req);
        req.Connect(_server.Endpoint);
        req.SendFrame("""{"action": "hang"}""");
        Assert.True(await Eventually.TrueAsync(() => _server.Hanging == 1));

        await _server.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(req.TryReceiveFrameString(TimeSpan.FromSeconds(2), out var reply));
        RpcTestServer.AssertError(JsonDocument.Parse(reply!).RootElement, "overloaded", "the server stopped while 'hang' was running");
    }

    [Fact]
    public void Start_NoEndpoint_FailsNamingTheKey()
    {
        using var server = new AgentRpcServer(_client, new AgentRpcServerOptions(), new AgentRpcHandlers());

        var error = Assert.Throws<InvalidOperationException>(server.Start);

        Assert.Contains("Fleet:Messaging:Server:Endpoints", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handlers_DuplicateAction_Refused()
    {
        var handlers = new AgentRpcHandlers().Add("x", _ => null);

        var error = Assert.Throws<ArgumentException>(() => handlers.Add("x", _ => null));

        Assert.Contains("Action 'x' already has a handler", error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Json(byte[] frame) => JsonDocument.Parse(frame).RootElement.Clone();
}
