using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Events;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Coordination;

/// <summary>
/// Every coordination engine side by side in one run, through the public APIs with
/// <c>Fleet:Coordination</c> set (real redis-server and nats-server processes on loopback):
/// registry resolve and change propagation (p50/p99), lease acquire+release (p50/p99, ops/s),
/// durable append-and-consume throughput. A capability an engine does not have yet on this build is
/// reported as "n/a" with the reason, never measured on another engine.
/// Usage: coord [SECONDS] [EVENTS].
/// </summary>
internal static class CoordinationRunner
{
    public const string Usage = "[SECONDS] [EVENTS]   every engine side by side: registry resolve/propagation, lease acquire+release, durable append+consume (default 3 s per lease run, 2000 events)";

    private const int Resolves = 500;
    private const int Propagations = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        Console.WriteLine($"Coordination engines, loopback, {Environment.ProcessorCount} cores; resolve x{Resolves}, propagation x{Propagations}, leases {seconds:0.#} s, {events} durable events.");
        Console.WriteLine();
        Console.WriteLine($"{"engine",-26} {"resolve p50/p99 ms",-20} {"propagate p50/p99 ms",-22} {"lease p50/p99 ms",-18} {"lease ops/s",-12} {"durable ev/s",-12}");

        await MeasureAsync("in-process", EngineSetup.InProcess(), seconds, events).ConfigureAwait(false);

        await using (var redis = await RedisServer.StartAsync().ConfigureAwait(false))
        {
            await MeasureAsync("redis", EngineSetup.Redis(redis.ConnectionString), seconds, events).ConfigureAwait(false);
            var replicaOptions = new RedisServerOptions();
            foreach (var argument in new[] { "--replicaof", redis.Host, redis.Port.ToString(CultureInfo.InvariantCulture) })
            {
                replicaOptions.Arguments.Add(argument);
            }

            await using var replica = await RedisServer.StartAsync(replicaOptions).ConfigureAwait(false);
            await WaitForReplicaAsync(redis.ConnectionString).ConfigureAwait(false);
            await MeasureAsync("redis + replica (WAIT 1)", EngineSetup.Redis(redis.ConnectionString, minReplicaAcks: 1), seconds, events).ConfigureAwait(false);
        }

        await using (var nats = await NatsServer.StartAsync().ConfigureAwait(false))
        {
            await MeasureAsync("nats, 1 replica", EngineSetup.Nats(nats.Url, replicas: 1), seconds, events).ConfigureAwait(false);
        }

        await using (var cluster = await NatsCluster.StartAsync().ConfigureAwait(false))
        {
            await MeasureAsync("nats, 3 nodes, 3 replicas", EngineSetup.Nats(cluster.GetServers("mainpc"), replicas: 3), seconds, events).ConfigureAwait(false);
        }

