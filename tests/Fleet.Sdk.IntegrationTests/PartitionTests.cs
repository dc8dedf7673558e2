using Fleet.Sdk.Testing;

namespace Fleet.Sdk.IntegrationTests;

/// <summary>Two simulated machines and a real Redis behind the fault proxy: partitions cut traffic, and healing restores it.</summary>
public sealed class PartitionTests
{
    private static readonly byte[] Request = "hello pc2"u8.ToArray();
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Partition_MainpcAndPc2_CutsAgentTrafficAndHealRestoresIt()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var agent = TcpPeer.Listen(cluster["pc2"].Address);
        await cluster.AddServiceAsync("pc2", "agent", agent.EndPoint.Port);
        var target = cluster.GetEndPoint("mainpc", "agent");

        using var before = await Tcp.ConnectAsync(target);
        using var served = await agent.AcceptAsync();
        await Tcp.SendAsync(before, Request);
        Assert.Equal(Request, await Tcp.ReadExactlyAsync(served, Request.Length));

        await cluster.PartitionAsync("mainpc", "pc2");

        await Tcp.SendAsync(before, Request);
        await Tcp.SendAsync(served, Request);
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(served, Silence)).End);
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(before, Silence)).End);

        await cluster.HealAsync();

        using var after = await Tcp.ConnectAsync(target);
        using var servedAgain = await agent.AcceptAsync();
        await Tcp.SendAsync(after, Request);
        Assert.Equal(Request, await Tcp.ReadExactlyAsync(servedAgain, Request.Length));
        await Tcp.SendAsync(servedAgain, Request);
        Assert.Equal(Request, await Tcp.ReadExactlyAsync(after, Request.Length));
    }

    [RequiresRedisServerFact]
    public async Task Partition_Pc2FromRedis_Pc2LosesRedisWhileMainpcKeepsItUntilHealed()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await cluster.AddRedisAsync(redis);

        Assert.True(await PingsAsync(cluster, "pc2"));

        await cluster.PartitionAsync("pc2", "redis");

        Assert.False(await PingsAsync(cluster, "pc2"));
        Assert.True(await PingsAsync(cluster, "mainpc"));

        await cluster.HealAsync("pc2", "redis");

        Assert.True(await PingsAsync(cluster, "pc2"));
    }

    private static async Task<bool> PingsAsync(FleetCluster cluster, string machine)
    {
        using var socket = await Tcp.ConnectAsync(cluster.GetEndPoint(machine, "redis"));
        await Tcp.SendAsync(socket, "PING\r\n"u8.ToArray());
        var (end, count) = await Tcp.ReadOnceAsync(socket, Silence);
        return end == ReadEnd.Data && count >= "+PONG\r\n".Length;
    }
}
