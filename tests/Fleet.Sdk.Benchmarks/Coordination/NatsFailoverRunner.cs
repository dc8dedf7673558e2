using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Benchmarks.Coordination;

/// <summary>
/// NATS JetStream failover on a real three-node cluster (nats-server processes on mainpc, pc2, pc3; routes and clients
/// through the fault proxy): a writer on a fourth machine (<c>app</c>, no node of its own) puts registry entries into
/// an R3 bucket; the node leading the bucket is killed (SIGKILL) and the time to the first acknowledged write is
/// measured, with the time until the survivors agree on a new bucket leader. Side by side, the baseline: a follower
/// killed instead (no election, only the client's reconnect); and planned maintenance: the leader's node stopped
/// with SIGTERM, which hands its leadership over before it exits. Each run restarts the killed node with its data and
/// waits until the cluster is healthy. Usage: nats-failover [RUNS] (default 10).
/// </summary>
internal static class NatsFailoverRunner
{
    public const string Usage = "[RUNS]   NATS R3 bucket: time to the first acknowledged write after its leader is killed (p50/p99), vs a follower killed";

    /// <summary>How long one write attempt may wait: the resolution of the measure (a write during the election fails at once or after this).</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        if (NatsServer.FindExecutable() is null)
        {
            Console.Error.WriteLine("nats-failover needs nats-server: run ./eng/build.sh prereqs (or apt-get install nats-server).");
            return 2;
        }

        await using var nats = await NatsCluster.StartAsync();
        await nats.Cluster.AddMachineAsync("app");
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddFleetCoordination(o =>
            {
                o.FleetName = $"bench{Guid.NewGuid():N}"[..12];
                o.Nats.Servers = nats.GetServers("app");
                o.Nats.OperationTimeout = AttemptTimeout;
                o.Nats.ConnectTimeout = AttemptTimeout;
            })
            .BuildServiceProvider();
        var engine = services.GetRequiredService<IFleetNats>();
        var registry = new NatsDiscoveryProvider(engine, new DiscoveryMetrics(null), TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);
        var stream = "KV_" + registry.Bucket;
        var writes = 0;
        await FirstWriteAsync(registry, () => ++writes);

        var leaderKilled = new List<double>();
        var elected = new List<double>();
        var followerKilled = new List<double>();
        var leaderStopped = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var leader = await LeaderAsync(nats, stream);
            var killed = Stopwatch.StartNew();
            await nats.KillAsync(leader);
            var electedTask = Task.Run(async () =>
            {
                while (await nats.GetStreamLeaderAsync(stream) is not { } next || next == leader)
                {
                    await Task.Delay(20);
                }

                return killed.Elapsed;
            });
            var firstWrite = await FirstWriteAsync(registry, () => ++writes);
            var electedAfter = await electedTask.WaitAsync(Deadline);
            leaderKilled.Add(firstWrite.TotalMilliseconds);
            elected.Add(electedAfter.TotalMilliseconds);
            await nats.RestartAsync(leader, keepData: true);
            await nats.WaitUntilHealthyAsync(Deadline);

            var current = await LeaderAsync(nats, stream);
            var follower = nats.Machines.First(m => m != current);
            await nats.KillAsync(follower);
            followerKilled.Add((await FirstWriteAsync(registry, () => ++writes)).TotalMilliseconds);
            await nats.RestartAsync(follower, keepData: true);
            await nats.WaitUntilHealthyAsync(Deadline);

