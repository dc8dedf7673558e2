using System.Diagnostics;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Events;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.IntegrationTests.Resilience;
using Fleet.Sdk.Testing;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// Partition scenarios on Redis with Sentinel (a real master, replica and three sentinels on mainpc, pc2 and
/// pc3, every link through the fault proxy). While machines append durable events and compete for one GPU,
/// each scenario counts acknowledged events lost (must be 0: appends are confirmed by the replica) and GPU
/// over-commit (must be 0), and records the time from the master's loss to the first successful write.
/// Timing bounds are tolerant; the figures go to the test output and the resilience report.
/// </summary>
[Trait("Category", "Partition")]
[Collection(ResilienceCollection.Name)]
public sealed class RedisSentinelPartitionTests(ITestOutputHelper output)
{
    private const string Scenario = "Redis Sentinel";
    private const string GpuNodeServiceName = "FleetGpu";

    [RequiresRedisSentinelFact]
    public async Task MasterKilled_ReplicaPromotedWritesResumeAndNothingAcknowledgedIsLost()
    {
        await using var fleet = await RedisSentinelFleet.StartAsync();
        await fleet.WaitUntilSettledAsync();
        fleet.StartGpuContention();
        await fleet.AppendAsync("pc3", 20);

        var master = fleet.Redis.Servers[0];
        var clock = Stopwatch.StartNew();
        await master.KillAsync();
        var firstWrite = await fleet.FirstPlainWriteAsync("pc3", clock);
        var promoted = await fleet.Redis.WaitForFailoverAsync(master, RedisSentinelFleet.Deadline);

        // The promoted replica has no replica of its own: confirmed appends wait for the old master to rejoin.
        await master.RestartAsync(keepData: true);
        var firstAppend = await fleet.FirstAppendAsync("pc3", clock);
        await fleet.AppendAsync("pc2", 10);
        await fleet.StopWorkloadAsync();

        Assert.Same(fleet.Redis.Servers[1], promoted);
        await AssertNothingLostAsync(fleet, "master killed, restarted with its data");
        Record("master killed", "first successful write (plain) after the kill", firstWrite);
        Record("master killed", "first replica-confirmed append after the kill (old master restarted as replica)", firstAppend);
    }

    [RequiresRedisSentinelFact]
    public async Task MinorityMachineIsolated_ItsWritesFailFastItsReadsServeLastKnownGoodMajorityKeepsWorking()
    {
        await using var fleet = await RedisSentinelFleet.StartAsync();
        await fleet.WaitUntilSettledAsync();
        var before = await fleet.Resolver("pc3").ResolveAsync(GpuNodeServiceName);
        fleet.StartGpuContention();
        await fleet.AppendAsync("pc3", 10);

        await fleet.Cluster.IsolateAsync("pc3");
        var watch = Stopwatch.StartNew();
        var appendError = await fleet.TryAppendAsync("pc3");
        var appendFailedAfter = watch.Elapsed;
        var acquireError = await Record<Exception>(() => fleet.Gpu("pc3").AcquireAsync(new GpuRequest("small", 1024, Rules: new GpuPlacementRules { PreferredMachine = "pc2" })));
        var stale = await fleet.Resolver("pc3").ResolveAsync(GpuNodeServiceName);
        await fleet.AppendAsync("mainpc", 10);
        await fleet.AppendAsync("pc2", 10);

        await fleet.Cluster.HealAsync();
        var healed = Stopwatch.StartNew();
        var converged = await fleet.FirstAppendAsync("pc3", healed);
        await fleet.StopWorkloadAsync();

        Assert.IsType<DurableStreamUnavailableException>(appendError);
        Assert.True(appendFailedAfter < TimeSpan.FromSeconds(8), $"pc3's append took {appendFailedAfter} to fail; it must fail at its operation timeout");
        Assert.IsType<GpuLedgerUnavailableException>(acquireError);
        Assert.False(before.IsEmpty);
        Assert.Equal(before.Instances.Select(i => i.InstanceId).Order(), stale.Instances.Select(i => i.InstanceId).Order());
        await AssertNothingLostAsync(fleet, "minority pc3 isolated");
        Record("pc3 isolated", "pc3's append failed after", appendFailedAfter);
        Record("pc3 isolated", "pc3's first append after the heal", converged);
    }

