using System.Text;

namespace Fleet.Sdk.Messaging.Tests.Rpc;

/// <summary>The client's and the server's framing, now all in <see cref="RpcWire"/>.</summary>
public sealed class RpcWireFramingTests
{
    [Theory]
    [InlineData(false, 4)]
    [InlineData(true, 5)]
    public void RequestFrames_RoutedAndEchoedLikeAServer_ClientReadsIdAndBody(bool fleet, int routedFrames)
    {
        var shape = fleet ? RpcShape.Fleet : RpcShape.Legacy;
        var body = """{"action":"echo"}"""u8.ToArray();
        var request = RpcWire.RequestFrames(shape, 42, body, 5000, "test-agent");

        // The server's ROUTER adds the routing id; what precedes the request is echoed back before the reply.
        byte[][] routed = [[1, 2, 3], .. request];
        Assert.Equal(routedFrames, routed.Length);
        var start = RpcWire.RequestStart(routed.Select(f => f.Length).ToArray());
        var parsed = RpcWire.ParseRequest(routed[start..], maxMessageSize: 0);
        Assert.Null(parsed.Rejection);
        Assert.Equal("echo", parsed.Action);
        parsed.Document!.Dispose();

        byte[][] reply = [.. routed[1..start], .. RpcWire.ReplyHead(shape, parsed.Id, errorCode: null), body];
        Assert.True(RpcWire.TryReadReply(shape, reply.Length, reply[0], reply[1], reply[2], out var id, out var bodyIndex));
        Assert.Equal(42UL, id);
        Assert.Equal(Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(reply[bodyIndex]));
    }

    [Fact]
    public void RequestStart_NoDelimiter_RequestFollowsTheRoutingId()
    {
        Assert.Equal(1, RpcWire.RequestStart([5, 17]));
        Assert.Equal(1, RpcWire.RequestStart([5]));
    }

    [Fact]
    public void TryReadReply_LegacyReplyWithoutCorrelation_Malformed()
    {
        Assert.False(RpcWire.TryReadReply(RpcShape.Legacy, 2, [], """{"status":"ok"}"""u8, [], out _, out _));
        Assert.False(RpcWire.TryReadReply(RpcShape.Fleet, 4, [], "fleet.rpc/2"u8, """{"id":1}"""u8, out _, out _));
    }
}
