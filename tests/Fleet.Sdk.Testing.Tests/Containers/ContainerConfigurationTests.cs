using System.Reflection;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>What the container fixtures would start, checked without a Docker engine: pinned images, the NATS cluster's configuration, published ports.</summary>
public sealed class ContainerConfigurationTests
{
    public static TheoryData<string> Images() =>
        [.. typeof(ContainerImages).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)];

    [Theory]
    [MemberData(nameof(Images))]
    public void ContainerImages_Every_PinnedToAnExplicitVersion(string image)
    {
        var tag = image[(image.LastIndexOf(':') + 1)..];

        Assert.NotEqual(image, tag);
        Assert.Matches(@"^\d+\.\d+\.\d+$", tag);
    }

    [Fact]
    public void ContainerImages_OfficialImagesOfTheVersionsInstalledHere()
    {
        Assert.Equal(3, Images().Count);
        Assert.StartsWith("redis:7.0.", ContainerImages.Redis, StringComparison.Ordinal);
        Assert.Equal("nats:2.9.10", ContainerImages.Nats);
        Assert.StartsWith("ghcr.io/shopify/toxiproxy:", ContainerImages.Toxiproxy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerImages_Toxiproxy_TheVersionTheInProcessFaultProxySpeaks()
    {
        await using var proxy = await FaultProxyServer.StartAsync();
        using var client = proxy.CreateClient();

        var version = await client.GetVersionAsync();

        Assert.Equal(ContainerImages.Toxiproxy, $"ghcr.io/shopify/toxiproxy:{version}");
    }

    [Fact]
    public void NatsClusterConfiguration_ThreeNodes_EachRoutesToTheOtherTwoWithJetStream()
    {
        var nodes = NatsClusterConfiguration.Create();

        Assert.Equal(["nats-1", "nats-2", "nats-3"], nodes.Select(n => n.Name));
        foreach (var node in nodes)
        {
            var lines = node.ConfigurationText.Split('\n').Select(l => l.Trim()).ToList();
            Assert.Contains($"server_name: {node.Name}", lines);
            Assert.Contains("listen: 0.0.0.0:4222", lines);
            Assert.Contains("http: 0.0.0.0:8222", lines);
            Assert.Contains("store_dir: \"/data/jetstream\"", lines);
            Assert.Contains("name: fleet", lines);
            Assert.Contains("listen: 0.0.0.0:6222", lines);
            var routes = lines.Where(l => l.StartsWith("nats-route://", StringComparison.Ordinal)).ToList();
            Assert.Equal(nodes.Where(n => n != node).Select(n => $"nats-route://{n.Name}:6222"), routes);
            Assert.Equal(["-c", "/etc/nats/fleet.conf"], node.Command);
            Assert.Equal(node.ConfigurationText.Count(c => c == '{'), node.ConfigurationText.Count(c => c == '}'));
        }
    }

    [Fact]
    public void NatsClusterConfiguration_OneNode_JetStreamWithoutClusterBlock()
    {
        var node = Assert.Single(NatsClusterConfiguration.Create(1, "solo"));

        Assert.Contains("jetstream {", node.ConfigurationText, StringComparison.Ordinal);
        Assert.DoesNotContain("cluster", node.ConfigurationText, StringComparison.Ordinal);
        Assert.DoesNotContain("route", node.ConfigurationText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void NatsClusterConfiguration_NodeCountOutOfRange_SaysTheRange(int nodes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NatsClusterConfiguration.Create(nodes));

        Assert.Contains("1 to 9 nodes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("my fleet")]
    [InlineData("fleet}\ninclude /etc/passwd")]
    public void NatsClusterConfiguration_UnsafeClusterName_RefusedBeforeItReachesTheFile(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => NatsClusterConfiguration.Create(3, name));

        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerPorts_Toxiproxy_ApiThenOneContainerPortPerProxy()
    {
        Assert.Equal([8474, 8666, 8667, 8668], ContainerPorts.ForToxiproxy(3));
        Assert.Equal([8474], ContainerPorts.ForToxiproxy(0));
        Assert.Equal("0.0.0.0:8667", ContainerPorts.ToxiproxyListen(1));
        Assert.Equal(ContainerPorts.ToxiproxyMaxProxies + 1, ContainerPorts.ForToxiproxy(ContainerPorts.ToxiproxyMaxProxies).Distinct().Count());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(33)]
    public void ContainerPorts_TooManyProxies_SaysHowManyFit(int proxies)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ContainerPorts.ForToxiproxy(proxies));

        Assert.Contains("between 0 and 32", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ContainerPorts.ToxiproxyListen(32));
    }

    [Fact]
    public void ContainerPorts_Published_NeverCollideBetweenServers()
    {
        int[] ports = [ContainerPorts.Redis, ContainerPorts.NatsClient, ContainerPorts.NatsCluster, ContainerPorts.NatsMonitor, .. ContainerPorts.ForToxiproxy(ContainerPorts.ToxiproxyMaxProxies)];

        Assert.Equal(ports.Length, ports.Distinct().Count());
    }
}