    [RequiresRedisSentinelFact]
    public async Task MasterMachineIsolated_MajorityFailsOverOldSideCannotAcknowledgeHealConverges()
    {
        await using var fleet = await RedisSentinelFleet.StartAsync();
        await fleet.WaitUntilSettledAsync();
        fleet.StartGpuContention();
        await fleet.AppendAsync("pc3", 10);

        var clock = Stopwatch.StartNew();
        await fleet.Cluster.IsolateAsync("mainpc");
        var firstWrite = await fleet.FirstPlainWriteAsync("pc3", clock);
        var promoted = await fleet.Redis.WaitForFailoverAsync(fleet.Redis.Servers[0], RedisSentinelFleet.Deadline);

        // mainpc's side still has the old master, but no replica confirms its writes: nothing is acknowledged there.
        var oldSide = await fleet.TryAppendAsync("mainpc");
        await fleet.Cluster.HealAsync();
        var healed = Stopwatch.StartNew();
        var firstAppend = await fleet.FirstAppendAsync("pc3", clock);
        var mainpcBack = await fleet.FirstAppendAsync("mainpc", healed);
        await fleet.StopWorkloadAsync();

        Assert.Same(fleet.Redis.Servers[1], promoted);
        Assert.IsType<DurableStreamUnavailableException>(oldSide);
        await AssertNothingLostAsync(fleet, "master's machine isolated");
        Record("mainpc (master) isolated", "first successful write (plain) on the majority", firstWrite);
        Record("mainpc (master) isolated", "first replica-confirmed append (after the heal made the old master a replica)", firstAppend);
        Record("mainpc (master) isolated", "mainpc appends again after the heal", mainpcBack);
    }

    [RequiresRedisSentinelFact]
    public async Task OneWayLinkReplicaToMasterCut_ConfirmedWritesRefusedNotLostThenResume()
    {
        await using var fleet = await RedisSentinelFleet.StartAsync();
        await fleet.WaitUntilSettledAsync();
        fleet.StartGpuContention();
        await fleet.AppendAsync("pc3", 10);

        // Data from pc2 to mainpc is dropped: the replica still receives the stream but its acknowledgements never arrive.
        await fleet.Cluster.PartitionAsync("pc2", "mainpc", PartitionDirection.OneWay);
        var refused = await fleet.TryAppendAsync("pc3");
        await fleet.Cluster.HealAsync();
        var healed = Stopwatch.StartNew();
        var resumed = await fleet.FirstAppendAsync("pc3", healed);
        await fleet.AppendAsync("pc2", 10);
        await fleet.StopWorkloadAsync();

        Assert.IsType<DurableStreamUnavailableException>(refused);
        Assert.Same(fleet.Redis.Servers[0], await fleet.Redis.GetMasterAsync());
        await AssertNothingLostAsync(fleet, "one-way cut pc2 -> mainpc");
        Record("one-way cut pc2 -> mainpc", "first confirmed append after the heal", resumed);
    }

    [RequiresRedisSentinelFact]
    public async Task ReplicaRestartsWithItsData_ConfirmedWritesResumeAndNothingIsLost()
    {
        await using var fleet = await RedisSentinelFleet.StartAsync();
        await fleet.WaitUntilSettledAsync();
        fleet.StartGpuContention();
        await fleet.AppendAsync("pc3", 20);

        var clock = Stopwatch.StartNew();
        await fleet.Redis.Servers[1].RestartAsync(keepData: true);
        var resumed = await fleet.FirstAppendAsync("pc3", clock);
        await fleet.AppendAsync("mainpc", 10);
        await fleet.StopWorkloadAsync();

        Assert.Same(fleet.Redis.Servers[0], await fleet.Redis.GetMasterAsync());
        await AssertNothingLostAsync(fleet, "replica restarted with its data");
        Record("replica restarted with its data", "first confirmed append after the restart began", resumed);
    }

    private static async Task<T?> Record<T>(Func<Task> call)
        where T : Exception
    {
        try
        {
            await call();
            return null;
        }
        catch (T ex)
        {
            return ex;
        }
    }

    private async Task AssertNothingLostAsync(RedisSentinelFleet fleet, string scenario)
    {
        var lost = await fleet.CountLostAsync("pc3");
        ResilienceReport.Record(output, $"{Scenario}: {scenario}", $"acknowledged durable events lost (of {fleet.Acknowledged})", lost, "events");
        ResilienceReport.Record(output, $"{Scenario}: {scenario}", "GPU over-commit (ledger samples) / fencing tokens issued twice", fleet.OverCommitted + fleet.ReissuedTokens, "");
        Assert.Equal(0, lost);
        Assert.Equal(0, fleet.OverCommitted);
        Assert.Equal(0, fleet.ReissuedTokens);
    }

    private void Record(string scenario, string figure, TimeSpan value) =>
        ResilienceReport.Record(output, $"{Scenario}: {scenario}", figure, value.TotalMilliseconds, "ms");
}
