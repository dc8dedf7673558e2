using System.Diagnostics;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Discovery;

/// <summary>
/// Discovery with a real Redis behind the fault proxy, mainpc and pc2 as simulated machines
/// (TTL 2 s, heartbeat 0.5 s, resolve deadline 250 ms). Each test says what resolution returns
/// during the fault, how fast a dead agent disappears, and that everything heals by itself.
/// Timing bounds are tolerant: they prove "bounded", the figures go to the test output.
/// </summary>
[Trait("Category", "Partition")]
public sealed class DiscoveryPartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [RequiresLocalRedisServerFact]
    public async Task RedisKilledThenRestartedEmpty_StaleViewServedAndEveryAgentBackWithinAHeartbeat()
    {
        await using var fleet = await Fleet.StartAsync();
        await fleet.Pc2.RegisterAsync("MemoryOrchestrator", "p1");
        await fleet.Mainpc.RegisterAsync("ModelManagerSuite", "m1");
        Assert.True(await Resolves(fleet.Mainpc, "MemoryOrchestrator", "p1"));

        await fleet.Redis.KillAsync();

        Assert.True(await Poll.UntilAsync(async () => (await fleet.Mainpc.Resolver.ResolveAsync("MemoryOrchestrator")).IsStale, Deadline));
        var watch = Stopwatch.StartNew();
        var stale = await fleet.Mainpc.Resolver.ResolveAsync("MemoryOrchestrator");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"a cached resolution took {watch.Elapsed} while Redis was down");
        Assert.Equal("p1", Assert.Single(stale.Instances).InstanceId);
        await AssertFailsWithinDeadline(fleet.Mainpc, "NeverSeenBefore");

        await fleet.Redis.RestartAsync(keepData: false);
        watch.Restart();

        Assert.True(await Poll.UntilAsync(async () => await Current(fleet.Mainpc, "MemoryOrchestrator", "p1") && await Current(fleet.Pc2, "ModelManagerSuite", "m1"), Deadline));
        output.WriteLine($"Redis restarted empty: both agents resolvable again after {watch.ElapsedMilliseconds} ms (heartbeat {DiscoveryMachine.Heartbeat.TotalMilliseconds} ms, plus reconnect).");
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisPaused_ResolutionsNeverWaitPastTheirDeadlineAndRecoverOnResume()
    {
        await using var fleet = await Fleet.StartAsync();
        await fleet.Pc2.RegisterAsync("MemoryOrchestrator", "p1");
        Assert.True(await Resolves(fleet.Mainpc, "MemoryOrchestrator", "p1"));

        await fleet.Redis.PauseAsync();
        try
        {
            Assert.True(await Poll.UntilAsync(async () => (await fleet.Mainpc.Resolver.ResolveAsync("MemoryOrchestrator")).IsStale, Deadline));
            await AssertFailsWithinDeadline(fleet.Mainpc, "NeverSeenBefore");
        }
        finally
        {
            await fleet.Redis.ResumeAsync();
        }

        Assert.True(await Poll.UntilAsync(() => Current(fleet.Mainpc, "MemoryOrchestrator", "p1"), Deadline));
    }

    [RequiresRedisServerFact]
    public async Task Pc2CutFromRedis_MainpcDropsPc2AgentWithinTtlPlusHeartbeatAndSeesItAgainAfterHeal()
    {
        await using var fleet = await Fleet.StartAsync();
        var registration = await fleet.Pc2.RegisterAsync("MemoryOrchestrator", "p1");
        Assert.True(await Resolves(fleet.Mainpc, "MemoryOrchestrator", "p1"));
        Assert.True(await Resolves(fleet.Pc2, "MemoryOrchestrator", "p1"));

        await fleet.Cluster.PartitionAsync("pc2", "redis");
        var watch = Stopwatch.StartNew();

        Assert.True(await Poll.UntilAsync(async () => (await fleet.Mainpc.Resolver.ResolveAsync("MemoryOrchestrator")).IsEmpty, Deadline));
        var gone = watch.Elapsed;
        output.WriteLine($"pc2's agent left mainpc's view {gone.TotalMilliseconds:0} ms after the cut (TTL {DiscoveryMachine.Ttl.TotalMilliseconds} ms + heartbeat {DiscoveryMachine.Heartbeat.TotalMilliseconds} ms).");
        Assert.True(gone < DiscoveryMachine.Ttl + DiscoveryMachine.Heartbeat + TimeSpan.FromSeconds(2), $"took {gone}");
        Assert.True(await Poll.UntilAsync(async () => (await fleet.Pc2.Resolver.ResolveAsync("MemoryOrchestrator")).IsStale, Deadline));
        Assert.True(await Poll.UntilAsync(() => !registration.IsRegistered, Deadline), "pc2's registration should report that its heartbeats fail");

        await fleet.Cluster.HealAsync();
        watch.Restart();

        Assert.True(await Poll.UntilAsync(() => Current(fleet.Mainpc, "MemoryOrchestrator", "p1"), Deadline));
        Assert.True(await Poll.UntilAsync(() => Current(fleet.Pc2, "MemoryOrchestrator", "p1"), Deadline));
        Assert.True(await Poll.UntilAsync(() => registration.IsRegistered, Deadline));
        output.WriteLine($"After the heal: registered and resolvable everywhere within {watch.ElapsedMilliseconds} ms.");
    }

    [RequiresRedisServerFact]
    public async Task Latency500msPc2ToRedis_CachedResolutionsImmediateRegistrationsSurvive()
    {
        await using var fleet = await Fleet.StartAsync();
        await fleet.Mainpc.RegisterAsync("ModelManagerSuite", "m1");
        Assert.True(await Resolves(fleet.Pc2, "ModelManagerSuite", "m1"));

        await fleet.Cluster.AddLatencyAsync("pc2", "redis", TimeSpan.FromMilliseconds(500));
        var registration = await fleet.Pc2.RegisterAsync("MemoryOrchestrator", "p1");

        var watch = Stopwatch.StartNew();
        var cached = await fleet.Pc2.Resolver.ResolveAsync("ModelManagerSuite");
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(200), $"a cached resolution took {watch.Elapsed}");
        Assert.Equal("m1", Assert.Single(cached.Instances).InstanceId);
        await AssertFailsWithinDeadline(fleet.Pc2, "NeverSeenBefore");
        Assert.True(await Poll.UntilAsync(() => registration.IsRegistered, Deadline));
        Assert.True(await Resolves(fleet.Mainpc, "MemoryOrchestrator", "p1"));

        await fleet.Cluster.HealAsync();
        Assert.True(await Poll.UntilAsync(() => Current(fleet.Pc2, "MemoryOrchestrator", "p1"), Deadline));
    }

    private async Task AssertFailsWithinDeadline(DiscoveryMachine machine, string service)
    {
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ServiceNotFoundException>(async () => await machine.Resolver.ResolveAsync(service));
        output.WriteLine($"{machine.Name}: resolving an uncached service failed after {watch.ElapsedMilliseconds} ms (deadline 250 ms).");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
    }

    private static Task<bool> Resolves(DiscoveryMachine machine, string service, string id) =>
        Poll.UntilAsync(() => Current(machine, service, id), Deadline);

    private static async Task<bool> Current(DiscoveryMachine machine, string service, string id)
    {
        try
        {
            var resolution = await machine.Resolver.ResolveAsync(service);
            return !resolution.IsStale && resolution.Instances.Any(i => i.InstanceId == id);
        }
        catch (ServiceNotFoundException)
        {
            return false;
        }
    }

    private sealed class Fleet : IAsyncDisposable
    {
        public required RedisServer Redis { get; init; }

        public required FleetCluster Cluster { get; init; }

        public required DiscoveryMachine Mainpc { get; init; }

        public required DiscoveryMachine Pc2 { get; init; }

        public static async Task<Fleet> StartAsync()
        {
            var redis = await RedisServer.StartAsync();
            var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
            await cluster.AddRedisAsync(redis);
            var name = $"p{Guid.NewGuid():N}"[..10];
            return new Fleet
            {
                Redis = redis,
                Cluster = cluster,
                Mainpc = await DiscoveryMachine.StartAsync(cluster, "mainpc", name),
                Pc2 = await DiscoveryMachine.StartAsync(cluster, "pc2", name),
            };
        }

        public async ValueTask DisposeAsync()
        {
            await Mainpc.DisposeAsync();
            await Pc2.DisposeAsync();
            await Cluster.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }
}
