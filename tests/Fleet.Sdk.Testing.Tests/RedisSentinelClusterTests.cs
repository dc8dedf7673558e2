namespace Fleet.Sdk.Testing.Tests;

/// <summary>A real master, replica and three sentinels: ready on start, failing over when the master dies or is cut off, and every cross-machine link through the fault proxy.</summary>
public sealed class RedisSentinelClusterTests
{
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(60);

    [RequiresRedisSentinelFact]
    public async Task StartAsync_Default_SentinelsNameTheFirstServerAndItHasItsReplica()
    {
        await using var redis = await RedisSentinelCluster.StartAsync();

        var master = await redis.GetMasterAsync();

        Assert.Same(redis.Servers[0], master);
        Assert.Equal("master", await RoleAsync(redis.Servers[0]));
        Assert.Equal("slave", await RoleAsync(redis.Servers[1]));
        Assert.Equal(3, redis.Sentinels.Count);
        Assert.Equal(string.Join(",", redis.Sentinels.Select(s => s.ConnectionString)), redis.GetSentinelAddresses());
        Assert.Equal("1000", RespCommand.Fields(await CommandAsync(redis.Sentinels[0], "SENTINEL", "MASTER", "fleet"))["down-after-milliseconds"]);
    }

    [RequiresRedisSentinelFact]
    public async Task KillMasterAsync_Default_SentinelsPromoteTheReplicaWhichKeepsTheData()
    {
        await using var redis = await RedisSentinelCluster.StartAsync();
        Assert.Equal(1L, await WriteAndWaitAsync(redis.Servers[0], "kept", "yes", 30_000));

        var killed = await redis.KillMasterAsync();
        var promoted = await redis.WaitForFailoverAsync(killed, Failover);

        Assert.Same(redis.Servers[1], promoted);
        Assert.Equal("master", await RoleAsync(promoted));
        Assert.Equal("yes", await CommandAsync(promoted, "GET", "kept"));
    }

    [RequiresRedisSentinelFact]
    public async Task RestartAsync_KilledMaster_RejoinsAsReplicaOfTheNewMaster()
    {
        await using var redis = await RedisSentinelCluster.StartAsync();
        var killed = await redis.KillMasterAsync();
        var promoted = await redis.WaitForFailoverAsync(killed, Failover);

        await killed.RestartAsync(keepData: true);
        var master = await redis.WaitForReplicasAsync(Failover);

        // The promoted server normally stays master. On a loaded machine the sentinels (down-after 1 s) may fail over
        // once more while the old master resyncs, and then it is master again: either way one of the two is master
        // and the other its replica (a CI run saw the second case once).
        var replica = ReferenceEquals(master, killed) ? promoted : killed;
        Assert.Contains(master, new[] { promoted, killed });
        Assert.Equal("slave", await RoleAsync(replica));
    }

    [RequiresRedisSentinelFact]
    public async Task StartAsync_OnFleetCluster_EveryProcessOnItsMachineAndClientsGetTheirMachinesLinks()
    {
        await using var machines = await FleetCluster.StartAsync(["mainpc", "pc2", "pc3"]);
        await using var redis = await RedisSentinelCluster.StartAsync(Layout(machines));

        var map = redis.GetAddressMap("pc3");
        var sentinels = redis.GetSentinelAddresses("pc3").Split(',');

        Assert.Equal(machines["mainpc"].Address.ToString(), redis.Servers[0].Host);
        Assert.Equal(machines["pc2"].Address.ToString(), redis.Servers[1].Host);
        Assert.Equal(machines["pc3"].Address.ToString(), redis.Sentinels[2].Host);
        Assert.Equal(redis.Sentinels[2].ConnectionString, sentinels[2]);
        Assert.Equal(machines.GetAddress("pc3", "sentinel-1"), sentinels[0]);
        Assert.Contains($"{redis.GetAnnouncedAddress(redis.Servers[0])}={machines.GetAddress("pc3", "redis-1")}", map, StringComparison.Ordinal);
        Assert.Equal("slave", await RoleAsync(redis.Servers[1]));
    }

    [RequiresRedisSentinelFact]
    public async Task PartitionAsync_MasterFromReplicaMachine_CutsReplicationUntilHealed()
    {
        await using var machines = await FleetCluster.StartAsync(["mainpc", "pc2", "pc3"]);
        await using var redis = await RedisSentinelCluster.StartAsync(Layout(machines, downAfter: TimeSpan.FromSeconds(30)));

        await machines.PartitionAsync("mainpc", "pc2");
        var stuck = await WriteAndWaitAsync(redis.Servers[0], "during", "cut", 1500);
        await machines.HealAsync();
        var replicated = await Poll.UntilAsync(async () => await CommandAsync(redis.Servers[1], "GET", "during") is "cut", Failover);

        Assert.Equal(0L, stuck);
        Assert.True(replicated, "the replica did not catch up after the heal");
    }

    [RequiresRedisSentinelFact]
    public async Task IsolateAsync_MasterMachine_MajorityOfSentinelsPromotesTheReplica()
    {
        await using var machines = await FleetCluster.StartAsync(["mainpc", "pc2", "pc3"]);
        await using var redis = await RedisSentinelCluster.StartAsync(Layout(machines));

        await machines.IsolateAsync("mainpc");
        var promoted = await redis.WaitForFailoverAsync(redis.Servers[0], Failover);

        Assert.Same(redis.Servers[1], promoted);
        Assert.True(redis.Servers[0].IsRunning);
    }

    [Fact]
    public async Task StartAsync_QuorumAboveSentinels_ThrowsNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RedisSentinelCluster.StartAsync(new RedisSentinelClusterOptions { Quorum = 4 }));

        Assert.Contains("Quorum 4", error.Message, StringComparison.Ordinal);
    }

    private static RedisSentinelClusterOptions Layout(FleetCluster machines, TimeSpan? downAfter = null) => new()
    {
        Cluster = machines,
        MasterMachine = "mainpc",
        ReplicaMachine = "pc2",
        SentinelMachines = ["mainpc", "pc2", "pc3"],
        DownAfter = downAfter ?? TimeSpan.FromSeconds(1),
    };

    /// <summary>SET then WAIT on one connection (WAIT counts its own connection's writes): how many replicas confirmed.</summary>
    private static async Task<object?> WriteAndWaitAsync(RedisServer server, string key, string value, int waitMs) =>
        (await RespCommand.SendAsync(server.Host, server.Port, [["SET", key, value], ["WAIT", "1", waitMs.ToString(System.Globalization.CultureInfo.InvariantCulture)]], TimeSpan.FromMilliseconds(waitMs) + TimeSpan.FromSeconds(10), CancellationToken.None))[1];

    private static async Task<string?> RoleAsync(RedisServer server) =>
        RespCommand.Info(await CommandAsync(server, "INFO", "replication")).GetValueOrDefault("role");

    private static Task<object?> CommandAsync(RedisServer server, params string[] command) =>
        RespCommand.SendAsync(server.Host, server.Port, command, TimeSpan.FromSeconds(10), CancellationToken.None);
}