            // Planned maintenance: the leader's node is stopped with SIGTERM and hands its leadership over first.
            var stopping = await LeaderAsync(nats, stream);
            var stopped = Stopwatch.StartNew();
            var stop = nats.StopAsync(stopping);
            var afterStop = await FirstWriteAfterAsync(registry, stopped, stop, () => ++writes);
            leaderStopped.Add(afterStop.TotalMilliseconds);
            await nats.RestartAsync(stopping, keepData: true);
            await nats.WaitUntilHealthyAsync(Deadline);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {run}: leader {leader} killed -> new leader after {electedAfter.TotalMilliseconds:0} ms, first write after {firstWrite.TotalMilliseconds:0} ms; follower {follower} killed -> first write after {followerKilled[^1]:0} ms; leader {stopping} stopped cleanly -> longest write gap {afterStop.TotalMilliseconds:0} ms"));
        }

        leaderKilled.Sort();
        elected.Sort();
        followerKilled.Sort();
        leaderStopped.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"nats failover (R3 bucket, nats-server {Version()}, {runs} runs, {writes} writes acknowledged): " +
            $"bucket leader killed -> first write p50 {Percentiles.NearestRank(leaderKilled, 0.50):0} ms, p99 {Percentiles.NearestRank(leaderKilled, 0.99):0} ms, max {leaderKilled[^1]:0} ms " +
            $"(new leader agreed p50 {Percentiles.NearestRank(elected, 0.50):0} ms); " +
            $"baseline follower killed -> first write p50 {Percentiles.NearestRank(followerKilled, 0.50):0} ms, p99 {Percentiles.NearestRank(followerKilled, 0.99):0} ms; " +
            $"leader stopped cleanly (SIGTERM) -> longest time without an acknowledged write p50 {Percentiles.NearestRank(leaderStopped, 0.50):0} ms, p99 {Percentiles.NearestRank(leaderStopped, 0.99):0} ms"));
        Console.WriteLine("settings: client ping every 1 s, 2 unanswered pings = lost (Fleet:Coordination:Nats:PingInterval/MaxPingsOut), reconnect wait 100 ms-2 s, " +
                          $"write attempt timeout {AttemptTimeout.TotalMilliseconds:0} ms (Fleet:Coordination:Nats:OperationTimeout); servers ping routes and clients every 1 s (ping_max 2); " +
                          "JetStream RAFT timers are nats-server constants (heartbeat 1 s, election timeout 4-9 s at random), not configurable.");
        return 0;
    }

    private static async Task<string> LeaderAsync(NatsCluster nats, string stream)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await nats.GetStreamLeaderAsync(stream) is { } leader)
            {
                return leader;
            }

            if (watch.Elapsed > Deadline)
            {
                throw new TimeoutException($"{stream} has no leader after {Deadline}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Writes (a registry heartbeat: read the revision, put on it) until one is acknowledged.</summary>
    private static async Task<TimeSpan> FirstWriteAsync(NatsDiscoveryProvider registry, Func<int> acknowledged)
    {
        var watch = Stopwatch.StartNew();
        var instance = new ServiceInstance { ServiceName = "Failover", InstanceId = "writer", Machine = "app" };
        while (true)
        {
            try
            {
                await registry.RegisterAsync(instance, "writer", TimeSpan.FromMinutes(1));
                acknowledged();
                return watch.Elapsed;
            }
            catch (DiscoveryUnavailableException) when (watch.Elapsed < Deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>
    /// Writes back to back from when the stop began until a write is acknowledged after the process exited; returns the
    /// longest time without an acknowledged write (how long writers saw no leader).
    /// </summary>
    private static async Task<TimeSpan> FirstWriteAfterAsync(NatsDiscoveryProvider registry, Stopwatch since, Task stop, Func<int> acknowledged)
    {
        var last = TimeSpan.Zero;
        var longest = TimeSpan.Zero;
        while (true)
        {
            var stoppedBefore = stop.IsCompleted;
            await FirstWriteAsync(registry, acknowledged);
            var now = since.Elapsed;
            longest = now - last > longest ? now - last : longest;
            last = now;
            if (stoppedBefore)
            {
                await stop;
                return longest;
            }
        }
    }

    private static string Version()
    {
        using var process = Process.Start(new ProcessStartInfo(NatsServer.FindExecutable()!, "--version") { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text.Replace("nats-server: ", string.Empty, StringComparison.Ordinal);
    }
}
