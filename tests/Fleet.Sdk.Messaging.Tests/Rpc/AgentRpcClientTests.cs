using System.Diagnostics;
using System.Text.Json;
using Polly.CircuitBreaker;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

public sealed class AgentRpcClientTests : IDisposable
{
    private readonly RpcTestServer _server = new();
    private readonly ZmqContext _context = new(new FleetMessagingOptions { AgentName = "caller-agent", ReconnectInterval = TimeSpan.FromMilliseconds(50) });

    public void Dispose()
    {
        _context.Dispose();
        _server.Dispose();
    }

    [Theory]
    [InlineData(AgentRpcProtocol.Legacy)]
    [InlineData(AgentRpcProtocol.Fleet)]
    public async Task CallAsync_FleetServer_ReturnsReply(AgentRpcProtocol protocol)
    {
        using var client = Client(protocol, _server.Endpoint);

        var reply = await client.CallAsync("echo", new { text = "hi", n = 2 });
        var health = await client.CallAsync("health_check");

        Assert.Equal("hi", reply.GetProperty("text").GetString());
        Assert.Equal(2, reply.GetProperty("n").GetInt32());
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task CallAsync_FleetProtocol_CallerAndDeadlineReachHandler()
    {
        using var client = Client(AgentRpcProtocol.Fleet, _server.Endpoint, o => o.Timeout = TimeSpan.FromSeconds(3));

        var reply = await client.CallAsync("whoami");

        Assert.Equal("caller-agent", reply.GetProperty("caller").GetString());
        Assert.Equal("Fleet", reply.GetProperty("protocol").GetString());
        Assert.InRange(reply.GetProperty("deadline_ms").GetDouble(), 100, 1000);
    }

    [Fact]
    public async Task CallAsync_RemoteError_ThrowsCodeWithoutRetrying()
    {
        using var client = Client(AgentRpcProtocol.Fleet, _server.Endpoint);

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("not_found"));

        Assert.Equal("not_found", error.Code);
        Assert.Contains("no such model: llama-9", error.Message, StringComparison.Ordinal);
        Assert.Equal(_server.Endpoint, error.Endpoint);
        Assert.False(error.IsTransient);
        Assert.Equal(CircuitState.Closed, client.GetCircuitState(0));
    }

    [Fact]
    public async Task CallAsync_PeerAcceptsButNeverAnswers_FailsAtTheDeadline()
    {
        using var hole = new BlackHole();
        using var client = Client(AgentRpcProtocol.Legacy, hole.Endpoint, o => o.Timeout = TimeSpan.FromMilliseconds(800));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("health_check"));

