using Fleet.Sdk.Config;
using Fleet.Sdk.Events;
using Fleet.Sdk.IntegrationTests.Resilience;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// Durable streams on Redis with Sentinel (a master, one replica, three sentinels) and replica confirmation
/// (<c>MinReplicaAcks</c> 1, the Sentinel default): producers on two hosts append keyed events while the master
/// is killed. Each scenario counts acknowledged events that were lost (0) and events stored twice (0).
/// </summary>
[Trait("Category", "Partition")]
[Collection(ResilienceCollection.Name)]
public sealed class RedisStreamPartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [RequiresRedisSentinelFact]
    public async Task MasterKilledThenRestartedAsAReplica_AppendsWaitForAReplicaAndNoAcknowledgedEventIsLost()
    {
        await using var sentinel = await RedisSentinelCluster.StartAsync();
        await using var fleet = await RedisStreamFleet.StartAsync(sentinel);
        using var stop = new CancellationTokenSource();
        var producers = RedisStreamFleet.Machines.Select(m => Task.Run(() => fleet.Workload.ProduceAsync(fleet.Stream(m), m, stop.Token))).ToArray();
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.Acknowledged >= 30, Deadline), "appends did not start");

        var killedAt = fleet.Workload.Now;
        var killed = await sentinel.KillMasterAsync();
        await sentinel.WaitForFailoverAsync(killed, Deadline);
        var failedOverAt = fleet.Workload.Now;

        // With its only replica gone the new master cannot confirm a write on a replica: appends wait (retrying
        // within their deadline) until the old master is back as its replica; none is acknowledged unconfirmed.
        await killed.RestartAsync(keepData: true);
        await sentinel.WaitForReplicasAsync(Deadline);
        var rejoinedAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => RedisStreamFleet.Machines.All(m => fleet.Workload.AcknowledgedSince(m, rejoinedAt) >= 10), Deadline), "appends did not resume once the old master was a replica again");
        await stop.CancelAsync();
        await Task.WhenAll(producers);

        await fleet.Workload.RetryFailedAsync(fleet.Stream("mainpc"), Deadline);
        ResilienceReport.Record(output, "Redis+Sentinel: master killed", "failover (sentinels agree on the new master) after the kill", failedOverAt - killedAt, "ms");
        ResilienceReport.Record(output, "Redis+Sentinel: master killed", "first replica-confirmed append after the kill (old master restarted as replica)", fleet.Workload.FirstAcknowledgedAfter(killedAt), "ms");
        await fleet.Workload.AssertNothingLostAsync(fleet.Stream("pc2"), output, "Redis+Sentinel: master killed, restarted as a replica", Deadline);
    }

    /// <summary>One agent host with durable streams per machine, on the Sentinel deployment.</summary>
    private sealed class RedisStreamFleet : IAsyncDisposable
    {
        public static readonly string[] Machines = ["mainpc", "pc2"];
        private readonly Dictionary<string, IHost> _hosts = [];
        private readonly List<TempDirectory> _roots = [];

        public StreamLossWorkload Workload { get; } = new();

        public static async Task<RedisStreamFleet> StartAsync(RedisSentinelCluster sentinel)
        {
            var fleet = new RedisStreamFleet();
            var name = $"s{Guid.NewGuid():N}"[..10];
            foreach (var machine in Machines)
            {
                var root = new TempDirectory();
                fleet._roots.Add(root);
                var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.Path });
                builder.Configuration.AddInMemoryCollection(sentinel.GetCoordinationSettings());
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Fleet:Coordination:FleetName"] = name,
                    ["Fleet:Coordination:Redis:ConnectTimeout"] = "00:00:01",
                    ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:01",
                    ["Fleet:Coordination:Redis:MinReplicaAcks"] = "1",
                    ["Fleet:Discovery:Machine"] = machine,
                    ["Fleet:Events:Durable:OperationTimeout"] = "00:00:01",
                    ["Fleet:Events:Durable:ClaimAfter"] = "00:00:05",
                    ["Fleet:Events:Durable:AckDeadline"] = "00:00:04",
                });
                builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
                builder.Services.AddFleetDurableStreams();
                var host = builder.Build();
                fleet._hosts[machine] = host;
                await host.StartAsync();
            }

            return fleet;
        }

        public DurableStream Stream(string machine) => _hosts[machine].Services.GetRequiredService<IDurableStreams>().Open(StreamLossWorkload.StreamName);

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _hosts.Values)
            {
                await host.StopAsync();
                host.Dispose();
            }

            foreach (var root in _roots)
            {
                root.Dispose();
            }
        }
    }
}
