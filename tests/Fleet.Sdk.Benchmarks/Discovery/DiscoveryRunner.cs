using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Benchmarks.Discovery;

/// <summary>
/// End-to-end discovery figures against a real redis-server on loopback: how long a registration
/// takes to reach another machine's watcher (p50/p99), and how many Redis commands one heartbeat
/// of one agent costs (read from Redis's own INFO commandstats).
/// Usage: discovery [SAMPLES] (default 200).
/// </summary>
internal static class DiscoveryRunner
{
    public const string Usage = "[SAMPLES]   registration propagation to another machine's watcher (p50/p99), Redis commands per heartbeat";

    public static async Task<int> RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        await using var redis = await RedisServer.StartAsync();
        var fleet = $"bench{Guid.NewGuid():N}"[..12];

        var mainpcConnection = Connect(redis, fleet);
        var pc2Connection = Connect(redis, fleet);
        using var closeMainpc = (IDisposable)mainpcConnection;
        using var closePc2 = (IDisposable)pc2Connection;
        var metrics = new DiscoveryMetrics(null);
        var mainpc = new RedisDiscoveryProvider(mainpcConnection, metrics, TimeSpan.FromSeconds(2), NullLogger.Instance);
        var pc2 = new RedisDiscoveryProvider(pc2Connection, metrics, TimeSpan.FromSeconds(2), NullLogger.Instance);
        using var pc2Resolver = new ServiceResolver(pc2, new FleetDiscoveryOptions(), "pc2", metrics, TimeProvider.System, NullLogger.Instance);

        // Propagation: mainpc registers a new instance; pc2's watcher reports it.
        using var cts = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var watch = Task.Run(async () =>
        {
            await foreach (var change in pc2Resolver.WatchAsync("Propagation", cts.Token))
            {
                foreach (var added in change.Added)
                {
                    seen.TryAdd(added.InstanceId, Stopwatch.GetTimestamp());
                }
            }
        });

        // The watch is live once it reports a first registration.
        await mainpc.RegisterAsync(new ServiceInstance { ServiceName = "Propagation", InstanceId = "warm-up", Machine = "mainpc" }, "owner", TimeSpan.FromMinutes(1));
        if (!SpinWait.SpinUntil(() => seen.ContainsKey("warm-up"), TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("pc2's watch never reported the warm-up registration");
        }

        var latencies = new List<double>(samples);
        for (var i = 0; i < samples + 10; i++)
        {
            var id = $"i{i}";
            var started = Stopwatch.GetTimestamp();
            await mainpc.RegisterAsync(new ServiceInstance { ServiceName = "Propagation", InstanceId = id, Machine = "mainpc" }, "owner", TimeSpan.FromMinutes(1));
            var deadline = Stopwatch.StartNew();
            while (!seen.ContainsKey(id) && deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Yield();
            }

            if (i >= 10 && seen.TryGetValue(id, out var arrived))
            {
                latencies.Add(Stopwatch.GetElapsedTime(started, arrived).TotalMilliseconds);
            }
        }

        await cts.CancelAsync();
        await watch.ContinueWith(_ => { }, TaskScheduler.Default);
        latencies.Sort();
        Console.WriteLine($"discovery propagation (register on mainpc -> pc2 watcher, loopback Redis, {latencies.Count} samples): " +
                          $"p50 {Percentiles.NearestRank(latencies, 0.50):0.00} ms, p99 {Percentiles.NearestRank(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms");

        // Commands per heartbeat: 50 agents heartbeat 20 times each; Redis counts what it ran.
        var before = await CommandCountAsync(redis);
        const int Agents = 50;
        const int Beats = 20;
        for (var beat = 0; beat < Beats; beat++)
        {
            await Task.WhenAll(Enumerable.Range(0, Agents).Select(a =>
                mainpc.RegisterAsync(new ServiceInstance { ServiceName = "Heartbeat", InstanceId = $"a{a}", Machine = "mainpc" }, $"o{a}", TimeSpan.FromMinutes(1))));
        }

        var after = await CommandCountAsync(redis);
        var perBeat = (after - before - 1) / (double)(Agents * Beats);
        Console.WriteLine($"discovery heartbeat cost: 1 round trip (one EVALSHA) per heartbeat per agent; Redis executes {perBeat:0.00} commands for it (EVALSHA and, inside the script, TIME, GET, SET, ZADD, SADD)");
        return 0;
    }

    private static IFleetRedis Connect(RedisServer redis, string fleet) =>
        new ServiceCollection()
            .AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())
            .AddFleetCoordination(o =>
            {
                o.FleetName = fleet;
                o.Redis.ConnectionString = redis.ConnectionString;
            })
            .BuildServiceProvider()
            .GetRequiredService<IFleetRedis>();


    /// <summary>Total commands Redis has executed (INFO stats total_commands_processed), over a raw connection.</summary>
    private static async Task<long> CommandCountAsync(RedisServer redis)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(redis.Host, redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("INFO stats\r\n"));
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (!text.ToString().Contains("total_commands_processed:", StringComparison.Ordinal) || !text.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var line = text.ToString().Split("\r\n").First(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line["total_commands_processed:".Length..], CultureInfo.InvariantCulture);
    }
}
