using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Events;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Coordination;

/// <summary>
/// Durable append-and-consume throughput on every engine, side by side in one run: in-process, Redis
/// (standalone, no replica confirmation), Redis with Sentinel (master, replica, three sentinels; appends
/// confirmed on the replica), NATS with 1 replica (one server) and with 3 (a three-node cluster whose routes
/// go through the fault proxy). For each, PRODUCERS tasks append EVENTS events (payload about 100 bytes, a
/// key each) from one process while CONSUMERS consumers of one group in another process read batches of up to
/// 100 and acknowledge each event; prints events/s from the first append to the last acknowledgement, and
/// append latency p50 and p99. Usage: stream [EVENTS] [PRODUCERS] [CONSUMERS].
/// </summary>
internal static class StreamRunner
{
    public const string Usage = "[EVENTS] [PRODUCERS] [CONSUMERS]   durable append-and-consume events/s and append p50/p99 on in-process, Redis, Redis+Sentinel, NATS R1 and R3 (default 3000 events, 4 producers, 2 consumers)";

    private static readonly string Payload = new('x', 100);

    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
        var producers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var consumers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"Durable streams: {events} events of {Payload.Length} bytes, {producers} producers, {consumers} consumers of one group (batches of 100, one acknowledgement per event), loopback, {Environment.ProcessorCount} cores.");
        Console.WriteLine("| engine | append+consume events/s | append p50 | append p99 | total |");
        Console.WriteLine("|---|---|---|---|---|");

        await MeasureAsync("in-process", EngineSetup.InProcess(), events, producers, consumers);

        await using (var redis = await RedisServer.StartAsync())
        {
            await MeasureAsync("Redis (standalone)", EngineSetup.Redis(redis.ConnectionString), events, producers, consumers);
        }

        await using (var sentinel = await RedisSentinelCluster.StartAsync())
        {
            var settings = new Dictionary<string, string?>(sentinel.GetCoordinationSettings()) { ["Fleet:Coordination:Redis:MinReplicaAcks"] = "1" };
            await MeasureAsync("Redis + Sentinel (WAIT 1 replica)", settings, events, producers, consumers);
        }

        await using (var nats = await NatsServer.StartAsync())
        {
            await MeasureAsync("NATS JetStream R1 (one server)", EngineSetup.Nats(nats.Url, replicas: 1), events, producers, consumers);
        }

        await using (var cluster = await NatsCluster.StartAsync())
        {
            await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            await MeasureAsync("NATS JetStream R3 (three nodes, routes via fault proxy)", EngineSetup.Nats(cluster.GetServers("mainpc"), replicas: 3), events, producers, consumers);
        }

        return 0;
    }

    private static async Task MeasureAsync(string engine, IReadOnlyDictionary<string, string?> settings, int events, int producers, int consumers)
    {
        var fleet = $"bench{Guid.NewGuid():N}"[..12];
        await using var producing = Build(settings, fleet);
        await using var consuming = Build(settings, fleet);
        var writer = producing.GetRequiredService<IDurableStreams>().Open("bench");
        var reader = consuming.GetRequiredService<IDurableStreams>().Open("bench");

        // Warm up: connections, scripts, the stream and the group.
        await writer.AppendAsync("warm-up", idempotencyKey: "warm-up");
        using (var warm = reader.CreateConsumer("g", "warm"))
        {
            foreach (var e in await warm.ReadAsync(10, TimeSpan.FromSeconds(5)))
            {
                await warm.AckAsync(e);
            }
        }

        var acknowledged = 0;
        var latencies = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var reading = Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            using var consumer = reader.CreateConsumer("g", $"c{c}");
            while (Volatile.Read(ref acknowledged) < events && !stop.IsCancellationRequested)
            {
                foreach (var e in await consumer.ReadAsync(100, TimeSpan.FromMilliseconds(200)))
                {
                    if (await consumer.AckAsync(e))
                    {
                        Interlocked.Increment(ref acknowledged);
                    }
                }
            }
        })).ToArray();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events)
            {
                var started = Stopwatch.GetTimestamp();
                await writer.AppendAsync(Payload, idempotencyKey: i.ToString(CultureInfo.InvariantCulture));
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        await Task.WhenAny(Task.WhenAll(reading), Task.Delay(TimeSpan.FromMinutes(5)));
        var elapsed = clock.Elapsed;
        var consumed = Volatile.Read(ref acknowledged) >= events;
        await stop.CancelAsync();
        await Task.WhenAll(reading);
        var sorted = latencies.Order().ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {engine} | {(consumed ? $"{events / elapsed.TotalSeconds:0}" : $"incomplete: {acknowledged} of {events} acknowledged in 5 min")} | {Percentiles.Of(sorted, 0.50):0.00} ms | {Percentiles.Of(sorted, 0.99):0.00} ms | {elapsed.TotalSeconds:0.0} s |"));
    }

    private static ServiceProvider Build(IReadOnlyDictionary<string, string?> engine, string fleet)
    {
        var services = EngineSetup.Services(
            new Dictionary<string, string?>
            {
                ["Fleet:Coordination:FleetName"] = fleet,
                ["Fleet:Discovery:Machine"] = "mainpc",
                ["Fleet:Events:Durable:MaxBytes"] = "67108864",
            },
            engine);
        services.AddFleetDurableStreams();
        return services.BuildServiceProvider();
    }
}
