using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

/// <summary>
/// The requests of issue 15 item 1 that never got a reply: each now gets an error reply in the
/// protocol it came in, and the log stays throttled and free of stack traces.
/// </summary>
public sealed class HostileRequestTests : IDisposable
{
    private readonly RpcTestServer _server = new();
    private readonly ZmqContext _client = new();

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [PyZmqFact]
    public async Task LoneSurrogateInAction_FromPyZmqReq_BadRequestReply()
    {
        // The repro, byte for byte: raw JSON text with an escaped lone surrogate.
        const string script = """
            import sys, zmq
            ctx = zmq.Context()
            s = ctx.socket(zmq.REQ)
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.RCVTIMEO, 5000)
            s.connect(sys.argv[1])
            s.send(b'{"action":"\\ud800"}')
            try:
                print(s.recv().decode())
            except zmq.Again:
                print("TIMEOUT")
            """;

        var (exitCode, output, error) = await PyZmq.RunAsync(script, TimeSpan.FromSeconds(30), _server.Endpoint);

        Assert.True(exitCode == 0, error);
        Assert.DoesNotContain("TIMEOUT", output, StringComparison.Ordinal);
        RpcTestServer.AssertError(JsonDocument.Parse(output).RootElement, "bad_request", "action");
    }

    [Fact]
    public void LoneSurrogateInAction_Legacy_BadRequestReply()
    {
        var reply = LegacyExchange("""{"action":"\ud800"}"""u8.ToArray());

        RpcTestServer.AssertError(reply, "bad_request", "'action'");
    }

    [Fact]
    public void InvalidUtf8InAction_Legacy_BadRequestReply()
    {
        var reply = LegacyExchange([.. "{\"action\":\""u8, 0xC3, 0x28, .. "\"}"u8]);

        RpcTestServer.AssertError(reply, "bad_request", "UTF-8");
    }

    [Fact]
    public void LoneSurrogateInAction_Fleet_BadRequestInFleetFraming()
    {
        var (header, body) = FleetExchange("""{"id":5}""", """{"action":"\udfff"}""");

        Assert.Equal(5UL, header.GetProperty("id").GetUInt64());
        Assert.Equal("bad_request", header.GetProperty("error").GetString());
        RpcTestServer.AssertError(body, "bad_request", "'action'");
    }

    [Theory]
    [InlineData("1000000000000000")]
    [InlineData("9223372036854775807")]
    [InlineData("1e15")]
    [InlineData("2147483648")]
    public void HugeTimeout_Fleet_BadRequestNamingTheLimit(string timeout)
    {
        var (header, body) = FleetExchange($$"""{"id":6,"timeout_ms":{{timeout}}}""", """{"action":"echo"}""");

        Assert.Equal(6UL, header.GetProperty("id").GetUInt64());
        Assert.Equal("error", header.GetProperty("status").GetString());
        RpcTestServer.AssertError(body, "bad_request", "timeout_ms");
    }

    [Fact]
    public void LoneSurrogateCaller_Fleet_BadRequestNamingCaller()
    {
        var (header, body) = FleetExchange("""{"id":7,"caller":"\ud800"}""", """{"action":"echo"}""");

        Assert.Equal(7UL, header.GetProperty("id").GetUInt64());
        RpcTestServer.AssertError(body, "bad_request", "'caller'");
    }

    [Fact]
    public void HostileRequests_ManyFromOnePeer_OneWarningAndNoStackTrace()
    {
        using var dealer = _client.CreateSocket(ZmqSocketType.Dealer);
        dealer.Linger = TimeSpan.Zero;
        dealer.Connect(_server.Endpoint);
        for (var i = 0; i < 200; i++)
        {
            dealer.SendMultipart([[], """{"action":"\ud800"}"""u8.ToArray()]);
            Assert.True(dealer.TryReceiveMultipartBytes(TimeSpan.FromSeconds(5), out var reply), $"no reply to request {i}");
            Assert.Contains("bad_request", Encoding.UTF8.GetString(reply![^1]), StringComparison.Ordinal);
        }

        var entries = _server.Logs.Entries;
        Assert.Single(entries, e => e.Level >= LogLevel.Warning);
        Assert.All(entries, e => Assert.Null(e.Exception));
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Error);
    }

    private JsonElement LegacyExchange(byte[] request)
    {
        var reply = _server.Exchange(_client, [[], request]);
        Assert.NotNull(reply);
        Assert.Equal(2, reply.Count);
        return JsonDocument.Parse(reply[1]).RootElement.Clone();
    }

    private (JsonElement Header, JsonElement Body) FleetExchange(string header, string body)
    {
        var reply = _server.Exchange(_client, [[], "fleet.rpc/1"u8.ToArray(), Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(body)]);
        Assert.NotNull(reply);
        Assert.Equal(4, reply.Count);
        Assert.Equal("fleet.rpc/1", Encoding.ASCII.GetString(reply[1]));
        return (JsonDocument.Parse(reply[2]).RootElement.Clone(), JsonDocument.Parse(reply[3]).RootElement.Clone());
    }
}
