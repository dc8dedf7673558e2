namespace Fleet.Sdk.Security.Tests;

public sealed class ZmqEndpointTests
{
    [Theory]
    [InlineData("tcp://127.0.0.1:5555", true, false)]
    [InlineData("tcp://127.0.0.2:5555", true, false)]
    [InlineData("tcp://localhost:5555", true, false)]
    [InlineData("tcp://[::1]:5555", true, false)]
    [InlineData("ipc:///run/agent.sock", true, false)]
    [InlineData("inproc://events", true, false)]
    [InlineData("tcp://192.168.1.10:7200", false, false)]
    [InlineData("tcp://*:7200", false, true)]
    [InlineData("tcp://0.0.0.0:7200", false, true)]
    [InlineData("tcp://[::]:7200", false, true)]
    [InlineData("tcp://eth0:7200", false, false)]
    [InlineData("tcp://127.0.0.2:0;192.168.1.10:7200", false, false)]
    [InlineData("tcp://10.0.0.1:0;127.0.0.1:7200", true, false)]
    public void Parse_ClassifiesLocalAndAnyAddress(string text, bool local, bool any)
    {
        var endpoint = ZmqEndpoint.Parse(text);

        Assert.Equal(local, endpoint.IsLocal);
        Assert.Equal(any, endpoint.IsAnyAddress);
    }

    [Theory]
    [InlineData("127.0.0.1:5555")]
    [InlineData("tcp://")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("")]
    public void Parse_Invalid_ShowsExpectedForm(string text)
    {
        var error = Assert.Throws<FormatException>(() => ZmqEndpoint.Parse(text));

        Assert.Contains("tcp://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TcpEndpoint_ExposesHostAndPort()
    {
        var endpoint = ZmqEndpoint.Parse("tcp://10.1.2.3:7200");

        Assert.Equal("tcp", endpoint.Transport);
        Assert.Equal("10.1.2.3", endpoint.Host);
        Assert.Equal("7200", endpoint.Port);
    }
}
