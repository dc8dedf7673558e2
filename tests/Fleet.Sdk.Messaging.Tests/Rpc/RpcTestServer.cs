using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

/// <summary>A real RPC server on a random loopback port with a few test actions, and its logs.</summary>
internal sealed class RpcTestServer : IDisposable
{
    private readonly LoggerFactory _loggerFactory;

    public RpcTestServer(FleetMessagingOptions? options = null, Action<AgentRpcServerOptions>? configure = null, Fleet.Sdk.Security.IFleetSecurity? security = null, bool useCurve = false)
    {
        _loggerFactory = new LoggerFactory([Logs]);
        Context = new ZmqContext(options ?? new FleetMessagingOptions { AgentName = "test-agent" }, security, _loggerFactory);
        var serverOptions = new AgentRpcServerOptions { UseCurve = useCurve };
        serverOptions.Endpoints.Add("tcp://127.0.0.1:*");
        configure?.Invoke(serverOptions);
        Handlers.Add("echo", request => request.Body.Clone());
        Handlers.Add("fail", _ => throw new InvalidOperationException("boom: handler bug"));
        Handlers.Add("not_found", _ => throw new AgentRpcException("not_found", "no such model: llama-9"));
        Handlers.Add("whoami", request => new { caller = request.Caller, caller_key = request.CallerKey, protocol = request.Protocol.ToString(), peer = request.PeerAddress, deadline_ms = (request.Deadline - DateTimeOffset.UtcNow).TotalMilliseconds });
        Handlers.Add("slow", async (request, cancellationToken) =>
        {
            var delay = request.Body.TryGetProperty("ms", out var ms) ? ms.GetInt32() : 60_000;
            await Task.Delay(delay, cancellationToken);
            return new { status = "ok", slept = delay };
        });
        Handlers.Add("hang", async (_, cancellationToken) =>
        {
            Interlocked.Increment(ref _hanging);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                Interlocked.Increment(ref _cancelled);
            }

            return null;
        });
        Server = new AgentRpcServer(Context, serverOptions, Handlers, _loggerFactory.CreateLogger<AgentRpcServer>());
        Server.Start();
    }

    private int _cancelled;
    private int _hanging;

    public ListLoggerProvider Logs { get; } = new();

    public ZmqContext Context { get; }

    public AgentRpcHandlers Handlers { get; } = new();

    public AgentRpcServer Server { get; }

    public string Endpoint => Server.Endpoints[0];

    public int Cancelled => Volatile.Read(ref _cancelled);

    public int Hanging => Volatile.Read(ref _hanging);

    /// <summary>Sends frames from a new DEALER and returns the reply frames (or null when none arrives in time).</summary>
    public List<byte[]>? Exchange(ZmqContext client, IReadOnlyList<byte[]> frames, TimeSpan? wait = null)
    {
        using var dealer = client.CreateSocket(ZmqSocketType.Dealer);
        dealer.Linger = TimeSpan.Zero;
        dealer.Connect(Endpoint);
        dealer.SendMultipart(frames);
        return dealer.TryReceiveMultipartBytes(wait ?? TimeSpan.FromSeconds(5), out var reply) ? reply : null;
    }

    /// <summary>What an unchanged pyzmq agent does: REQ, send_json, recv_json.</summary>
    public JsonElement LegacyCall(ZmqContext client, string json)
    {
        using var req = client.CreateSocket(ZmqSocketType.Req);
        req.Linger = TimeSpan.Zero;
        req.Connect(Endpoint);
        req.SendFrame(json);
        Assert.True(req.TryReceiveFrameString(TimeSpan.FromSeconds(5), out var reply), "no reply within 5 s");
        return JsonDocument.Parse(reply!).RootElement.Clone();
    }

    /// <summary>Asserts an error reply body: its code, and a part of its message.</summary>
    public static void AssertError(JsonElement reply, string code, string message)
    {
        Assert.Equal("error", reply.GetProperty("status").GetString());
        Assert.Equal(code, reply.GetProperty("error").GetString());
        Assert.Contains(message, reply.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Server.Dispose();
        Context.Dispose();
        _loggerFactory.Dispose();
    }
}