        Console.WriteLine();
        Console.WriteLine("Redis Sentinel is not a row of its own: its writes take the 'redis + replica (WAIT 1)' path (the sentinels only name the master); its failover time is the partition suite's.");
        return 0;
    }

    private static async Task MeasureAsync(string name, Dictionary<string, string?> settings, double seconds, int events)
    {
        settings["Fleet:Coordination:FleetName"] = $"b{Guid.NewGuid():N}"[..10];
        var resolve = await TryAsync(() => ResolveAsync(settings)).ConfigureAwait(false);
        var propagate = await TryAsync(() => PropagateAsync(settings)).ConfigureAwait(false);
        var lease = await TryAsync(() => LeaseAsync(settings, seconds)).ConfigureAwait(false);
        var durable = await TryAsync(() => DurableAsync(settings, events)).ConfigureAwait(false);
        Console.WriteLine($"{name,-26} {resolve.Cell(2),-20} {propagate.Cell(2),-22} {lease.Cell(2),-18} {lease.Cell(1, 2),-12} {durable.Cell(1, 0),-12}");
        foreach (var why in new[] { resolve, propagate, lease, durable }.Select(r => r.Why).OfType<string>().Distinct())
        {
            Console.WriteLine($"{string.Empty,-26} n/a: {why}");
        }
    }

    /// <summary>FetchAsync of one registered service through the engine's registry.</summary>
    private static async Task<Result> ResolveAsync(Dictionary<string, string?> settings)
    {
        await using var services = Build(settings, "mainpc");
        var provider = services.GetRequiredService<IDiscoveryProvider>();
        var owner = Guid.NewGuid().ToString("N");
        await provider.RegisterAsync(Instance("bench", "mainpc-1"), owner, TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        var samples = new List<double>(Resolves);
        for (var i = 0; i < Resolves + 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await provider.FetchAsync("bench").ConfigureAwait(false);
            if (found.Count != 1)
            {
                throw new InvalidOperationException($"the registry returned {found.Count} instances of 1");
            }

            if (i >= 20)
            {
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return Result.Of(samples);
    }

    /// <summary>Time from a registration on one process until another process's watcher sees it.</summary>
    private static async Task<Result> PropagateAsync(Dictionary<string, string?> settings)
    {
        var inProcess = IsInProcess(settings);
        await using var writer = Build(settings, "mainpc");
        await using var readerServices = inProcess ? null : Build(settings, "pc2");
        var resolver = (readerServices ?? writer).GetRequiredService<IServiceResolver>();
        var provider = writer.GetRequiredService<IDiscoveryProvider>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var seen = new Dictionary<string, TaskCompletionSource>(StringComparer.Ordinal);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            var first = true;
            await foreach (var change in resolver.WatchAsync("watched", stop.Token).ConfigureAwait(false))
            {
                if (first)
                {
                    first = false;
                    ready.TrySetResult();
                }

                foreach (var added in change.Added)
                {
                    lock (seen)
                    {
                        if (seen.TryGetValue(added.InstanceId, out var done))
                        {
                            done.TrySetResult();
                        }
                    }
                }
            }
        });
        var owner = Guid.NewGuid().ToString("N");
        await provider.RegisterAsync(Instance("watched", "primer"), owner, TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var samples = new List<double>(Propagations);
        for (var i = 0; i < Propagations; i++)
        {
            var id = $"i{i}";
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (seen)
            {
                seen[id] = done;
            }

            var started = Stopwatch.GetTimestamp();
            await provider.RegisterAsync(Instance("watched", id), owner, TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await watching.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The watch ends by this cancellation.
        }

        return Result.Of(samples);
    }

    /// <summary>Acquire + release round trips of one client on the engine's ledger.</summary>
    private static async Task<Result> LeaseAsync(Dictionary<string, string?> settings, double seconds)
    {
        await using var services = Build(settings, "mainpc");
        await using var other = Build(settings, "pc2");
        var scheduler = services.GetRequiredService<IGpuScheduler>();
        await using (var warm = (await scheduler.AcquireAsync(new GpuRequest("warmup", 1024)).ConfigureAwait(false)).Lease!)
        {
            // Another process must see the lease: otherwise the ledger is not on this engine (measuring it would be another engine's figure).
            if (!IsInProcess(settings) && await other.GetRequiredService<IGpuScheduler>().ValidateAsync(warm.Token).ConfigureAwait(false) != GpuLeaseValidity.Valid)
            {
                throw new NotSupportedException("the GPU ledger on this build does not keep its leases on this engine (another process cannot see them)");
            }
        }

        var samples = new List<double>(100_000);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            var started = Stopwatch.GetTimestamp();
            var lease = (await scheduler.AcquireAsync(new GpuRequest("bench", 2048)).ConfigureAwait(false)).Lease
                ?? throw new InvalidOperationException("an empty GPU refused a 2 GiB lease");
            await lease.DisposeAsync().ConfigureAwait(false);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Result.Of(samples, samples.Count / watch.Elapsed.TotalSeconds);
    }

    /// <summary>Appends <paramref name="events"/> events, then one consumer (in another process but for in-process) reads and acknowledges them all.</summary>
    private static async Task<Result> DurableAsync(Dictionary<string, string?> settings, int events)
    {
        await using var services = Build(settings, "mainpc");
        await using var readerServices = IsInProcess(settings) ? null : Build(settings, "pc2");
        var stream = services.GetRequiredService<IDurableStreams>().Open("bench");
        using var consumer = (readerServices ?? services).GetRequiredService<IDurableStreams>().Open("bench").CreateConsumer("bench", "c1");
        await consumer.ReadAsync(1).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            await stream.AppendAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"n\":{i}}}"), idempotencyKey: $"e{i}").ConfigureAwait(false);
        }

        var consumed = 0;
        while (consumed < events)
        {
            var batch = await consumer.ReadAsync(500, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"only {consumed} of {events} appended events were delivered");
            }

            foreach (var e in batch)
            {
                await consumer.AckAsync(e).ConfigureAwait(false);
            }

            consumed += batch.Count;
        }

        return Result.Of([], events / watch.Elapsed.TotalSeconds);
    }

    /// <summary>Waits (through the coordination status read) until the master reports its replica online, so WAIT has someone to confirm.</summary>
    private static async Task WaitForReplicaAsync(string master)
    {
        await using var services = Build(EngineSetup.Redis(master), "mainpc");
        var coordination = services.GetRequiredService<IFleetCoordination>();
        var watch = Stopwatch.StartNew();
        while (!(await coordination.GetStatusAsync().ConfigureAwait(false)).Nodes.Any(n => n.Role == "replica" && n.State == "online"))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the replica did not come online within 30 s");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static bool IsInProcess(Dictionary<string, string?> settings) => settings.GetValueOrDefault("Fleet:Coordination:Engine") == "InProcess";

    private static ServiceInstance Instance(string service, string id) => new()
    {
        ServiceName = service,
        InstanceId = id,
        Machine = "mainpc",
        Endpoints = new Dictionary<string, string> { ["rpc"] = "tcp://127.0.0.1:7200" },
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings, string machine)
    {
        var services = EngineSetup.Services(settings);
        // The registry, ledger and streams each follow the engine (Auto); in-process has no shared registry, so its
        // in-memory one stands in.
        services.AddFleetDiscovery(o =>
        {
            if (IsInProcess(settings))
            {
                o.Provider = DiscoveryProviderKind.InMemory;
            }
        });
        services.AddFleetGpuScheduling(o =>
        {
            o.Ledger = GpuLedgerKind.Auto;
            o.Machine = machine;
            o.RequireLiveMachine = false;
            o.Devices.Add(new GpuDeviceOptions { Machine = "mainpc", Name = "RTX 4090", VramMib = 24576 });
        });
        services.AddFleetDurableStreams();
        return services.BuildServiceProvider();
    }

    private static async Task<Result> TryAsync(Func<Task<Result>> measure)
    {
        try
        {
            return await measure().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or TimeoutException or ArgumentException
                                       or CoordinationUnavailableException or DiscoveryUnavailableException or GpuLedgerUnavailableException)
        {
            return Result.NotAvailable(ex.Message.Split('\n')[0]);
        }
    }

    private sealed record Result(double P50, double P99, double Rate, string? Why)
    {
        public static Result Of(List<double> samples, double rate = 0)
        {
            samples.Sort();
            return new Result(Percentiles.Of(samples, 0.50), Percentiles.Of(samples, 0.99), rate, null);
        }

        public static Result NotAvailable(string why) => new(0, 0, 0, why);

        /// <summary>"p50/p99" (<paramref name="kind"/> 2) or the rate (1), or "n/a".</summary>
        public string Cell(int kind, int decimals = 2) =>
            Why is not null ? "n/a"
            : kind == 2 ? string.Create(CultureInfo.InvariantCulture, $"{P50:0.00}/{P99:0.00}")
            : Rate.ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture);
    }
}
