using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Coordination;

/// <summary>
/// <c>sentinel-failover [RUNS] [DOWN_AFTER_MS]</c> (10 runs, 1000 ms by default): Redis with Sentinel
/// fail-over time. Each run starts a fresh master, replica and three sentinels, a client writes every
/// 10 ms through the coordination connection (Sentinel, as an agent configures it), the master is killed
/// with SIGKILL, and the run measures the time from the kill until the sentinels' majority names the
/// promoted replica and until the client's first successful write. p50/p99 over the runs.
/// </summary>
internal static class SentinelFailoverRunner
{
    public const string Usage = "[RUNS] [DOWN_AFTER_MS]   Redis Sentinel fail-over: time from killing the master to the first successful write, p50/p99";

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var downAfter = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000);
        var settings = new RedisSentinelClusterOptions { DownAfter = downAfter };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Redis Sentinel fail-over, {runs} runs: sentinel down-after-milliseconds {downAfter.TotalMilliseconds:0}, failover-timeout {settings.FailoverTimeout.TotalMilliseconds:0}, parallel-syncs {settings.ParallelSyncs}, quorum {settings.Quorum} of 3; client ConnectTimeout 2 s, write timeout {WriteTimeout.TotalMilliseconds:0} ms, a write every 10 ms"));
        var firstWrite = new List<double>();
        var promoted = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var (write, failover) = await RunOnceAsync(settings);
            firstWrite.Add(write);
            promoted.Add(failover);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {run + 1}: sentinels named the new master after {failover:0} ms, first successful write after {write:0} ms"));
        }

        firstWrite.Sort();
        promoted.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"new master named by the sentinels: p50 {Percentiles.NearestRank(promoted, 0.50):0} ms, p99 {Percentiles.NearestRank(promoted, 0.99):0} ms, max {promoted[^1]:0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first successful write after the kill: p50 {Percentiles.NearestRank(firstWrite, 0.50):0} ms, p99 {Percentiles.NearestRank(firstWrite, 0.99):0} ms, max {firstWrite[^1]:0} ms"));
        return 0;
    }

    private static async Task<(double FirstWriteMs, double FailoverMs)> RunOnceAsync(RedisSentinelClusterOptions settings)
    {
        await using var redis = await RedisSentinelCluster.StartAsync(new RedisSentinelClusterOptions
        {
            DownAfter = settings.DownAfter,
            FailoverTimeout = settings.FailoverTimeout,
            ParallelSyncs = settings.ParallelSyncs,
        });
        var configuration = new Dictionary<string, string?>(redis.GetCoordinationSettings()) { ["Fleet:Coordination:FleetName"] = "bench" };
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
            .AddFleetCoordination()
            .BuildServiceProvider();
        var connection = services.GetRequiredService<IFleetRedis>();
        await connection.EvaluateAsync("return redis.call('INCR', KEYS[1])", ["bench"], [], TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        var killedTicks = long.MaxValue;
        var firstWrite = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                try
                {
                    await connection.EvaluateAsync("return redis.call('INCR', KEYS[1])", ["bench"], [], WriteTimeout);
                    if (started.Ticks > Interlocked.Read(ref killedTicks))
                    {
                        firstWrite.TrySetResult(clock.Elapsed);
                    }
                }
                catch (CoordinationUnavailableException)
                {
                    // Expected while the master is down: the loop keeps writing until one succeeds.
                    await Task.Yield();
                }

                await Task.Delay(10);
            }
        });

        await Task.Delay(200);
        var master = await redis.GetMasterAsync();
        var killedAt = clock.Elapsed;
        Interlocked.Exchange(ref killedTicks, killedAt.Ticks);
        await master.KillAsync();
        await redis.WaitForFailoverAsync(master, TimeSpan.FromSeconds(60));
        var failoverMs = (clock.Elapsed - killedAt).TotalMilliseconds;
        var written = await firstWrite.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await writer;
        return ((written - killedAt).TotalMilliseconds, failoverMs);
    }
}
