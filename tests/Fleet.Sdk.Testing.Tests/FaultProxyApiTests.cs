using System.Net;
using System.Text.Json;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>The HTTP API against TOXIPROXY.md: endpoints, defaults, status codes and error bodies.</summary>
public sealed class FaultProxyApiTests : ProxyTestBase
{
    [Fact]
    public async Task Proxies_CreateGetListDelete_RoundTrips()
    {
        var created = await CallAsync("POST", "/proxies", """{"name":"redis","listen":"localhost:0","upstream":"127.0.0.1:6379"}""");
        Assert.Equal(201, created.Status);
        Assert.Equal("application/json", created.ContentType);
        var listen = created.Json.GetProperty("listen").GetString()!;
        Assert.StartsWith("127.0.0.1:", listen, StringComparison.Ordinal);
        Assert.NotEqual("127.0.0.1:0", listen);
        Assert.True(created.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Array, created.Json.GetProperty("toxics").ValueKind);
        Assert.Equal(["name", "listen", "upstream", "enabled", "toxics"], created.Json.EnumerateObject().Select(p => p.Name));

        var shown = await CallAsync("GET", "/proxies/redis");
        Assert.Equal(200, shown.Status);
        Assert.Equal(listen, shown.Json.GetProperty("listen").GetString());

        var list = await CallAsync("GET", "/proxies");
        Assert.Equal("127.0.0.1:6379", list.Json.GetProperty("redis").GetProperty("upstream").GetString());

        var deleted = await CallAsync("DELETE", "/proxies/redis");
        Assert.Equal(204, deleted.Status);
        Assert.Empty(deleted.Body);
        (await CallAsync("GET", "/proxies/redis")).AssertError(404, "proxy not found");
        Assert.Equal("{}", (await CallAsync("GET", "/proxies")).Body);
        Assert.True(await Tcp.IsRefusedAsync(IPEndPoint.Parse(listen)));
    }

    [Fact]
    public async Task CreateProxy_BlankNameOrUpstream_400NamingTheFieldNameFirst()
    {
        (await CallAsync("POST", "/proxies", "{}")).AssertError(400, "missing required field: name");
        (await CallAsync("POST", "/proxies", """{"upstream":"127.0.0.1:1"}""")).AssertError(400, "missing required field: name");
        (await CallAsync("POST", "/proxies", """{"name":"a","upstream":""}""")).AssertError(400, "missing required field: upstream");
    }

    [Fact]
    public async Task CreateProxy_DuplicateName_409()
    {
        await CreateAsync("dup", "127.0.0.1:1");

        (await CallAsync("POST", "/proxies", """{"name":"dup","upstream":"127.0.0.1:2"}""")).AssertError(409, "proxy already exists");
    }

    [Fact]
    public async Task CreateProxy_PortInUse_500WithSocketErrorAndPortReusableAfterDelete()
    {
        var first = await CreateAsync("first", "127.0.0.1:1");

        var conflict = await CallAsync("POST", "/proxies", $$"""{"name":"second","listen":"{{first.Listen}}","upstream":"127.0.0.1:1"}""");

        conflict.AssertError(500, $"listen tcp {first.Listen}: bind: address already in use");
        await Client.DeleteProxyAsync("first");
        var reused = await Client.CreateProxyAsync("second", first.Listen, "127.0.0.1:1");
        Assert.Equal(first.Listen, reused.Listen);
    }

    [Fact]
    public async Task CreateProxy_Disabled_EchoesListenAsGivenAndBindsNothing()
    {
        var port = FreePort();

        var created = await CallAsync("POST", "/proxies", $$"""{"name":"off","listen":"localhost:{{port}}","upstream":"127.0.0.1:1","enabled":false}""");

        Assert.Equal(201, created.Status);
        Assert.Equal($"localhost:{port}", created.Json.GetProperty("listen").GetString());
        Assert.False(created.Json.GetProperty("enabled").GetBoolean());
        Assert.True(await Tcp.IsRefusedAsync(new IPEndPoint(IPAddress.Loopback, port)));
    }

    [Fact]
    public async Task UpdateProxy_DisableThenEnable_RefusesThenAcceptsOnTheSamePort()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("flip", upstream.Address);
        using var open = await Tcp.ConnectAsync(proxy.Listen);

