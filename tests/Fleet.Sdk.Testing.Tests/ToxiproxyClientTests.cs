namespace Fleet.Sdk.Testing.Tests;

/// <summary>The typed client: its requests, results and errors against the fault proxy.</summary>
public sealed class ToxiproxyClientTests : ProxyTestBase
{
    [Fact]
    public async Task GetProxyAsync_Unknown_ThrowsWithStatusAndServerMessage()
    {
        var error = await Assert.ThrowsAsync<ToxiproxyException>(() => Client.GetProxyAsync("ghost"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("proxy not found", error.ApiError);
        Assert.Contains("proxies/ghost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_ServerDown_ThrowsSayingHowToStartOne()
    {
        using var client = new ToxiproxyClient(new Uri($"http://127.0.0.1:{FreePort()}"));

        var error = await Assert.ThrowsAsync<ToxiproxyException>(() => client.GetProxiesAsync());

        Assert.Equal(0, error.StatusCode);
        Assert.Contains("TOXIPROXY_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAndUpdateToxic_Typed_RoundTripsEveryField()
    {
        await CreateAsync("p", "127.0.0.1:1");

        var added = await Client.AddToxicAsync("p", ToxiproxyToxic.Slicer(10, 2, TimeSpan.FromMicroseconds(30), ToxicStream.Upstream) with { Toxicity = 0.5f });
        var updated = await Client.UpdateToxicAsync("p", added.Name!, new Dictionary<string, long> { ["delay"] = 99 });

        Assert.Equal("slicer_upstream", added.Name);
        Assert.Equal(ToxicStream.Upstream, added.Stream);
        Assert.Equal(0.5f, updated.Toxicity);
        Assert.Equal(10, updated.Attributes["average_size"]);
        Assert.Equal(99, updated.Attributes["delay"]);
        Assert.Equal(added.Name, Assert.Single(await Client.GetToxicsAsync("p")).Name);
    }

    [Fact]
    public async Task CreateProxyAsync_Disabled_ThenEnable_BindsAndReportsTheListenAddress()
    {
        var port = FreePort();
        var created = await Client.CreateProxyAsync("p", $"localhost:{port}", "127.0.0.1:1", enabled: false);

        var enabled = await Client.EnableProxyAsync("p");

        Assert.False(created.Enabled);
        Assert.True(enabled.Enabled);
        Assert.Equal($"127.0.0.1:{port}", enabled.Listen);
        Assert.Equal(port, enabled.ListenEndPoint!.Port);
    }
}
