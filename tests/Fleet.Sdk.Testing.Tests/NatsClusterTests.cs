using System.Net;
using System.Net.Sockets;
using System.Text;
using Fleet.Sdk.Tests;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>A real three-node nats-server cluster whose routes go through the fault proxy: leader, partitions, kill and restart.</summary>
public sealed class NatsClusterTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [RequiresNatsServerFact]
    public async Task StartAsync_ThreeMachines_ElectsALeaderAgreedByAMajorityWithEveryRouteUp()
    {
        await using var nats = await NatsCluster.StartAsync();

        var leader = await nats.GetMetaLeaderAsync();

        Assert.Contains(leader, nats.Machines);
        foreach (var machine in nats.Machines)
        {
            Assert.True(await Poll.UntilAsync(async () => await nats.GetRouteCountAsync(machine) == 2, Generous), $"{machine} did not route to both other nodes");
        }
    }

    [RequiresNatsServerFact]
    public async Task GetClientUrls_FromAMachine_OwnNodeDirectOthersThroughItsLinks()
    {
        await using var nats = await NatsCluster.StartAsync();

        var urls = nats.GetClientUrls("pc2");

        Assert.Equal(nats.Machines.Count, urls.Count);
        Assert.Equal(nats["pc2"].Url, urls[1]);
        for (var i = 0; i < urls.Count; i++)
        {
            // Every URL greets with the INFO of the node on that machine, proxied or not.
            Assert.Contains($"\"server_name\":\"{nats.Machines[i]}\"", await GreetingAsync(urls[i]), StringComparison.Ordinal);
        }

        var viaLink = nats.Cluster.GetEndPoint("pc2", NatsCluster.ClientService, "mainpc");
        Assert.Equal($"nats://{viaLink.Address}:{viaLink.Port}", urls[0]);
        Assert.NotEqual(nats["mainpc"].Port, viaLink.Port);
    }

    [RequiresNatsServerFact]
    public async Task IsolateAsync_LeaderMachine_ItsRoutesDropAndTheOthersElectAnotherLeader()
    {
        await using var nats = await NatsCluster.StartAsync();
        var leader = await nats.WaitForLeaderAsync(Generous);

        await nats.Cluster.IsolateAsync(leader);

        // Routes go through the proxy, so the cut really separates the node: its routes time out on pings.
        Assert.True(await Poll.UntilAsync(async () => await nats.GetRouteCountAsync(leader) == 0, Generous), "the isolated node kept its routes: cluster traffic bypasses the proxy");
        string? next = null;
        Assert.True(await Poll.UntilAsync(async () => (next = await nats.GetMetaLeaderAsync()) is not null && next != leader, Generous), "the majority did not elect a new leader");

        await nats.Cluster.HealAsync();
        await nats.WaitUntilHealthyAsync(Generous);
        Assert.True(await Poll.UntilAsync(async () => await nats.GetRouteCountAsync(leader) == 2, Generous), "the healed node did not rejoin");
    }

    [RequiresNatsServerFact]
    public async Task KillAsync_Leader_OthersElectAnotherAndRestartWithDataRejoins()
    {
        await using var nats = await NatsCluster.StartAsync();
        var leader = await nats.WaitForLeaderAsync(Generous);

        await nats.KillAsync(leader);

        Assert.False(nats[leader].IsRunning);
        string? next = null;
        Assert.True(await Poll.UntilAsync(async () => (next = await nats.GetMetaLeaderAsync()) is not null && next != leader, Generous), "no new leader after the kill");

        await nats.RestartAsync(leader, keepData: true);
        await nats.WaitUntilHealthyAsync(Generous);
        Assert.True(nats[leader].IsRunning);
        Assert.Contains(await nats.WaitForLeaderAsync(Generous), nats.Machines);
    }

    [RequiresNatsServerFact]
    public async Task StopAsync_Leader_ExitsCleanlyTheOthersLeadAndItRejoinsWithItsData()
    {
        await using var nats = await NatsCluster.StartAsync();
        var leader = await nats.WaitForLeaderAsync(Generous);

        await nats.StopAsync(leader);

        Assert.False(nats[leader].IsRunning);
        Assert.Contains("Server Exiting", await File.ReadAllTextAsync(Path.Combine(nats[leader].DataDirectory, "nats.log")), StringComparison.Ordinal);
        string? next = null;
        Assert.True(await Poll.UntilAsync(async () => (next = await nats.GetMetaLeaderAsync()) is not null && next != leader, Generous), "no other leader after the clean stop");

        await nats.RestartAsync(leader, keepData: true);
        await nats.WaitUntilHealthyAsync(Generous);
        Assert.True(await Poll.UntilAsync(async () => await nats.GetRouteCountAsync(leader) == 2, Generous));
    }

    [RequiresNatsServerFact]
    public async Task StartAsync_DuplicateMachines_FailsNamingTheOption()
    {
        var options = new NatsClusterOptions();
        options.Machines.Clear();
        options.Machines.Add("a");
        options.Machines.Add("a");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => NatsCluster.StartAsync(options));

        Assert.Contains("NatsClusterOptions.Machines", error.Message, StringComparison.Ordinal);
    }

    [RequiresNatsServerFact]
    public async Task Indexer_MachineWithoutNode_FailsListingTheNodes()
    {
        await using var nats = await NatsCluster.StartAsync();
        await nats.Cluster.AddMachineAsync("app");

        var error = Assert.Throws<ArgumentException>(() => nats["app"]);

        Assert.Contains("mainpc, pc2, pc3", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, nats.GetClientUrls("app").Count);
    }

    private static async Task<string> GreetingAsync(string url)
    {
        var uri = new Uri(url);
        using var socket = await Tcp.ConnectAsync(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
        var buffer = new byte[4096];
        var text = new StringBuilder();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!text.ToString().Contains('\n', StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
