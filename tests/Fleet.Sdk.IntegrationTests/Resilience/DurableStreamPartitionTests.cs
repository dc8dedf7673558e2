using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Events;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Resilience;

/// <summary>
/// Durable streams with Redis behind the fault proxy: a producer on pc2 appends 150 events while
/// Redis or the link to it fails; consumers of one group on mainpc and pc2 acknowledge them. Each
/// test checks that every event is acknowledged exactly once by its group, that nothing stays
/// pending, that no call waits past its deadline, and that everything resumes by itself.
/// </summary>
[Trait("Category", "Partition")]
[Collection(ResilienceCollection.Name)]
public sealed class DurableStreamPartitionTests(ITestOutputHelper output)
{
    private const int Events = 150;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [RequiresLocalRedisServerFact]
    public async Task Pc2CutFromRedisWhileAppending_EveryEventDeliveredExactlyOnce()
    {
        await using var fleet = await DurableFleet.StartAsync();

        var recovery = await fleet.RunAsync(
            faultAfter: 50,
            fault: () => fleet.Cluster.PartitionAsync("pc2", "redis"),
            heal: () => fleet.Cluster.HealAsync());

        await fleet.AssertExactlyOnceAsync(output, "pc2 cut from Redis (2 s) during appends", recovery);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisKilledAndRestartedWithItsData_EveryEventDeliveredExactlyOnce()
    {
        await using var fleet = await DurableFleet.StartAsync();

        var recovery = await fleet.RunAsync(
            faultAfter: 50,
            fault: () => fleet.Redis.KillAsync(),
            heal: () => fleet.Redis.RestartAsync(keepData: true));

        await fleet.AssertExactlyOnceAsync(output, "Redis killed, restarted with its AOF (2 s)", recovery);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisPaused_CallsEndAtTheirDeadlineAndEveryEventIsDeliveredAfterResume()
    {
        await using var fleet = await DurableFleet.StartAsync();

        var recovery = await fleet.RunAsync(
            faultAfter: 50,
            fault: () => fleet.Redis.PauseAsync(),
            heal: () => fleet.Redis.ResumeAsync());

        await fleet.AssertExactlyOnceAsync(output, "Redis paused (SIGSTOP, 2 s)", recovery);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisRestartedEmpty_StreamAndGroupComeBackByThemselvesAndNewEventsFlow()
    {
        await using var fleet = await DurableFleet.StartAsync();
        var before = fleet.Streams("pc2").Open(DurableFleet.StreamName);
        await before.AppendAsync("before", "before");

        var watch = Stopwatch.StartNew();
        await fleet.Redis.RestartAsync(keepData: false);

        // Events stored only in the lost data are gone with it (docs/resilience.md: run Redis with its AOF);
        // what is appended afterwards flows without anyone recreating the stream or the group.
        var recovery = await fleet.RunAsync(faultAfter: -1, fault: null, heal: null);
        await fleet.AssertExactlyOnceAsync(output, "Redis restarted empty", recovery);
        ResilienceReport.Record(output, "Redis restarted empty", "first append stored again after", fleet.FirstAppendAfter(watch), "ms");
    }

    /// <summary>Redis on its own machine, a host with durable streams on mainpc and on pc2.</summary>
    private sealed class DurableFleet : IAsyncDisposable
    {
        public const string StreamName = "jobs";
        private const string Group = "workers";
        private readonly Dictionary<string, IHost> _hosts = [];
        private readonly List<TempDirectory> _roots = [];
        private readonly ConcurrentDictionary<string, int> _acked = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _slowestCallMs;
        private long _firstAppendAt = -1;

        private DurableFleet(RedisServer redis, FleetCluster cluster)
        {
            Redis = redis;
            Cluster = cluster;
        }

        public RedisServer Redis { get; }

        public FleetCluster Cluster { get; }

        public static async Task<DurableFleet> StartAsync()
        {
            var redis = await RedisServer.StartAsync();
            var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
            await cluster.AddRedisAsync(redis);
            var fleet = new DurableFleet(redis, cluster);
            var name = $"d{Guid.NewGuid():N}"[..10];
            foreach (var machine in new[] { "mainpc", "pc2" })
            {
                var root = new TempDirectory();
                fleet._roots.Add(root);
                fleet._hosts[machine] = await ClusterHost.StartAsync(
                    cluster,
                    machine,
                    name,
                    root.Path,
                    new Dictionary<string, string?>
                    {
                        ["Fleet:Events:Durable:OperationTimeout"] = "00:00:01",
                        ["Fleet:Events:Durable:ClaimAfter"] = "00:00:05",
                        ["Fleet:Events:Durable:AckDeadline"] = "00:00:04",
                    },
                    static services => services.AddFleetDurableStreams());
            }

            return fleet;
        }

        public IDurableStreams Streams(string machine) => _hosts[machine].Services.GetRequiredService<IDurableStreams>();

        public long FirstAppendAfter(Stopwatch since) => _firstAppendAt < 0 ? -1 : _firstAppendAt - (_clock.ElapsedMilliseconds - since.ElapsedMilliseconds);

        /// <summary>Appends the events from pc2 with consumers on both machines; the fault starts after <paramref name="faultAfter"/> appends and heals 2 s later. Returns the ms from the heal until every event was acknowledged.</summary>
        public async Task<long> RunAsync(int faultAfter, Func<Task>? fault, Func<Task>? heal)
        {
            using var stop = new CancellationTokenSource();
            var consumers = new[] { ("mainpc", "c-main"), ("pc2", "c-pc2") }.Select(c => Task.Run(() => ConsumeAsync(c.Item1, c.Item2, stop.Token))).ToArray();
            var producer = Streams("pc2").Open(StreamName);
            Task? healing = null;
            var healedAt = 0L;
            for (var i = 0; i < Events; i++)
            {
                if (i == faultAfter && fault is not null)
                {
                    await fault();
                    healing = Task.Run(async () =>
                    {
                        await Task.Delay(TimeSpan.FromSeconds(2));
                        await heal!();
                        Interlocked.Exchange(ref healedAt, _clock.ElapsedMilliseconds);
                    });
                }

                await producer.AppendAsync(i.ToString(CultureInfo.InvariantCulture), idempotencyKey: $"event-{i}");
                Interlocked.CompareExchange(ref _firstAppendAt, _clock.ElapsedMilliseconds, -1);
            }

            if (healing is not null)
            {
                await healing;
            }

            var done = await Poll.UntilAsync(() => _acked.Count == Events, Deadline);
            var recovery = _clock.ElapsedMilliseconds - Interlocked.Read(ref healedAt);
            await stop.CancelAsync();
            await Task.WhenAll(consumers);
            Assert.True(done, $"{_acked.Count} of {Events} events acknowledged");
            return recovery;
        }

        public async Task AssertExactlyOnceAsync(ITestOutputHelper output, string scenario, long recovery)
        {
            Assert.Equal(Enumerable.Range(0, Events).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), _acked.Keys.Order());
            Assert.All(_acked, pair => Assert.Equal(1, pair.Value));
            var info = await Streams("mainpc").Open(StreamName).GetInfoAsync(Group);
            Assert.Equal(0, info.Pending);
            Assert.True(_slowestCallMs < 8000, $"a durable stream call took {_slowestCallMs} ms; reads end at their 1 s operation timeout and acknowledgements retry for at most 4 s");
            ResilienceReport.Record(output, scenario, "every event acknowledged once, after the heal, in", recovery, "ms");
            ResilienceReport.Record(output, scenario, "slowest read, or acknowledgement with its retries (deadline 4 s)", _slowestCallMs, "ms");
        }

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

            await Cluster.DisposeAsync();
            await Redis.DisposeAsync();
        }

        private async Task ConsumeAsync(string machine, string name, CancellationToken stop)
        {
            using var consumer = Streams(machine).Open(StreamName).CreateConsumer(Group, name);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    foreach (var e in await Timed(() => consumer.ReadAsync(20, TimeSpan.FromMilliseconds(200))))
                    {
                        if (await Timed(() => consumer.AckAsync(e)))
                        {
                            _acked.AddOrUpdate(e.Payload, 1, (_, n) => n + 1);
                        }
                    }
                }
                catch (DurableStreamUnavailableException)
                {
                    // Redis is away: nothing was delivered or acknowledged; the event stays pending and comes back.
                }
            }
        }

        private async Task<T> Timed<T>(Func<Task<T>> call)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                return await call();
            }
            finally
            {
                var ms = watch.ElapsedMilliseconds;
                if (ms > Interlocked.Read(ref _slowestCallMs))
                {
                    Interlocked.Exchange(ref _slowestCallMs, ms);
                }
            }
        }
    }
}
