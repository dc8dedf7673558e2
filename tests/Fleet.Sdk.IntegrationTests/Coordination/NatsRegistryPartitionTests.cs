using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// The registry on a real three-node NATS JetStream cluster (mainpc, pc2, pc3; routes and clients through the fault
/// proxy; bucket with 3 replicas), one agent host per machine. Each scenario checks what the fault does to writes and
/// reads, that everything converges after it, and that no acknowledged registration is lost. The time from losing
/// the leader to the first successful write goes to the test output (tolerant bounds only: the figures come from the
/// benchmark).
/// </summary>
[Trait("Category", "Partition")]
public sealed class NatsRegistryPartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>The pause between two probe writes while a write is refused (an election under way): pacing, not a wait.</summary>
    private static readonly TimeSpan RetryPacing = TimeSpan.FromMilliseconds(50);

    [RequiresNatsServerFact]
    public async Task BucketLeaderKilled_MajorityWritesAgainAndTheNodeRestartedWithItsDataCatchesUp()
    {
        await using var fleet = await NatsFleet.StartAsync();
        await fleet.RegisterEveryMachineAsync();
        await fleet.WriteProbesAsync(fleet.Machines[0], 5);
        var leader = await fleet.BucketLeaderAsync();
        var writer = fleet.Machines.First(m => m.Name != leader);

        await fleet.Nats.KillAsync(leader);
        var failover = await fleet.FirstWriteAsync(writer, Deadline);

        output.WriteLine($"Bucket leader {leader} killed: first acknowledged write from {writer.Name} after {failover.TotalMilliseconds:0} ms.");
        foreach (var survivor in fleet.Machines.Where(m => m.Name != leader))
        {
            // Reads never stopped: current, or the last known view while the bucket had no leader.
            var view = await survivor.Resolver.ResolveAsync("Agent-" + leader);
            Assert.Equal(leader, Assert.Single(view.Instances).InstanceId);
        }

        Assert.True(await Poll.UntilAsync(async () => await fleet.BucketLeaderAsync() is { } next && next != leader, Deadline), "no new bucket leader among the survivors");
        await fleet.WriteProbesAsync(writer, 5);

        await fleet.Nats.RestartAsync(leader, keepData: true);
        await fleet.AssertConvergedAsync(output);
    }

    [RequiresNatsServerFact]
    public async Task LeaderMachineIsolated_ItsWritesFailFastItsReadsServeLastKnownGoodTheMajorityGoesOnThenConverges()
    {
        await using var fleet = await NatsFleet.StartAsync();
        await fleet.RegisterEveryMachineAsync();
        await fleet.WriteProbesAsync(fleet.Machines[0], 3);
        var cutName = await fleet.BucketLeaderAsync();
        var cut = fleet[cutName];
        var majority = fleet.Machines.Where(m => m != cut).ToList();

        await fleet.Nats.Cluster.IsolateAsync(cutName);

        // The minority: its writes fail with the coordination error within the operation timeout (plus a loaded machine's slack).
        var watch = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<DiscoveryUnavailableException>(() => cut.WriteProbeAsync("minority-write"));
        var took = watch.Elapsed;
        var cause = Assert.IsType<CoordinationUnavailableException>(refused.InnerException);
        Assert.Equal(CoordinationEngine.Nats, cause.Engine);
        Assert.True(took < NatsAgentMachine.OperationTimeout + TimeSpan.FromSeconds(3), $"the minority's write took {took} to fail");
        output.WriteLine($"{cutName} isolated: its write failed after {took.TotalMilliseconds:0} ms: {refused.Message}");

        // Its reads serve the last known good view, marked stale.
        var other = majority[0].Name;
        Assert.True(await Poll.UntilAsync(async () => (await cut.Resolver.ResolveAsync("Agent-" + other)).IsStale, Deadline), "the isolated machine never marked its view stale");
        Assert.Equal(other, Assert.Single((await cut.Resolver.ResolveAsync("Agent-" + other)).Instances).InstanceId);

        // The majority elects a leader of its own and goes on.
        var failover = await fleet.FirstWriteAsync(majority[0], Deadline);
        output.WriteLine($"The majority's first acknowledged write came {failover.TotalMilliseconds:0} ms after the cut.");
        await majority[1].RegisterAsync("AfterCut", "a1");
        Assert.True(await Poll.UntilAsync(() => majority[0].ResolvesCurrentAsync("AfterCut", "a1"), Deadline));
        Assert.NotEqual(cutName, await fleet.BucketLeaderAsync());

        await fleet.Nats.Cluster.HealAsync();

        Assert.True(await Poll.UntilAsync(() => cut.ResolvesCurrentAsync("AfterCut", "a1"), Deadline), "the healed machine never saw the majority's registration");
        await fleet.AssertConvergedAsync(output);
    }

    /// <summary>
    /// Data from the leader's machine to one follower's machine is dropped, the other direction still flows. NATS needs
    /// both directions on a route, so those two nodes lose each other while both still reach the third: a partial
    /// partition, in which RAFT may move leadership back and forth, so write availability is measured, not promised.
    /// What must hold: nothing acknowledged is lost, and after the heal every machine writes and reads current data.
    /// </summary>
    [RequiresNatsServerFact]
    public async Task OneWayLinkFromTheLeader_NothingAcknowledgedIsLostAndEverythingConvergesAfterHeal()
    {
        await using var fleet = await NatsFleet.StartAsync();
        await fleet.RegisterEveryMachineAsync();
        var leader = await fleet.BucketLeaderAsync();
        var followers = fleet.Machines.Where(m => m.Name != leader).ToArray();
        var (deaf, third) = (followers[0], followers[1]);

        await fleet.Nats.Cluster.PartitionAsync(leader, deaf.Name, PartitionDirection.OneWay);

        var watch = Stopwatch.StartNew();
        var attempts = 0;
        var acknowledged = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            attempts++;
            acknowledged += await fleet.TryWriteProbeAsync(third) ? 1 : 0;
        }

        output.WriteLine($"One-way cut {leader} -> {deaf.Name}: {acknowledged} of {attempts} writes from {third.Name} acknowledged in 15 s.");

        await fleet.Nats.Cluster.HealAsync();
        foreach (var machine in fleet.Machines)
        {
            await fleet.FirstWriteAsync(machine, Deadline);
        }

        await fleet.AssertConvergedAsync(output);
    }

    [RequiresNatsServerFact]
    public async Task FollowerKilledAndRestartedWithItsData_WritesNeverStopAndItCatchesUp()
    {
        await using var fleet = await NatsFleet.StartAsync();
        await fleet.RegisterEveryMachineAsync();
        var leader = await fleet.BucketLeaderAsync();
        var follower = fleet.Machines.First(m => m.Name != leader).Name;

        await fleet.Nats.KillAsync(follower);
        await fleet.WriteProbesAsync(fleet[leader], 10);
        await fleet.Nats.RestartAsync(follower, keepData: true);
        await fleet.WriteProbesAsync(fleet[follower], 3);

        await fleet.AssertConvergedAsync(output);
    }

    /// <summary>The cluster, one agent per machine, and every write the registry acknowledged.</summary>
    private sealed class NatsFleet : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, byte> _acknowledged = new(StringComparer.Ordinal);
        private int _probe;

        private NatsFleet(NatsCluster nats, IReadOnlyList<NatsAgentMachine> machines, string bucket)
        {
            Nats = nats;
            Machines = machines;
            Stream = "KV_" + bucket;
        }

        public NatsCluster Nats { get; }

        public IReadOnlyList<NatsAgentMachine> Machines { get; }

        public string Stream { get; }

        public NatsAgentMachine this[string name] => Machines.Single(m => m.Name == name);

        public static async Task<NatsFleet> StartAsync()
        {
            var nats = await NatsCluster.StartAsync();
            var fleet = $"p{Guid.NewGuid():N}"[..10];
            var machines = new List<NatsAgentMachine>();
            foreach (var machine in nats.Machines)
            {
                machines.Add(await NatsAgentMachine.StartAsync(nats, machine, fleet));
            }

            return new NatsFleet(nats, machines, $"fleet-{fleet}-registry");
        }

        /// <summary>Each machine registers <c>Agent-{machine}</c>, and every machine resolves every agent.</summary>
        public async Task RegisterEveryMachineAsync()
        {
            foreach (var machine in Machines)
            {
                await machine.RegisterAsync("Agent-" + machine.Name, machine.Name);
            }

            foreach (var reader in Machines)
            {
                foreach (var agent in Machines)
                {
                    Assert.True(await Poll.UntilAsync(() => reader.ResolvesCurrentAsync("Agent-" + agent.Name, agent.Name), Deadline), $"{reader.Name} never resolved {agent.Name}");
                }
            }
        }

        public async Task<string> BucketLeaderAsync()
        {
            string? leader = null;
            Assert.True(await Poll.UntilAsync(async () => (leader = await Nats.GetStreamLeaderAsync(Stream)) is not null, Deadline), $"{Stream} has no leader");
            return leader!;
        }

        /// <summary>Writes until <paramref name="count"/> probes are acknowledged (retrying through an election).</summary>
        public async Task WriteProbesAsync(NatsAgentMachine writer, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await FirstWriteAsync(writer, Deadline);
            }
        }

        /// <summary>Writes a new probe again and again until one is acknowledged; returns how long that took.</summary>
        public async Task<TimeSpan> FirstWriteAsync(NatsAgentMachine writer, TimeSpan deadline)
        {
            var watch = Stopwatch.StartNew();
            Assert.True(await Poll.UntilAsync(() => TryWriteProbeAsync(writer), deadline, RetryPacing), $"no write from {writer.Name} was acknowledged within {deadline}");
            return watch.Elapsed;
        }

        public async Task<bool> TryWriteProbeAsync(NatsAgentMachine writer)
        {
            var id = $"{writer.Name}-{Interlocked.Increment(ref _probe)}";
            try
            {
                await writer.WriteProbeAsync(id);
                _acknowledged[id] = 0;
                return true;
            }
            catch (DiscoveryUnavailableException)
            {
                return false;
            }
        }

        /// <summary>
        /// After the fault: every node healthy and caught up with the bucket's last sequence, every machine resolving
        /// every agent from a fresh read, and every acknowledged probe still in the registry (0 lost).
        /// </summary>
        public async Task AssertConvergedAsync(ITestOutputHelper output)
        {
            var watch = Stopwatch.StartNew();
            await Nats.WaitUntilHealthyAsync(Deadline);
            ulong target = 0;
            Assert.True(await Poll.UntilAsync(async () => (target = (await Task.WhenAll(Machines.Select(m => Nats.GetStreamLastSequenceAsync(m.Name, Stream)))).Max() ?? 0) > 0, Deadline));
            foreach (var machine in Machines)
            {
                Assert.True(await Poll.UntilAsync(async () => await Nats.GetStreamLastSequenceAsync(machine.Name, Stream) >= target, Deadline), $"{machine.Name}'s replica never reached sequence {target}");
            }

            foreach (var reader in Machines)
            {
                foreach (var agent in Machines)
                {
                    Assert.True(await Poll.UntilAsync(() => reader.ResolvesCurrentAsync("Agent-" + agent.Name, agent.Name), Deadline), $"{reader.Name} never resolved {agent.Name} again");
                }
            }

            IReadOnlyList<ServiceInstance> probes = [];
            Assert.True(await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        probes = await Machines[0].Registry.FetchAsync("Probe");
                        return true;
                    }
                    catch (DiscoveryUnavailableException)
                    {
                        return false;
                    }
                },
                Deadline));
            var present = probes.Select(p => p.InstanceId).ToHashSet(StringComparer.Ordinal);
            var lost = _acknowledged.Keys.Where(id => !present.Contains(id)).ToList();
            output.WriteLine($"Converged {watch.ElapsedMilliseconds} ms after the heal/restart; {_acknowledged.Count} acknowledged registrations, {lost.Count} lost.");
            Assert.Empty(lost);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var machine in Machines)
            {
                await machine.DisposeAsync();
            }

            await Nats.DisposeAsync();
        }
    }
}