        // Either the whole deadline or the last attempt's share of it ran out first; both say so.
        Assert.Equal(AgentRpcErrorCodes.Timeout, error.Code);
        Assert.Contains("no reply within", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromMilliseconds(2500));
    }

    [Fact]
    public async Task CallAsync_FirstEndpointBlackHoled_FailsOverWithinTheDeadline()
    {
        using var hole = new BlackHole();
        using var client = Client(AgentRpcProtocol.Legacy, [hole.Endpoint, _server.Endpoint], o => o.Timeout = TimeSpan.FromSeconds(3));
        var watch = Stopwatch.StartNew();

        var reply = await client.CallAsync("health_check");

        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task CallAsync_ConnectionRefused_FailsOverWithoutWaitingForTheAttemptTimeout()
    {
        using var client = Client(AgentRpcProtocol.Legacy, [ClosedPort.Endpoint(), _server.Endpoint], o => o.Timeout = TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();

        var reply = await client.CallAsync("health_check");

        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}; the refused endpoint should fail fast");
    }

    [Fact]
    public async Task CallAsync_EndpointKeepsFailing_CircuitOpensAndCallsGoStraightToTheOther()
    {
        var refused = ClosedPort.Endpoint();
        using var client = Client(AgentRpcProtocol.Legacy, [refused, _server.Endpoint], o =>
        {
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
        });

        for (var i = 0; i < 3; i++)
        {
            await client.CallAsync("health_check");
        }

        Assert.Equal(CircuitState.Open, client.GetCircuitState(0));
        Assert.Equal(CircuitState.Closed, client.GetCircuitState(1));
        var watch = Stopwatch.StartNew();
        await client.CallAsync("health_check");
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task CallAsync_BreakOver_OpenCircuitTriedAgainAndCloses()
    {
        // Regression: endpoints with an open circuit were skipped, and Polly only goes half-open when
        // a call is attempted, so a circuit that opened never closed again.
        using var server = new RpcTestServer();
        var endpoint = server.Endpoint;
        server.Server.Dispose();
        using var client = Client(AgentRpcProtocol.Legacy, endpoint, o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(500);
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500);
        });
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("health_check"));
        }

        Assert.Equal(CircuitState.Open, client.GetCircuitState(0));
        using var revived = new RpcTestServer(configure: o => { o.Endpoints.Clear(); o.Endpoints.Add(endpoint); });

        Assert.True(await Eventually.TrueAsync(async () => await SucceedsAsync(client) && client.GetCircuitState(0) == CircuitState.Closed));
    }

    private static async Task<bool> SucceedsAsync(AgentRpcClient client)
    {
        try
        {
            return (await client.CallAsync("health_check")).GetProperty("status").GetString() == "ok";
        }
        catch (AgentRpcException)
        {
            return false;
        }
    }

    [Fact]
    public async Task CallAsync_ReplyArrivesAfterDeadline_DroppedNeverGivenToTheNextCall()
    {
        using var client = Client(AgentRpcProtocol.Legacy, _server.Endpoint, o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 0;
        });

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("slow", new { ms = 500 }));
        Assert.Equal(AgentRpcErrorCodes.Timeout, error.Code);
        Assert.True(await Eventually.TrueAsync(() => client.LateReplies == 1));

        var reply = await client.CallAsync("echo", new { marker = "second" });

        Assert.Equal("second", reply.GetProperty("marker").GetString());
    }

    [Fact]
    public async Task CallAsync_PeerRepliesThenClosesAtOnce_ReplyDelivered()
    {
        // An agent finishing its last request while it stops: the reply and the disconnect reach the client
        // together. Each round is a race the client must win every time; the reply must never be reported lost.
        for (var round = 0; round < 40; round++)
        {
            using var server = _context.CreateSocket(ZmqSocketType.Router);
            var endpoint = server.Bind("tcp://127.0.0.1:*");
            using var client = Client(AgentRpcProtocol.Legacy, endpoint, o =>
            {
                o.Timeout = TimeSpan.FromSeconds(5);
                o.MaxRetries = 0;
            });

            var call = client.CallAsync("echo", new { round });
            List<byte[]>? request = null;
            Assert.True(await Eventually.TrueAsync(() => call.IsCompleted || server.TryReceiveMultipartBytes(TimeSpan.Zero, out request)), $"round {round}: no request");
            if (request is null)
            {
                await call;
            }

            request![^1] = JsonSerializer.SerializeToUtf8Bytes(new { round });
            server.SendMultipart(request);
            server.Dispose();

            var reply = await call;
            Assert.Equal(round, reply.GetProperty("round").GetInt32());
        }
    }

    [Fact]
    public async Task CallAsync_ManyConcurrentCallers_EachGetsItsOwnReply()
    {
        using var client = Client(AgentRpcProtocol.Fleet, _server.Endpoint);

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.CallAsync("echo", new { i })));

        Assert.Equal(Enumerable.Range(0, 200), replies.Select(r => r.GetProperty("i").GetInt32()));
    }

    [Fact]
    public async Task CallAsync_RequestOverMaxMessageSize_RefusedBeforeSending()
    {
        using var context = new ZmqContext(new FleetMessagingOptions { MaxMessageSize = 100 });
        using var client = new AgentRpcClient(context, Options(AgentRpcProtocol.Legacy, [_server.Endpoint]));

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("echo", new { blob = new string('x', 200) }));

        Assert.Equal(AgentRpcErrorCodes.TooLarge, error.Code);
        Assert.Contains("Fleet:Messaging:MaxMessageSize (100)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Server.Served + _server.Server.Rejected);
    }

    [Fact]
    public async Task CallAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var client = Client(AgentRpcProtocol.Legacy, _server.Endpoint, o => o.Timeout = TimeSpan.FromSeconds(30));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallAsync("slow", new { ms = 5000 }, cancellation.Token));
    }

    [Fact]
    public void Constructor_InvalidOptions_EveryProblemNamed()
    {
        var options = new AgentRpcClientOptions { Timeout = TimeSpan.Zero, MaxRetries = 99 };

        var error = Assert.Throws<ArgumentException>(() => new AgentRpcClient(_context, options));

        Assert.Contains("Fleet:Messaging:Services:service:Endpoints is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Messaging:Services:service:Timeout must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries must be between 0 and 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_CallWaiting_FailsPromptly()
    {
        using var hole = new BlackHole();
        var client = Client(AgentRpcProtocol.Legacy, hole.Endpoint, o => o.Timeout = TimeSpan.FromSeconds(30));
        var call = client.CallAsync("health_check");

        client.Dispose();

        var error = await Record.ExceptionAsync(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(error is ObjectDisposedException or AgentRpcException, $"unexpected: {error}");
    }

    private AgentRpcClient Client(AgentRpcProtocol protocol, string endpoint, Action<AgentRpcClientOptions>? configure = null) =>
        Client(protocol, [endpoint], configure);

    private AgentRpcClient Client(AgentRpcProtocol protocol, string[] endpoints, Action<AgentRpcClientOptions>? configure = null)
    {
        var options = Options(protocol, endpoints);
        configure?.Invoke(options);
        return new AgentRpcClient(_context, options);
    }

    private static AgentRpcClientOptions Options(AgentRpcProtocol protocol, string[] endpoints)
    {
        var options = new AgentRpcClientOptions { Protocol = protocol, RetryDelay = TimeSpan.FromMilliseconds(20) };
        foreach (var endpoint in endpoints)
        {
            options.Endpoints.Add(endpoint);
        }

        return options;
    }
}
