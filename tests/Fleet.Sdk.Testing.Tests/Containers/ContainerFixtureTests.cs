using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// The container fixtures started for real: they run where a Docker engine answers and skip
/// elsewhere with the probe's reason (these machines have none: "no Docker engine: ...").
/// </summary>
public sealed class ContainerFixtureTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [RequiresDockerEngineFact]
    public async Task RedisContainerServer_Started_AnswersPing()
    {
        await using var redis = await RedisContainerServer.StartAsync();

        Assert.Equal("+PONG", await PingAsync(redis.Address));
    }

    [RequiresDockerEngineFact]
    public async Task NatsContainerCluster_ThreeNodes_EveryNodeRoutesToTheOthersWithJetStream()
    {
        await using var nats = await NatsContainerCluster.StartAsync();
        using var http = new HttpClient();

        Assert.Equal(3, nats.Urls.Count);
        Assert.Equal(string.Join(',', nats.Urls), nats.Url);
        foreach (var monitor in nats.MonitorUrls)
        {
            Assert.True(
                await Poll.UntilAsync(async () => (await RoutesAsync(http, monitor)) == 2, Deadline),
                $"{monitor} should have routes to the two other nodes");
            Assert.True((await http.GetAsync(new Uri(monitor, "/healthz?js-enabled-only=true"))).IsSuccessStatusCode);
        }
    }

    [RequiresDockerEngineFact]
    public async Task ToxiproxyContainer_ProxyToItsOwnApi_AnswersThroughThePublishedPort()
    {
        await using var toxiproxy = await ToxiproxyContainer.StartAsync(proxies: 2);

        await toxiproxy.Client.CreateProxyAsync("api", ContainerPorts.ToxiproxyListen(1), $"localhost:{ContainerPorts.ToxiproxyApi}");
        using var http = new HttpClient();
        var version = await http.GetStringAsync(new Uri($"http://{toxiproxy.GetProxyAddress(1)}/version"));

        Assert.Contains(ContainerImages.Toxiproxy.Split(':')[^1], version, StringComparison.Ordinal);
        Assert.Equal(version.Trim(), (await toxiproxy.Client.GetVersionAsync()).Trim());
    }

    private static async Task<int> RoutesAsync(HttpClient http, Uri monitor)
    {
        using var routes = await http.GetFromJsonAsync<JsonDocument>(new Uri(monitor, "/routez"));
        return routes!.RootElement.GetProperty("num_routes").GetInt32();
    }

    private static async Task<string> PingAsync(string address)
    {
        var colon = address.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).Trim();
    }
}