        var disabled = await CallAsync("PATCH", "/proxies/flip", """{"enabled":false}""");

        Assert.Equal(200, disabled.Status);
        Assert.False(disabled.Json.GetProperty("enabled").GetBoolean());
        Assert.True(await Tcp.IsRefusedAsync(proxy.ListenEndPoint!));
        Assert.NotEqual(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(open, TimeSpan.FromSeconds(2))).End);

        var enabled = await CallAsync("POST", "/proxies/flip", """{"enabled":true}""");

        Assert.Equal(proxy.Listen, enabled.Json.GetProperty("listen").GetString());
        using var again = await Tcp.ConnectAsync(proxy.Listen);
        await Tcp.SendAsync(again, [1, 2, 3]);
        Assert.Equal([1, 2, 3], await Tcp.ReadExactlyAsync(again, 3));
    }

    [Fact]
    public async Task UpdateProxy_SameListenSpelledLocalhost_KeepsOpenConnections()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("same", upstream.Address);
        using var open = await Tcp.ConnectAsync(proxy.Listen);

        var updated = await CallAsync("PATCH", "/proxies/same", $$"""{"listen":"localhost:{{proxy.ListenEndPoint!.Port}}","name":"ignored"}""");

        Assert.Equal(200, updated.Status);
        Assert.Equal("same", updated.Json.GetProperty("name").GetString());
        await Tcp.SendAsync(open, [7]);
        Assert.Equal([7], await Tcp.ReadExactlyAsync(open, 1));
    }

    [Fact]
    public async Task UpdateProxy_NewUpstream_DropsOpenConnectionsAndForwardsToTheNewOne()
    {
        await using var oldUpstream = TcpPeer.Echo();
        await using var newUpstream = TcpPeer.Listen();
        var proxy = await CreateAsync("move", oldUpstream.Address);
        using var open = await Tcp.ConnectAsync(proxy.Listen);
        await Tcp.SendAsync(open, [1]);
        await Tcp.ReadExactlyAsync(open, 1);

        var updated = await Client.UpdateProxyAsync("move", upstream: newUpstream.Address);

        Assert.Equal(newUpstream.Address, updated.Upstream);
        Assert.Equal(proxy.Listen, updated.Listen);
        Assert.NotEqual(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(open, TimeSpan.FromSeconds(2))).End);
        using var fresh = await Tcp.ConnectAsync(updated.Listen);
        using var accepted = await newUpstream.AcceptAsync();
        Assert.NotNull(accepted);
    }

    [Fact]
    public async Task Populate_NewProxies_CreatedInInputOrderWithDefaults()
    {
        var result = await CallAsync("POST", "/populate", """[{"name":"b","upstream":"127.0.0.1:1"},{"name":"a","upstream":"127.0.0.1:2","enabled":false,"listen":"127.0.0.1:0"}]""");

        Assert.Equal(201, result.Status);
        var proxies = result.Json.GetProperty("proxies").EnumerateArray().ToList();
        Assert.Equal(["b", "a"], proxies.Select(p => p.GetProperty("name").GetString()));
        Assert.True(proxies[0].GetProperty("enabled").GetBoolean());
        Assert.False(proxies[1].GetProperty("enabled").GetBoolean());
        Assert.False(result.Json.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Populate_UnchangedExisting_KeepsItsToxicsAndState()
    {
        var existing = await CreateAsync("keep", "127.0.0.1:1");
        await Client.AddToxicAsync("keep", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(5)));
        var sameListen = $"localhost:{existing.ListenEndPoint!.Port}";

        var result = await CallAsync("POST", "/populate", $$"""[{"name":"keep","listen":"{{sameListen}}","upstream":"127.0.0.1:1"}]""");

        Assert.Equal(201, result.Status);
        var proxy = await Client.GetProxyAsync("keep");
        Assert.Single(proxy.Toxics);
        Assert.Equal(existing.Listen, proxy.Listen);
    }

    [Fact]
    public async Task Populate_ChangedUpstream_ReplacesTheProxyAndDropsItsToxics()
    {
        await CreateAsync("swap", "127.0.0.1:1");
        await Client.AddToxicAsync("swap", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(5)));

        var proxies = await Client.PopulateAsync([new ToxiproxyProxy { Name = "swap", Upstream = "127.0.0.1:2" }]);

        Assert.Equal("127.0.0.1:2", Assert.Single(proxies).Upstream);
        Assert.Empty((await Client.GetProxyAsync("swap")).Toxics);
    }

    [Fact]
    public async Task Populate_EntryWithoutName_400NamingItsPositionAndCreatesNothing()
    {
        var result = await CallAsync("POST", "/populate", """[{"name":"ok","upstream":"127.0.0.1:1"},{"upstream":"127.0.0.1:2"}]""");

        result.AssertError(400, "missing required field: name at proxy 2");
        Assert.Equal(JsonValueKind.Null, result.Json.GetProperty("proxies").ValueKind);
        Assert.Empty(await Client.GetProxiesAsync());

        (await CallAsync("POST", "/populate", """[{"name":"x"}]""")).AssertError(400, "missing required field: upstream at proxy 1");
    }

    [Fact]
    public async Task Populate_BindFailure_StopsThereAndKeepsEarlierProxies()
    {
        var taken = await CreateAsync("taken", "127.0.0.1:1");

        var result = await CallAsync("POST", "/populate", $$"""[{"name":"first","upstream":"127.0.0.1:1"},{"name":"clash","listen":"{{taken.Listen}}","upstream":"127.0.0.1:1"},{"name":"never","upstream":"127.0.0.1:1"}]""");

        result.AssertError(500, $"listen tcp {taken.Listen}: bind: address already in use");
        Assert.Equal(["first"], result.Json.GetProperty("proxies").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["first", "taken"], (await Client.GetProxiesAsync()).Keys.Order());
    }

    [Fact]
    public async Task Reset_DisabledProxiesWithToxics_ReEnabledAndStrippedButKept()
    {
        await CreateAsync("one", "127.0.0.1:1");
        await Client.AddToxicAsync("one", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(5)));
        await Client.DisableProxyAsync("one");

        var reset = await CallAsync("POST", "/reset");

        Assert.Equal(204, reset.Status);
        Assert.Empty(reset.Body);
        var proxy = await Client.GetProxyAsync("one");
        Assert.True(proxy.Enabled);
        Assert.Empty(proxy.Toxics);
        Assert.False(await Tcp.IsRefusedAsync(proxy.ListenEndPoint!));
    }

    [Fact]
    public async Task Reset_ProxyWhoseRebindFailed_StillStripsEveryToxicAndReportsTheBindFailure()
    {
        // Found by the fuzzing corpus: a proxy moved onto a port in use made every later /reset stop
        // at it, so no toxic of any proxy was ever removed again.
        var taken = await CreateAsync("taken", "127.0.0.1:1");
        await CreateAsync("moved", "127.0.0.1:1");
        await Client.AddToxicAsync("taken", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(5)));
        await Client.AddToxicAsync("moved", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(5)));
        (await CallAsync("PATCH", "/proxies/moved", $$"""{"listen":"{{taken.Listen}}"}""")).AssertError(500, $"listen tcp {taken.Listen}: bind: address already in use");

        var reset = await CallAsync("POST", "/reset");

        reset.AssertError(500, $"listen tcp {taken.Listen}: bind: address already in use");
        Assert.Empty((await Client.GetProxyAsync("taken")).Toxics);
        Assert.Empty((await Client.GetProxyAsync("moved")).Toxics);
        Assert.True((await Client.GetProxyAsync("taken")).Enabled);
    }

    [Fact]
    public async Task CreateToxic_OnlyType_DefaultsNameStreamToxicityAndAttributes()
    {
        await CreateAsync("p", "127.0.0.1:1");

        var toxic = await CallAsync("POST", "/proxies/p/toxics", """{"type":"latency"}""");

        Assert.Equal(200, toxic.Status);
        Assert.Equal("""{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}""", toxic.Body);
    }

    [Fact]
    public async Task CreateToxic_NameTakenInTheOtherStream_409()
    {
        await CreateAsync("p", "127.0.0.1:1");
        await CallAsync("POST", "/proxies/p/toxics", """{"name":"slow","type":"latency","stream":"upstream"}""");

        (await CallAsync("POST", "/proxies/p/toxics", """{"name":"slow","type":"latency","stream":"downstream"}""")).AssertError(409, "toxic already exists");
    }

    [Theory]
    [InlineData("""{"type":"latency","stream":"sideways"}""", "stream was invalid, can be either upstream or downstream")]
    [InlineData("""{"type":"latency","stream":""}""", "stream was invalid, can be either upstream or downstream")]
    [InlineData("""{"type":"down"}""", "invalid toxic type")]
    [InlineData("""{"stream":"upstream"}""", "invalid toxic type")]
    public async Task CreateToxic_InvalidStreamOrType_400(string body, string message)
    {
        await CreateAsync("p", "127.0.0.1:1");

        (await CallAsync("POST", "/proxies/p/toxics", body)).AssertError(400, message);
    }

    [Theory]
    [InlineData("""{"type":"latency","attributes":{"latency":1.5}}""", "bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64")]
    [InlineData("""{"type":"bandwidth","attributes":{"rate":"fast"}}""", "bad request body: json: cannot unmarshal string into Go struct field BandwidthToxic.attributes.rate of type int64")]
    [InlineData("""{"type":"latency","toxicity":"high"}""", "bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32")]
    public async Task CreateToxic_NonIntegerAttributeOrBadField_400(string body, string message)
    {
        await CreateAsync("p", "127.0.0.1:1");

        (await CallAsync("POST", "/proxies/p/toxics", body)).AssertError(400, message);
        Assert.Empty(await Client.GetToxicsAsync("p"));
    }

    [Fact]
    public async Task CreateToxic_UnknownProxy_404BeforeLookingAtTheBody()
    {
        (await CallAsync("POST", "/proxies/none/toxics", "not json")).AssertError(404, "proxy not found");
    }

    [Fact]
    public async Task UpdateToxic_PartialAttributes_MergedKeyByKeyAndToxicityKept()
    {
        await CreateAsync("p", "127.0.0.1:1");
        await CallAsync("POST", "/proxies/p/toxics", """{"name":"l","type":"latency","toxicity":0.5,"attributes":{"latency":100,"jitter":10}}""");

        var updated = await CallAsync("PATCH", "/proxies/p/toxics/l", """{"attributes":{"latency":1000},"toxicity":null,"type":"ignored"}""");

        Assert.Equal(200, updated.Status);
        Assert.Equal(1000, updated.Json.GetProperty("attributes").GetProperty("latency").GetInt64());
        Assert.Equal(10, updated.Json.GetProperty("attributes").GetProperty("jitter").GetInt64());
        Assert.Equal(0.5, updated.Json.GetProperty("toxicity").GetDouble());
        Assert.Equal("latency", updated.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task DeleteToxic_Existing_204ThenGet404()
    {
        await CreateAsync("p", "127.0.0.1:1");
        await Client.AddToxicAsync("p", ToxiproxyToxic.LimitData(10, name: "cap"));

        var deleted = await CallAsync("DELETE", "/proxies/p/toxics/cap");

        Assert.Equal(204, deleted.Status);
        (await CallAsync("GET", "/proxies/p/toxics/cap")).AssertError(404, "toxic not found");
        (await CallAsync("DELETE", "/proxies/p/toxics/cap")).AssertError(404, "toxic not found");
        (await CallAsync("PATCH", "/proxies/p/toxics/cap", "{}")).AssertError(404, "toxic not found");
    }

    [Fact]
    public async Task ListToxics_BothStreams_UpstreamFirstEachInInsertionOrder()
    {
        await CreateAsync("p", "127.0.0.1:1");
        foreach (var (name, stream) in new[] { ("d1", "downstream"), ("u1", "upstream"), ("d2", "downstream"), ("u2", "UPSTREAM") })
        {
            await CallAsync("POST", "/proxies/p/toxics", $$"""{"name":"{{name}}","type":"noop","stream":"{{stream}}"}""");
        }

        var list = await CallAsync("GET", "/proxies/p/toxics");

        Assert.Equal(["u1", "u2", "d1", "d2"], list.Json.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["u1", "u2", "d1", "d2"], (await Client.GetProxyAsync("p")).Toxics.Select(t => t.Name));
    }

    [Fact]
    public async Task Request_KeysInAnyCaseAndUnknownKeys_AcceptedAsToxiproxyDoes()
    {
        var created = await CallAsync("POST", "/proxies", """{"NAME":"mixed","Upstream":"127.0.0.1:1","LISTEN":"127.0.0.1:0","colour":"blue"}""");

        Assert.Equal(201, created.Status);
        Assert.Equal("mixed", created.Json.GetProperty("name").GetString());
        var toxic = await CallAsync("POST", "/proxies/mixed/toxics", """{"Type":"latency","STREAM":"Upstream","Attributes":{"LATENCY":5}}""");
        Assert.Equal(5, toxic.Json.GetProperty("attributes").GetProperty("latency").GetInt64());
        Assert.Equal("latency_Upstream", toxic.Json.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("", "bad request body: EOF")]
    [InlineData("{\"name\":", "bad request body: unexpected EOF")]
    [InlineData("""{"name":5,"upstream":"127.0.0.1:1"}""", "bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string")]
    [InlineData("""{"name":"x","upstream":"127.0.0.1:1","enabled":"yes"}""", "bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool")]
    [InlineData("[1,2]", "bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy")]
    public async Task CreateProxy_MalformedBody_400BadRequestBody(string body, string message)
    {
        (await CallAsync("POST", "/proxies", body)).AssertError(400, message);
    }

    [Fact]
    public async Task CreateProxy_InvalidJson_400BadRequestBodyAndServerStaysUp()
    {
        var result = await CallAsync("POST", "/proxies", "{nope");

        Assert.Equal(400, result.Status);
        Assert.StartsWith("bad request body: ", result.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("text/plain; charset=utf-8", result.ContentType);
        Assert.Equal(200, (await CallAsync("GET", "/proxies")).Status);
    }

    [Fact]
    public async Task Request_UnknownPathOrWrongMethod_404Or405()
    {
        var missing = await CallAsync("GET", "/nothing");
        Assert.Equal(404, missing.Status);
        Assert.Equal("404 page not found\n", missing.Body);
        Assert.Equal(404, (await CallAsync("GET", "/proxies/")).Status);
        Assert.Equal(404, (await CallAsync("GET", "/proxies/p/toxics/t/more")).Status);

        Assert.Equal(405, (await CallAsync("DELETE", "/proxies")).Status);
        Assert.Equal(405, (await CallAsync("GET", "/reset")).Status);
        Assert.Equal(405, (await CallAsync("PUT", "/proxies/p")).Status);
        Assert.Equal(405, (await CallAsync("PATCH", "/proxies/p/toxics")).Status);
    }

    [Fact]
    public async Task Request_BrowserUserAgent_403()
    {
        var result = await CallAsync("GET", "/proxies", userAgent: "Mozilla/5.0 (X11; Linux x86_64)");

        Assert.Equal(403, result.Status);
        Assert.Equal("User agent not allowed\n", result.Body);
    }

    [Fact]
    public async Task EveryResponse_CarriesADistinctRequestId()
    {
        var ids = new List<string>();
        foreach (var (method, path) in new[] { ("GET", "/proxies"), ("GET", "/nothing"), ("DELETE", "/proxies"), ("GET", "/proxies/x") })
        {
            var response = await CallAsync(method, path);
            ids.Add(Assert.Single(response.Headers.GetValues("X-Toxiproxy-Request-Id")));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-v]{20}$", id));
    }

    [Fact]
    public async Task Version_Get_Returns2_12_0()
    {
        var result = await CallAsync("GET", "/version");

        Assert.Equal(200, result.Status);
        Assert.Equal("2.12.0", result.Json.GetProperty("version").GetString());
        Assert.Equal("2.12.0", await Client.GetVersionAsync());
    }

    [Fact]
    public async Task ProxyEndpoints_UnknownProxy_404ProxyNotFound()
    {
        (await CallAsync("PATCH", "/proxies/ghost", """{"enabled":false}""")).AssertError(404, "proxy not found");
        (await CallAsync("DELETE", "/proxies/ghost")).AssertError(404, "proxy not found");
        (await CallAsync("GET", "/proxies/ghost/toxics")).AssertError(404, "proxy not found");
        (await CallAsync("GET", "/proxies/ghost/toxics/t")).AssertError(404, "proxy not found");
    }
}
