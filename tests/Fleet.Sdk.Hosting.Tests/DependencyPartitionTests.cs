using System.Globalization;
using System.Net;
using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>A dependency on another machine, through the fault proxy: lost when the link is cut, back when it heals, without a restart.</summary>
public sealed class DependencyPartitionTests
{
    [Fact]
    public async Task Dependency_LinkCutThenHealed_DegradedThenReady()
    {
        await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
        await using var peer = await TestAgent.StartAsync();
        var port = int.Parse(peer.RpcEndpoint[(peer.RpcEndpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        await cluster.AddServiceAsync("mainpc", "Peer", new IPEndPoint(IPAddress.Loopback, port));
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Fleet:Hosting:Dependencies:Peer:Endpoint"] = $"tcp://{cluster.GetAddress("pc2", "Peer")}",
            ["Fleet:Hosting:DependencyCheckInterval"] = "00:00:00.200",
        });
        Assert.Equal(AgentState.Ready, agent.Agent.State);

        await cluster.PartitionAsync("mainpc", "pc2");
        var degraded = await Poll.UntilAsync(() => agent.Agent.State == AgentState.Degraded, TimeSpan.FromSeconds(20));
        var lost = Assert.Single(agent.Agent.Dependencies);
        await cluster.HealAsync();
        var recovered = await Poll.UntilAsync(() => agent.Agent.State == AgentState.Ready, TimeSpan.FromSeconds(30));

        Assert.True(degraded, "the agent did not notice the lost dependency");
        Assert.False(lost.Available);
        Assert.False(string.IsNullOrEmpty(lost.LastError));
        Assert.True(recovered, $"the agent did not recover after the heal: {agent.Agent.Dependencies[0].LastError}");
        Assert.True(agent.Agent.Dependencies[0].Available);
    }
}
