using Fleet.Sdk.Config;
using Fleet.Sdk.Events;
using Fleet.Sdk.IntegrationTests.Resilience;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
        await using var fleet = await RedisStreamFleet.StartAsync(sentinel, output);
        using var stop = new CancellationTokenSource();
        var producers = fleet.Machines.Select(m => Task.Run(() => fleet.Workload.ProduceAsync(fleet.Stream(m), m, stop.Token))).ToArray();
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
        Assert.True(await Poll.UntilAsync(() => fleet.Machines.All(m => fleet.Workload.AcknowledgedSince(m, rejoinedAt) >= 10), Deadline), $"appends did not resume once the old master was a replica again: {fleet.Workload.Progress(rejoinedAt)}");
        await stop.CancelAsync();
        await Task.WhenAll(producers);

        await fleet.Workload.RetryFailedAsync(fleet.Stream("mainpc"), Deadline);
        ResilienceReport.Record(output, "Redis+Sentinel: master killed", "failover (sentinels agree on the new master) after the kill", failedOverAt - killedAt, "ms");
        ResilienceReport.Record(output, "Redis+Sentinel: master killed", "first replica-confirmed append after the kill (old master restarted as replica)", fleet.Workload.FirstAcknowledgedAfter(killedAt), "ms");
        await fleet.Workload.AssertNothingLostAsync(fleet.Stream("pc2"), output, "Redis+Sentinel: master killed, restarted as a replica", Deadline);
    }

    [RequiresRedisSentinelFact]
    public async Task MasterMachineIsolatedWithAClient_ItsAppendsFailUnconfirmedAndNothingIsLostAfterHeal()
    {
        // mainpc: the master, a sentinel and a client; pc2: the replica, a sentinel, a client; pc3: a sentinel, a client.
        await using var machines = await FleetCluster.StartAsync(["mainpc", "pc2", "pc3"]);
        await using var sentinel = await RedisSentinelCluster.StartAsync(new RedisSentinelClusterOptions
        {
            Cluster = machines,
            MasterMachine = "mainpc",
            ReplicaMachine = "pc2",
            SentinelMachines = ["mainpc", "pc2", "pc3"],
        });
        await using var fleet = await RedisStreamFleet.StartAsync(sentinel, output, ["mainpc", "pc2", "pc3"]);
        using var stop = new CancellationTokenSource();
        var producers = fleet.Machines.Select(m => Task.Run(() => fleet.Workload.ProduceAsync(fleet.Stream(m), m, stop.Token))).ToArray();
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.Acknowledged >= 30, Deadline), "appends did not start");

        // The minority (the master's machine) still has its master and a client that writes to it: a split brain.
        await machines.IsolateAsync("mainpc");
        var cutAt = fleet.Workload.Now;
        await sentinel.WaitForFailoverAsync(sentinel.Servers[0], Deadline);
        var failedOverAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.FailedSince("mainpc", failedOverAt).Count >= 2, Deadline), "the isolated client's appends did not fail");
        var (failedOnMinority, slowestFailure) = fleet.Workload.FailedSince("mainpc", failedOverAt);
        Assert.Equal(0, fleet.Workload.AcknowledgedSince("mainpc", failedOverAt));
        Assert.InRange(slowestFailure, 0, (long)(RedisStreamFleet.AppendDeadline + TimeSpan.FromSeconds(5)).TotalMilliseconds);

        await machines.HealAsync();
        await sentinel.WaitForReplicasAsync(Deadline);
        var healedAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => fleet.Machines.All(m => fleet.Workload.AcknowledgedSince(m, healedAt) >= 5), Deadline), $"appends did not resume on every machine after the heal: {fleet.Workload.Progress(healedAt)}");
        await stop.CancelAsync();
        await Task.WhenAll(producers);

        await fleet.Workload.RetryFailedAsync(fleet.Stream("pc2"), Deadline);
        ResilienceReport.Record(output, "Redis+Sentinel: master's machine isolated", "failover after the cut", failedOverAt - cutAt, "ms");
        ResilienceReport.Record(output, "Redis+Sentinel: master's machine isolated", $"slowest failed append on the minority ({failedOnMinority} failed, deadline {RedisStreamFleet.AppendDeadline.TotalSeconds:0} s)", slowestFailure, "ms");
        await fleet.Workload.AssertNothingLostAsync(fleet.Stream("pc3"), output, "Redis+Sentinel: master's machine isolated, then healed", Deadline);
    }

    /// <summary>
    /// One agent host with durable streams per machine, on the Sentinel deployment. What the hosts' Fleet.Sdk
    /// components logged goes to the test's output when the fleet is disposed (xunit shows it for a failed test).
    /// </summary>
    private sealed class RedisStreamFleet(ITestOutputHelper output) : IAsyncDisposable
    {
        public static readonly TimeSpan AppendDeadline = TimeSpan.FromSeconds(4);
        private readonly Dictionary<string, IHost> _hosts = [];
        private readonly Dictionary<string, ListLoggerProvider> _logs = [];
        private readonly List<TempDirectory> _roots = [];

        public StreamLossWorkload Workload { get; } = new();

        public IReadOnlyList<string> Machines => [.. _hosts.Keys];

        public static async Task<RedisStreamFleet> StartAsync(RedisSentinelCluster sentinel, ITestOutputHelper output, string[]? machines = null)
        {
            var fleet = new RedisStreamFleet(output);
            var name = $"s{Guid.NewGuid():N}"[..10];
            foreach (var machine in machines ?? ["mainpc", "pc2"])
            {
                var root = new TempDirectory();
                fleet._roots.Add(root);
                var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.Path });
                builder.Configuration.AddInMemoryCollection(sentinel.GetCoordinationSettings(sentinel.Cluster is null ? null : machine));
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
                    ["Fleet:Events:Durable:AppendDeadline"] = machines is null ? "00:00:30" : AppendDeadline.ToString(),
                });
                builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
                var logs = new ListLoggerProvider();
                fleet._logs[machine] = logs;
                builder.Logging.AddProvider(logs).AddFilter((category, _) => category?.StartsWith("Fleet.Sdk", StringComparison.Ordinal) == true);
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

            foreach (var entry in _logs.SelectMany(l => l.Value.Entries.Select(e => (Machine: l.Key, Entry: e))).OrderBy(e => e.Entry.At))
            {
                output.WriteLine($"{entry.Entry.At:HH:mm:ss.fff} {entry.Machine} {entry.Entry.Level} {entry.Entry.EventId.Id} {entry.Entry.Message}");
            }
        }
    }
}
