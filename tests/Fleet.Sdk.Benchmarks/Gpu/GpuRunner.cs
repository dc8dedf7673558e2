using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Benchmarks.Coordination;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Gpu;

/// <summary>
/// Acquire + release round trips against the Redis ledger on a real redis-server (loopback):
/// CLIENTS concurrent clients (default 16), each a scheduler of its own (its own connection, as on
/// separate machines), placing on 3 machines for SECONDS (default 5); prints round trips/s, p50, p99.
/// Usage: gpu [SECONDS] [CLIENTS].
/// </summary>
internal static class GpuRunner
{
    public const string Usage = "[SECONDS] [CLIENTS]   acquire+release round trips/s, p50 and p99 against the Redis ledger (default 5 s, 16 clients)";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        await using var redis = await RedisServer.StartAsync();
        var fleet = $"bench{Guid.NewGuid():N}"[..12];
        var settings = EngineSetup.Redis(redis.ConnectionString);
        settings["Fleet:Coordination:FleetName"] = fleet;
        var providers = Enumerable.Range(0, clients).Select(i => GpuClients.Build(GpuLedgerKind.Redis, settings, $"client{i}", reportThisMachine: true)).ToList();
        try
        {
            var schedulers = providers.Select(p => p.GetRequiredService<IGpuScheduler>()).ToList();

            // Warm up: connections, script cache, JIT.
            foreach (var scheduler in schedulers)
            {
                await using var lease = (await scheduler.AcquireAsync(new GpuRequest("warmup", 1024))).Lease!;
            }

            var latencies = new List<double>[clients];
            var refusals = 0;
            var stop = Stopwatch.StartNew();
            var duration = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
            {
                var random = new Random(i);
                var own = latencies[i] = new List<double>(100_000);
                while (stop.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = await schedulers[i].AcquireAsync(new GpuRequest($"w{i}", random.Next(512, 4096)));
                    if (result.Lease is { } lease)
                    {
                        await lease.DisposeAsync();
                        own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref refusals);
                    }
                }
            })));
            var elapsed = stop.Elapsed;

            var all = latencies.SelectMany(l => l).Order().ToList();
            Console.WriteLine($"GPU ledger (Redis, loopback), {clients} concurrent clients, {elapsed.TotalSeconds:0.0} s, 3 machines / 3 GPUs:");
            Console.WriteLine($"  acquire+release round trips: {all.Count} ({all.Count / elapsed.TotalSeconds:0} /s), refused (full) {refusals}");
            Console.WriteLine($"  latency per round trip: p50 {Percentiles.Of(all, 0.50):0.00} ms, p99 {Percentiles.Of(all, 0.99):0.00} ms, max {all[^1]:0.00} ms");
            return 0;
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
