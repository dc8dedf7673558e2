using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Fleet.Sdk.Config;
using Fleet.Sdk.Events;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Benchmarks.Resilience;

/// <summary>
/// <c>resilience [failover RUNS] [throughput EVENTS] [durable EVENTS]</c> (all three by default:
/// 20 runs, 200,000 events, 20,000 events): bridge fail-over time over many runs (the primary is
/// killed while a publisher sends every 2 ms; detection + switch until an event published after
/// the kill arrives), event throughput through the bridge against direct PUB/SUB, and durable
/// stream throughput against a real redis-server.
/// </summary>
internal static class ResilienceRunner
{
    public const string Usage = "[failover RUNS] [throughput EVENTS] [durable EVENTS]   bridge fail-over p50/p99, bridge vs direct PUB/SUB events/s, durable stream appends and deliveries/s";

    public static async Task<int> RunAsync(string[] args)
    {
        var all = args.Length == 0;
        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        if (all || args.Contains("failover"))
        {
            Failover(Arg("failover", 20));
        }

        if (all || args.Contains("throughput"))
        {
            Throughput(Arg("throughput", 200_000));
        }

        if (all || args.Contains("durable"))
        {
            await DurableAsync(Arg("durable", 20_000));
        }

        return 0;
    }

    private static void Failover(int runs)
    {
        var takeOver = new List<double>();
        var restored = new List<double>();
        long lost = 0;
        for (var run = 0; run < runs; run++)
        {
            using var context = new ZmqContext(new FleetMessagingOptions { Linger = TimeSpan.Zero });
            var (primary, backup) = StartPair(context);
            using var backupOwned = backup;
            var options = Client(primary, backup);
            using var publisher = new BridgePublisher(context, options);
            using var subscriber = new BridgeSubscriber(context, options);
            Wait(() => publisher.ActiveBridge == primary.Name, "the pair to settle");
            var clock = Stopwatch.StartNew();
            long killedAt = long.MaxValue;
            var sent = 0;
            var received = new HashSet<ulong>();
            var newest = 0L;
            using var stop = new CancellationTokenSource();
            var sender = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    publisher.Publish("bench", clock.ElapsedTicks.ToString(CultureInfo.InvariantCulture));
                    Interlocked.Increment(ref sent);
                    await Task.Delay(2);
                }
            });
            Drain(subscriber, received, ref newest, TimeSpan.FromMilliseconds(300));
            killedAt = clock.ElapsedTicks;
            primary.Dispose();
            double? active = null;
            while (newest <= killedAt && clock.ElapsedTicks - killedAt < Stopwatch.Frequency * 10)
            {
                Drain(subscriber, received, ref newest, TimeSpan.FromMilliseconds(1));
                if (active is null && backup.State == BridgeState.Active)
                {
                    active = Ms(clock.ElapsedTicks - killedAt);
                }
            }

            restored.Add(Ms(clock.ElapsedTicks - killedAt));
            takeOver.Add(active ?? restored[^1]);
            stop.Cancel();
            sender.Wait();
            var deadline = Stopwatch.StartNew();
            while (received.Count < Volatile.Read(ref sent) && deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                Drain(subscriber, received, ref newest, TimeSpan.FromMilliseconds(20));
            }

            lost += Volatile.Read(ref sent) - received.Count;
        }

        Console.WriteLine($"failover  runs={runs}  backup active: p50 {Percentile(takeOver, 50):0} ms  p99 {Percentile(takeOver, 99):0} ms  |  traffic flowing again (detection + switch): p50 {Percentile(restored, 50):0} ms  p99 {Percentile(restored, 99):0} ms  max {restored.Max():0} ms  |  events lost {lost}");
    }

    private static void Throughput(int events)
    {
        var payload = new byte[100];
        var options = new FleetMessagingOptions { Linger = TimeSpan.Zero, SendHighWatermark = 0, ReceiveHighWatermark = 0 };
        double direct, bridged;
        long directLost, bridgedLost;
        using (var context = new ZmqContext(options))
        {
            using var publisher = new EventPublisher(context, new EventPublisherOptions { BindEndpoints = { "tcp://127.0.0.1:*" } });
            using var subscriber = new EventSubscriber(context, new EventSubscriberOptions { Endpoints = { publisher.Endpoints[0] } });
            WarmUp(() => publisher.Publish("warm", payload), () => subscriber.TryReceive(TimeSpan.FromMilliseconds(10), out _));
            (direct, directLost) = Measure(events, () => publisher.Publish("bench", payload), timeout => subscriber.TryReceive(timeout, out var m) ? m.Topic == "bench" : (bool?)null);
        }

        using (var context = new ZmqContext(options))
        {
            var (primary, backup) = StartPair(context);
            using var p = primary;
            using var b = backup;
            var client = Client(primary, backup);
            using var publisher = new BridgePublisher(context, client);
            using var subscriber = new BridgeSubscriber(context, client);
            Wait(() => publisher.ActiveBridge == primary.Name, "the pair to settle");
            WarmUp(() => publisher.Publish("warm", payload), () => subscriber.TryReceive(TimeSpan.FromMilliseconds(10), out _));
            (bridged, bridgedLost) = Measure(events, () => publisher.Publish("bench", payload), timeout => subscriber.TryReceive(timeout, out var m) ? m.Topic == "bench" : (bool?)null);
        }

        Console.WriteLine($"throughput  {events} events of 100 B  direct PUB/SUB {direct:N0}/s (lost {directLost})  |  through the bridge pair {bridged:N0}/s (lost {bridgedLost})  |  ratio {bridged / direct:0.00}x");
    }

    private static async Task DurableAsync(int events)
    {
        await using var redis = await RedisServer.StartAsync();
        var root = Directory.CreateTempSubdirectory("fleet-bench-");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.FullName });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Redis:ConnectionString"] = redis.ConnectionString,
            ["Fleet:Coordination:FleetName"] = "bench",
            ["Fleet:Events:Durable:MaxLength"] = "1000000",
        });
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.Services.AddFleetDurableStreams();
        using var host = builder.Build();
        await host.StartAsync();
        var streams = host.Services.GetRequiredService<IDurableStreams>();
        var stream = streams.Open("bench");
        await stream.AppendAsync("warm-up");

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < events / 4; i++)
        {
            await stream.AppendAsync("{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}");
        }

        var sequential = events / 4 / watch.Elapsed.TotalSeconds;
        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < events / 16; i++)
            {
                await stream.AppendAsync("{\"p\":" + p.ToString(CultureInfo.InvariantCulture) + "}");
            }
        })));
        var concurrent = events / 16 * 16 / watch.Elapsed.TotalSeconds;

        using var consumer = stream.CreateConsumer("bench", "c1");
        var total = (await stream.GetInfoAsync("bench")).Length;
        var acked = 0L;
        watch.Restart();
        while (acked < total)
        {
            var batch = await consumer.ReadAsync(100, TimeSpan.FromSeconds(1));
            await Task.WhenAll(batch.Select(e => consumer.AckAsync(e)));
            acked += batch.Count;
        }

        var delivered = acked / watch.Elapsed.TotalSeconds;
        await host.StopAsync();
        root.Delete(recursive: true);
        Console.WriteLine($"durable  appends: 1 producer {sequential:N0}/s, 16 producers {concurrent:N0}/s  |  read + ack (batches of 100, one consumer) {delivered:N0}/s  ({total} events)");
    }

    private static (double Rate, long Lost) Measure(int events, Action publish, Func<TimeSpan, bool?> receive)
    {
        var received = 0L;
        var reader = Task.Run(() =>
        {
            var watch = Stopwatch.StartNew();
            while (received < events)
            {
                var got = receive(TimeSpan.FromSeconds(2));
                if (got is null)
                {
                    break;
                }

                if (got == true)
                {
                    received++;
                }
            }

            return watch.Elapsed;
        });
        for (var i = 0; i < events; i++)
        {
            publish();
        }

        var elapsed = reader.Result;
        return (received / elapsed.TotalSeconds, events - received);
    }

    private static void WarmUp(Action publish, Func<bool> receive)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            publish();
            if (receive())
            {
                while (receive())
                {
                }

                return;
            }
        }

        throw new TimeoutException("no warm-up event arrived in 10 s");
    }

    private static void Drain(BridgeSubscriber subscriber, HashSet<ulong> received, ref long newest, TimeSpan wait)
    {
        while (subscriber.TryReceive(wait, out var message))
        {
            if (message.Topic == "bench")
            {
                received.Add(message.Sequence!.Value);
                newest = Math.Max(newest, long.Parse(message.PayloadText(), CultureInfo.InvariantCulture));
            }

            wait = TimeSpan.Zero;
        }
    }

    private static (FleetBridge Primary, FleetBridge Backup) StartPair(ZmqContext context)
    {
        var ports = Enumerable.Range(0, 4).Select(_ => FreePort()).ToArray();
        var primary = new FleetBridge(context, new FleetBridgeOptions { Name = "primary", Role = BridgeRole.Primary, FrontendEndpoint = $"tcp://127.0.0.1:{ports[0]}", BackendEndpoint = $"tcp://127.0.0.1:{ports[1]}", PeerEndpoint = $"tcp://127.0.0.1:{ports[3]}" });
        var backup = new FleetBridge(context, new FleetBridgeOptions { Name = "backup", Role = BridgeRole.Backup, FrontendEndpoint = $"tcp://127.0.0.1:{ports[2]}", BackendEndpoint = $"tcp://127.0.0.1:{ports[3]}", PeerEndpoint = $"tcp://127.0.0.1:{ports[1]}" });
        primary.Start();
        backup.Start();
        return (primary, backup);
    }

    private static FleetBridgeClientOptions Client(FleetBridge primary, FleetBridge backup) => new()
    {
        MaxBuffered = 1_000_000,
        Bridges =
        {
            new BridgeEndpoint { Frontend = primary.FrontendEndpoint, Backend = primary.BackendEndpoint },
            new BridgeEndpoint { Frontend = backup.FrontendEndpoint, Backend = backup.BackendEndpoint },
        },
    };

    private static void Wait(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(20)))
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
