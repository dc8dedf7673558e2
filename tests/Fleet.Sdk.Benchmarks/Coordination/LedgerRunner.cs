using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Benchmarks.Gpu;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Coordination;

/// <summary>
/// GPU lease acquire and release, every ledger side by side in one run: in-process, Redis (one redis-server),
/// NATS with one replica (one nats-server) and NATS with three replicas (a three-node cluster; links to the other
/// nodes cross the fault proxy). CLIENTS concurrent clients (default 4), each a scheduler of its own (its own
/// connection, as on separate machines), place on 3 machines for SECONDS (default 5) per ledger; prints acquire
/// and release p50/p99 and operations per second (an acquire and a release are two operations).
/// Usage: ledger [SECONDS] [CLIENTS].
/// </summary>
internal static class LedgerRunner
{
    public const string Usage = "[SECONDS] [CLIENTS]   lease acquire and release p50/p99 and ops/s: in-process, Redis, NATS R1 and NATS R3 (default 5 s, 4 clients)";

    private static readonly Dictionary<string, string?> EmptySettings = [];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var duration = TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"GPU lease ledger, {clients} concurrent clients (own connection each), {seconds:0.#} s per ledger, 3 machines / 3 GPUs, loopback:");
        Console.WriteLine($"  {"ledger",-22} {"acquire p50",12} {"p99",9} {"release p50",12} {"p99",9} {"ops/s",8} {"refused",8}");

        var inProcess = GpuClients.Build(GpuLedgerKind.InProcess, EmptySettings, "p", reportThisMachine: false);
        var shared = inProcess.GetRequiredService<IGpuLedger>();
        await MeasureAsync("in-process", Enumerable.Range(0, clients).Select(_ => GpuClients.Build(GpuLedgerKind.InProcess, EmptySettings, "p", reportThisMachine: false, shared)).ToList(), duration);
        await inProcess.DisposeAsync();

        await using (var redis = await RedisServer.StartAsync())
        {
            await MeasureAsync("redis", Clients(clients, GpuLedgerKind.Redis, _ => EngineSetup.Redis(redis.ConnectionString)), duration);
        }

        await using (var nats = await NatsServer.StartAsync())
        {
            await MeasureAsync("nats, 1 replica", Clients(clients, GpuLedgerKind.Nats, _ => EngineSetup.Nats(nats.Url)), duration);
        }

        await using (var cluster = await NatsCluster.StartAsync())
        {
            await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            await MeasureAsync("nats, 3 replicas", Clients(clients, GpuLedgerKind.Nats, i => EngineSetup.Nats(cluster.GetServers(cluster.Machines[i % cluster.Machines.Count]))), duration);
        }

        return 0;
    }

    private static List<ServiceProvider> Clients(int count, GpuLedgerKind kind, Func<int, Dictionary<string, string?>> engine)
    {
        var fleet = $"bench{Guid.NewGuid():N}"[..12];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var settings = engine(i);
            settings["Fleet:Coordination:FleetName"] = fleet;
            return GpuClients.Build(kind, settings, $"client{i}", reportThisMachine: false);
        })];
    }

    private static async Task MeasureAsync(string name, List<ServiceProvider> providers, TimeSpan duration)
    {
        try
        {
            var schedulers = providers.Select(p => p.GetRequiredService<IGpuScheduler>()).ToList();
            foreach (var scheduler in schedulers)
            {
                // Warm up: connections, the bucket or script cache, JIT; a cluster just started may still be electing.
                var warm = 0;
                var deadline = Stopwatch.StartNew();
                while (warm < 20)
                {
                    try
                    {
                        await using var lease = (await scheduler.AcquireAsync(new GpuRequest("warmup", 1024))).Lease;
                        warm++;
                    }
                    catch (GpuLedgerUnavailableException ex) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
                    {
                        Console.Error.WriteLine($"  ({name}: warming up, {ex.GetType().Name})");
                    }
                }
            }

            var acquires = new List<double>[schedulers.Count];
            var releases = new List<double>[schedulers.Count];
            var refused = 0;
            var stop = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, schedulers.Count).Select(i => Task.Run(async () =>
            {
                var random = new Random(i);
                acquires[i] = new List<double>(100_000);
                releases[i] = new List<double>(100_000);
                while (stop.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = await schedulers[i].AcquireAsync(new GpuRequest($"w{i}", random.Next(512, 4096)));
                    if (result.Lease is not { } lease)
                    {
                        Interlocked.Increment(ref refused);
                        continue;
                    }

                    acquires[i].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    started = Stopwatch.GetTimestamp();
                    await lease.ReleaseAsync();
                    releases[i].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })));
            var elapsed = stop.Elapsed;
            var acquired = acquires.SelectMany(l => l).Order().ToList();
            var released = releases.SelectMany(l => l).Order().ToList();
            var ops = (acquired.Count + released.Count) / elapsed.TotalSeconds;
            Console.WriteLine($"  {name,-22} {Percentiles.Of(acquired, 0.50),9:0.00} ms {Percentiles.Of(acquired, 0.99),6:0.00} ms {Percentiles.Of(released, 0.50),9:0.00} ms {Percentiles.Of(released, 0.99),6:0.00} ms {ops,8:0} {refused,8}");
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }
}
