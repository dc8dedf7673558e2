using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Events;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// Three machines on Redis with Sentinel: mainpc runs the master and a sentinel, pc2 the replica and a
/// sentinel, pc3 the third sentinel; each machine runs an agent host (discovery, GPU scheduling, durable
/// streams) that reaches the sentinels and the servers through its own links. It keeps the books the
/// partition scenarios check: every durable append that was acknowledged, every GPU grant with its fencing
/// token, and the ledger's reservations sampled against capacity.
/// </summary>
internal sealed class RedisSentinelFleet : IAsyncDisposable
{
    public const string Stream = "jobs";
    public static readonly string[] Machines = ["mainpc", "pc2", "pc3"];
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>The workload's pace: how long a contender holds a granted lease, how often it asks, how often the ledger is sampled.</summary>
    private static readonly TimeSpan HoldLease = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan ContendEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, IHost> _hosts = [];
    private readonly List<TempDirectory> _roots = [];
    private readonly ConcurrentDictionary<string, byte> _acknowledged = new();
    private readonly ConcurrentBag<(string Gpu, long Token)> _grants = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private int _overCommitted;
    private int _next;

    private RedisSentinelFleet(FleetCluster cluster, RedisSentinelCluster redis)
    {
        Cluster = cluster;
        Redis = redis;
    }

    public FleetCluster Cluster { get; }

    public RedisSentinelCluster Redis { get; }

    /// <summary>Gets the number of acknowledged appends.</summary>
    public int Acknowledged => _acknowledged.Count;

    /// <summary>Gets how many ledger samples showed more VRAM reserved on a GPU than it has (must stay 0).</summary>
    public int OverCommitted => Volatile.Read(ref _overCommitted);

    /// <summary>Gets how many grants reused a fencing token another grant on the same GPU had: a grant was lost and issued again (must stay 0).</summary>
    public int ReissuedTokens => _grants.GroupBy(g => g).Count(g => g.Count() > 1);

