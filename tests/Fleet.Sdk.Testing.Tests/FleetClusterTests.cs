using System.Diagnostics;
using System.Net;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>Simulated machines: addresses, links, partitions that really cut traffic, and healing.</summary>
public sealed class FleetClusterTests
{
    private static readonly byte[] Hello = "hello"u8.ToArray();
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task StartAsync_TwoMachines_EachGetsItsOwnLoopbackAddress()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);

        Assert.Equal(IPAddress.Parse("127.0.0.2"), cluster["mainpc"].Address);
        Assert.Equal(IPAddress.Parse("127.0.0.3"), cluster["pc2"].Address);
        Assert.True(cluster.UsesInProcessProxy);
    }

    [Fact]
    public async Task GetEndPoint_ServiceElsewhereOrLocal_ProxyOnItsMachineOrTheServiceItself()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Echo(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);

        var remote = cluster.GetEndPoint("mainpc", "agent");
        var local = cluster.GetEndPoint("pc2", "agent");

        Assert.Equal(cluster["pc2"].Address, remote.Address);
        Assert.NotEqual(agent.EndPoint.Port, remote.Port);
        Assert.Equal(agent.EndPoint, local);
        Assert.Equal($"127.0.0.3:{remote.Port}", cluster.GetAddress("mainpc", "agent"));
        var link = Assert.Single(cluster.GetLinks("mainpc", "pc2"));
        Assert.Equal(("mainpc", "pc2", "agent"), (link.From, link.To, link.Service));
        Assert.Equal(Hello, await EchoAsync(remote));
    }

    [Fact]
    public async Task PartitionAsync_OneWay_CutsOnlyDataFromTheFirstMachine()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Listen(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);
        using var client = await Tcp.ConnectAsync(cluster.GetEndPoint("mainpc", "agent"));
        using var server = await agent.AcceptAsync();

        await cluster.PartitionAsync("mainpc", "pc2", PartitionDirection.OneWay);

        await Tcp.SendAsync(client, Hello);
        await Tcp.SendAsync(server, Hello);
        Assert.Equal(Hello, await Tcp.ReadExactlyAsync(client, Hello.Length));
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(server, Silence)).End);
    }

    [Fact]
    public async Task IsolateAsync_OneOfThree_CutsOnlyThatMachine()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2", "pc3"]);
        await using var agent = TcpPeer.Echo(cluster["mainpc"].Address);
        await cluster.AddServiceAsync("mainpc", "agent", agent.EndPoint.Port);

        await cluster.IsolateAsync("pc2");

        Assert.Null(await TryEchoAsync(cluster.GetEndPoint("pc2", "agent")));
        Assert.Equal(Hello, await EchoAsync(cluster.GetEndPoint("pc3", "agent")));

        await cluster.HealAsync();

        Assert.Equal(Hello, await EchoAsync(cluster.GetEndPoint("pc2", "agent")));
    }

    [Fact]
    public async Task PartitionAsync_Hold_DeliversHeldDataOnHealOverTheSameConnection()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Echo(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);
        using var client = await Tcp.ConnectAsync(cluster.GetEndPoint("mainpc", "agent"));

        await cluster.PartitionAsync("mainpc", "pc2", mode: PartitionMode.Hold);
        await Tcp.SendAsync(client, Hello);
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(client, Silence)).End);
        await cluster.HealAsync("mainpc", "pc2");

        Assert.Equal(Hello, await Tcp.ReadExactlyAsync(client, Hello.Length));
    }

    [Fact]
    public async Task PartitionAsync_ThenMachineAdded_NewLinksAreCutToo()
    {
        await using var cluster = await FleetCluster.StartAsync(["pc2"]);
        await using var agent = TcpPeer.Echo(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);
        await cluster.AddMachineAsync("mainpc");

        await cluster.PartitionAsync("mainpc", "pc2");
        await cluster.AddMachineAsync("pc3");
        await cluster.AddServiceAsync("pc3", "late", agent.EndPoint);

        Assert.Null(await TryEchoAsync(cluster.GetEndPoint("mainpc", "agent")));
        Assert.Equal(Hello, await EchoAsync(cluster.GetEndPoint("pc3", "agent")));
        Assert.Equal(Hello, await EchoAsync(cluster.GetEndPoint("mainpc", "late")));
    }

    [Fact]
    public async Task AddLatencyAsync_BetweenTwoMachines_RoundTripGainsItBothWays()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Echo(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);
        using var client = await Tcp.ConnectAsync(cluster.GetEndPoint("mainpc", "agent"));

        await cluster.AddLatencyAsync("mainpc", "pc2", TimeSpan.FromMilliseconds(100));
        var watch = Stopwatch.StartNew();
        await Tcp.SendAsync(client, Hello);
        await Tcp.ReadExactlyAsync(client, Hello.Length);

        Assert.InRange(watch.Elapsed.TotalMilliseconds, 190, 2000);
        Assert.Equal(["fleet_latency_upstream", "fleet_latency_downstream"], (await cluster.Toxiproxy.GetToxicsAsync(cluster.GetLinks("mainpc", "pc2")[0].ProxyName)).Select(t => t.Name));
    }

    [Fact]
    public async Task FlapAsync_TwoCycles_EndsHealed()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Echo(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);

        await cluster.FlapAsync("mainpc", "pc2", down: TimeSpan.FromMilliseconds(50), up: TimeSpan.FromMilliseconds(50), cycles: 2);

        Assert.Empty(await cluster.Toxiproxy.GetToxicsAsync(cluster.GetLinks("mainpc", "pc2")[0].ProxyName));
        Assert.Equal(Hello, await EchoAsync(cluster.GetEndPoint("mainpc", "agent")));
    }

    [Fact]
    public async Task DisposeAsync_Cluster_ReleasesEveryLink()
    {
        var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Echo(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);
        var endPoint = cluster.GetEndPoint("mainpc", "agent");

        await cluster.DisposeAsync();

        Assert.True(await Tcp.IsRefusedAsync(endPoint));
    }

    [Fact]
    public async Task Lookups_UnknownNames_SayWhatExists()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);

        var machine = Assert.Throws<ArgumentException>(() => cluster.GetEndPoint("pc9", "agent"));
        Assert.Contains("Known machines: mainpc, pc2", machine.Message, StringComparison.Ordinal);
        var service = Assert.Throws<ArgumentException>(() => cluster.GetEndPoint("mainpc", "agent"));
        Assert.Contains("AddServiceAsync", service.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.AddMachineAsync("pc2"));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.PartitionAsync("pc2", "pc2"));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.AddMachineAsync("bad name"));
    }

    private static async Task<byte[]> EchoAsync(IPEndPoint endPoint) =>
        await TryEchoAsync(endPoint) ?? throw new Xunit.Sdk.XunitException($"no echo through {endPoint}");

    private static async Task<byte[]?> TryEchoAsync(IPEndPoint endPoint)
    {
        using var socket = await Tcp.ConnectAsync(endPoint);
        await Tcp.SendAsync(socket, Hello);
        var (end, count) = await Tcp.ReadOnceAsync(socket, Silence);
        return end == ReadEnd.Data && count == Hello.Length ? Hello : null;
    }
}