    public static async Task<RedisSentinelFleet> StartAsync()
    {
        var cluster = await FleetCluster.StartAsync(Machines);
        RedisSentinelCluster? redis = null;
        try
        {
            redis = await RedisSentinelCluster.StartAsync(new RedisSentinelClusterOptions
            {
                Cluster = cluster,
                MasterMachine = "mainpc",
                ReplicaMachine = "pc2",
                SentinelMachines = Machines,
            });
            var fleet = new RedisSentinelFleet(cluster, redis);
            var name = $"s{Guid.NewGuid():N}"[..10];
            foreach (var machine in Machines)
            {
                var root = new TempDirectory();
                fleet._roots.Add(root);
                var settings = new Dictionary<string, string?>(redis.GetCoordinationSettings(machine))
                {
                    ["Fleet:Coordination:FleetName"] = name,
                    ["Fleet:Coordination:Redis:ConnectTimeout"] = "00:00:02",
                    ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:01",
                    ["Fleet:Discovery:Machine"] = machine,
                    ["Fleet:Coordination:Redis:ReplicaAckTimeout"] = "00:00:01",
                    ["Fleet:Discovery:Ttl"] = "00:00:03",
                    ["Fleet:Discovery:HeartbeatInterval"] = "00:00:00.500",
                    ["Fleet:Gpu:LeaseTtl"] = "00:00:03",
                    ["Fleet:Gpu:RenewInterval"] = "00:00:00.500",
                    ["Fleet:Gpu:PreemptionGrace"] = "00:00:01",
                    ["Fleet:Gpu:RetryInterval"] = "00:00:00.100",
                    ["Fleet:Gpu:Devices:0:Machine"] = "mainpc",
                    ["Fleet:Gpu:Devices:0:Name"] = "RTX 4090",
                    ["Fleet:Gpu:Devices:0:VramMib"] = "24576",
                    ["Fleet:Gpu:Devices:1:Machine"] = "pc2",
                    ["Fleet:Gpu:Devices:1:Name"] = "RTX 3060",
                    ["Fleet:Gpu:Devices:1:VramMib"] = "12288",
                    ["Fleet:Events:Durable:OperationTimeout"] = "00:00:01",
                    ["Fleet:Events:Durable:AppendDeadline"] = "00:00:03",
                };
                fleet._hosts[machine] = await ClusterHost.StartAsync(root.Path, settings, static services =>
                {
                    services.AddFleetGpuScheduling();
                    services.AddFleetDurableStreams();
                });
            }

            return fleet;
        }
        catch
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            await cluster.DisposeAsync();
            throw;
        }
    }

    public IDurableStreams Streams(string machine) => _hosts[machine].Services.GetRequiredService<IDurableStreams>();

    public IGpuScheduler Gpu(string machine) => _hosts[machine].Services.GetRequiredService<IGpuScheduler>();

    public IServiceResolver Resolver(string machine) => _hosts[machine].Services.GetRequiredService<IServiceResolver>();

    public IFleetRedis Connection(string machine) => _hosts[machine].Services.GetRequiredService<IFleetRedis>();

    /// <summary>Waits until every machine sees all three machines live and can append.</summary>
    public async Task WaitUntilSettledAsync()
    {
        foreach (var machine in Machines)
        {
            Assert.True(await Poll.UntilAsync(async () => await TryAppendAsync(machine) is null, Deadline), $"{machine} could not append");
        }

        Assert.True(
            await Poll.UntilAsync(async () => (await Gpu("pc3").GetStatusAsync()).All(s => s.MachineLive), Deadline),
            "pc3 should see mainpc and pc2 live");
    }

    /// <summary>Appends one event from <paramref name="machine"/>; <see langword="null"/> when acknowledged (and booked), else the error.</summary>
    public async Task<Exception?> TryAppendAsync(string machine)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{machine}-{Interlocked.Increment(ref _next)}");
        try
        {
            await Streams(machine).Open(Stream).AppendAsync(id, idempotencyKey: id);
            _acknowledged[id] = 0;
            return null;
        }
        catch (DurableStreamUnavailableException ex)
        {
            return ex;
        }
    }

    /// <summary>Appends <paramref name="count"/> acknowledged events from <paramref name="machine"/> (each retried until acknowledged).</summary>
    public async Task AppendAsync(string machine, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await Poll.UntilAsync(async () => await TryAppendAsync(machine) is null, Deadline), $"{machine} could not append");
        }
    }

    /// <summary>Polls appends from <paramref name="machine"/> until one is acknowledged; the time since <paramref name="since"/>.</summary>
    public async Task<TimeSpan> FirstAppendAsync(string machine, Stopwatch since)
    {
        Assert.True(await Poll.UntilAsync(async () => await TryAppendAsync(machine) is null, Deadline, TimeSpan.FromMilliseconds(50)), $"{machine} never appended again");
        return since.Elapsed;
    }

    /// <summary>Polls a plain write (no replica confirmation) from <paramref name="machine"/> until one succeeds; the time since <paramref name="since"/>.</summary>
    public async Task<TimeSpan> FirstPlainWriteAsync(string machine, Stopwatch since)
    {
        var connection = Connection(machine);
        Assert.True(
            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        await connection.EvaluateAsync("return redis.call('INCR', KEYS[1])", [connection.KeyPrefix + "probe"], [], TimeSpan.FromMilliseconds(500));
                        return true;
                    }
                    catch (CoordinationUnavailableException)
                    {
                        return false;
                    }
                },
                Deadline,
                TimeSpan.FromMilliseconds(20)),
            $"{machine} never wrote again");
        return since.Elapsed;
    }

    /// <summary>Every machine competes for one 14 GiB lease that only mainpc's 24 GiB GPU fits, holding it 300 ms; the ledger is sampled for over-commit.</summary>
    public void StartGpuContention()
    {
        foreach (var machine in Machines)
        {
            _workers.Add(Task.Run(() => ContendAsync(machine, _stop.Token)));
        }

        _workers.Add(Task.Run(() => SampleLedgerAsync(_stop.Token)));
    }

    /// <summary>Reads the whole stream through a new consumer group (it starts at the beginning) and counts acknowledged events missing from it.</summary>
    public async Task<int> CountLostAsync(string machine)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var consumer = Streams(machine).Open(Stream).CreateConsumer($"audit{Guid.NewGuid():N}"[..13], "auditor");
        var idle = 0;
        while (idle < 3)
        {
            var batch = await consumer.ReadAsync(500, TimeSpan.FromMilliseconds(200));
            idle = batch.Count == 0 ? idle + 1 : 0;
            foreach (var e in batch)
            {
                seen.Add(e.Payload);
                await consumer.AckAsync(e);
            }
        }

        return _acknowledged.Keys.Count(id => !seen.Contains(id));
    }

    public async Task StopWorkloadAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _workers.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopWorkloadAsync();
        foreach (var host in _hosts.Values)
        {
            await host.StopAsync();
            host.Dispose();
        }

        foreach (var root in _roots)
        {
            root.Dispose();
        }

        await Redis.DisposeAsync();
        await Cluster.DisposeAsync();
        _stop.Dispose();
    }

    private async Task ContendAsync(string machine, CancellationToken stop)
    {
        var request = new GpuRequest("llm", 14336, Rules: new GpuPlacementRules { PreferredMachine = "mainpc" });
        using var pace = new PeriodicTimer(ContendEvery);
        while (await NextAsync(pace, stop))
        {
            try
            {
                var result = await Gpu(machine).AcquireAsync(request);
                if (result.Lease is { } lease)
                {
                    _grants.Add((string.Create(CultureInfo.InvariantCulture, $"{lease.Machine}/{lease.GpuIndex}"), lease.FencingToken));
                    await Task.Delay(HoldLease, CancellationToken.None);
                    await lease.DisposeAsync();
                }
            }
            catch (GpuLedgerUnavailableException)
            {
                // This machine cannot reach the ledger now: nothing was granted; try again.
                await Task.Yield();
            }
        }
    }

    private async Task SampleLedgerAsync(CancellationToken stop)
    {
        using var pace = new PeriodicTimer(SampleEvery);
        while (await NextAsync(pace, stop))
        {
            foreach (var machine in Machines)
            {
                try
                {
                    foreach (var gpu in await Gpu(machine).GetStatusAsync(CancellationToken.None))
                    {
                        if (gpu.ReservedMib > gpu.CapacityMib - gpu.SafetyMarginMib)
                        {
                            Interlocked.Increment(ref _overCommitted);
                        }
                    }
                }
                catch (GpuLedgerUnavailableException)
                {
                    // This machine cannot read the ledger now; the others are sampled.
                    await Task.Yield();
                }
            }
        }
    }

    /// <summary>Waits for the workload's next step; false once <paramref name="stop"/> is signalled.</summary>
    private static async Task<bool> NextAsync(PeriodicTimer pace, CancellationToken stop)
    {
        try
        {
            return await pace.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
