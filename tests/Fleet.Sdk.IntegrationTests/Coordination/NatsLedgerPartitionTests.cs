using System.Diagnostics;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// The GPU ledger on a real three-node nats-server cluster (three replicas) whose routes and client links cross
/// the fault proxy, one scheduler per machine. Each scenario counts over-commit (must be 0) and checks that
/// fencing tokens never go backwards. Timing bounds are tolerant: they prove "bounded"; the figures go to the output.
/// </summary>
[Trait("Category", "Partition")]
public sealed class NatsLedgerPartitionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Gpu = "mainpc";
    private const long Leasable = 24576 - 512;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly NatsLedgerLeases _leases = new(NatsLedgerMachine.Ttl);
    private readonly Dictionary<string, NatsLedgerMachine> _machines = [];
    private NatsCluster _nats = null!;
    private string _fleet = null!;

    public async Task InitializeAsync()
    {
        if (NatsAvailability.SkipReason is not null)
        {
            return;
        }

        _nats = await NatsCluster.StartAsync();
        await _nats.WaitUntilHealthyAsync(Deadline);
        _fleet = $"g{Guid.NewGuid():N}"[..10];
        foreach (var machine in _nats.Machines)
        {
            _machines[machine] = NatsLedgerMachine.Create(_nats, machine, _fleet, _leases);
        }

        // Every machine grants and releases once: the bucket (three replicas) exists and every connection is up.
        foreach (var machine in _machines.Values)
        {
            var lease = await machine.AcquireWhenAvailableAsync("warm-up", 1000, Gpu, Deadline);
            Assert.NotNull(lease);
            await machine.ReleaseAsync(lease);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var machine in _machines.Values)
        {
            await machine.DisposeAsync();
        }

        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    [RequiresNatsServerFact]
    public async Task MinorityIsolated_ItsGrantsFailFastMajorityKeepsGrantingAfterHealNoOverCommitTokensNeverBackwards()
    {
        // Isolate the machine whose node leads the ledger's stream: the majority must elect another leader.
        var isolated = await StreamLeaderAsync();
        var majority = _machines.Values.Where(m => m.Name != isolated).ToList();
        var minority = _machines[isolated];
        await using (var before = await minority.AcquireWhenAvailableAsync("held-by-minority", 12000, Gpu, Deadline))
        {
            Assert.NotNull(before);
            var tokenBefore = before.FencingToken;

            await _nats.Cluster.IsolateAsync(isolated);
            var cut = Stopwatch.StartNew();

            // The majority elects another leader and grants again, while the minority's grants fail fast with the
            // ledger's error and nothing is granted there.
            var majorityFirst = Task.Run(async () =>
            {
                var lease = await majority[0].AcquireWhenAvailableAsync("majority-first", 1000, Gpu, Deadline);
                output.WriteLine($"first majority grant {cut.ElapsedMilliseconds} ms after isolating {isolated} (the stream's leader), token {lease?.FencingToken}");
                return lease;
            });
            for (var i = 0; i < 3; i++)
            {
                var attempt = Stopwatch.StartNew();
                var refused = await Record.ExceptionAsync(async () => output.WriteLine($"minority grant {i} on {minority.ConnectedServer}: {await minority.AcquireAsync($"minority-{i}", 1000, Gpu)}"));
                output.WriteLine($"minority grant {i} failed after {attempt.ElapsedMilliseconds} ms: {refused?.GetType().Name}");
                if (refused is null)
                {
                    // Evidence for the failure message: is the isolated node still cut, and what does the majority see?
                    var routes = await _nats.GetRouteCountAsync(isolated);
                    var seen = (await majority[0].Scheduler.GetStatusAsync()).Single(g => g.Machine == Gpu);
                    Assert.Fail($"the isolated {isolated} granted (on node {minority.ConnectedServer}); its node has {routes} route(s); the majority's ledger shows token {seen.FencingToken} and leases {string.Join(", ", seen.Leases.Select(l => l.Workload))}");
                }

                Assert.IsType<GpuLedgerUnavailableException>(refused);
                Assert.True(attempt.Elapsed < TimeSpan.FromSeconds(15), $"the minority's grant took {attempt.Elapsed} to fail");
            }

            // 20000 MiB fit beside the minority's 12000 only once that lease expires in the ledger (its holder cannot renew).
            var first = await majorityFirst;
            Assert.NotNull(first);
            await majority[0].ReleaseAsync(first);
            var big = await majority[1].AcquireWhenAvailableAsync("majority-big", 20000, Gpu, Deadline);
            Assert.NotNull(big);
            output.WriteLine($"20000 MiB granted to {majority[1].Name} {cut.ElapsedMilliseconds} ms after the cut; the minority's lease is {before.State}");
            Assert.True(await Poll.UntilAsync(() => before.Lost.IsCancellationRequested, Deadline), "the minority's holder must give its lease up");
            await majority[1].ReleaseAsync(big);
            Assert.True(big.FencingToken > tokenBefore);

            var granted = 0;
            await Task.WhenAll(majority.Select(m => Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    var lease = await m.AcquireWhenAvailableAsync($"{m.Name}-{i}", 6000 + (i * 500), Gpu, Deadline);
                    Assert.NotNull(lease);
                    Interlocked.Increment(ref granted);
                    await m.ReleaseAsync(lease);
                }
            })));
            Assert.Equal(20, granted);
            await Assert.ThrowsAsync<GpuLedgerUnavailableException>(() => minority.AcquireAsync("still-cut", 1000, "pc2"));

            await _nats.Cluster.HealAsync();
            var healed = Stopwatch.StartNew();
            var maxBefore = _leases.MaxToken(Gpu);
            var after = await minority.AcquireWhenAvailableAsync("minority-after-heal", 1000, Gpu, Deadline);
            Assert.NotNull(after);
            output.WriteLine($"the minority granted again {healed.ElapsedMilliseconds} ms after the heal, token {after.FencingToken} (highest before {maxBefore})");
            Assert.True(after.FencingToken > maxBefore);
            // The healed node may still be catching up: ask until the ledger answers.
            GpuLeaseValidity? verdict = null;
            Assert.True(await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        verdict = await minority.Scheduler.ValidateAsync(before.Token);
                        return true;
                    }
                    catch (GpuLedgerUnavailableException)
                    {
                        return false;
                    }
                },
                Deadline));
            Assert.Equal(GpuLeaseValidity.Stale, verdict);
            await minority.ReleaseAsync(after);
        }

        AssertNoOverCommitAndTokensInOrder();
    }

    [RequiresNatsServerFact]
    public async Task LeaderKilled_FirstGrantAfterTheLossMeasuredThenRestartWithDataNoOverCommitTokensNeverBackwards()
    {
        var leader = await StreamLeaderAsync();
        var survivors = _machines.Values.Where(m => m.Name != leader).ToList();
        var maxBefore = _leases.MaxToken(Gpu);

        await _nats.KillAsync(leader);
        var killed = Stopwatch.StartNew();

        var first = await survivors[0].AcquireWhenAvailableAsync("after-kill", 4000, Gpu, Deadline);
        Assert.NotNull(first);
        var elapsed = killed.Elapsed;
        output.WriteLine($"leader {leader} killed: first successful grant {elapsed.TotalMilliseconds:0} ms later (on {survivors[0].Name}), token {first.FencingToken}");
        Assert.True(first.FencingToken > maxBefore);
        Assert.True(elapsed < Deadline);

        // The killed machine's scheduler reaches the survivors through its links and grants too.
        var fromKilled = await _machines[leader].AcquireWhenAvailableAsync("from-killed-machine", 4000, Gpu, Deadline);
        Assert.NotNull(fromKilled);
        output.WriteLine($"{leader}'s scheduler granted again {killed.ElapsedMilliseconds} ms after its node was killed");

        await _nats.RestartAsync(leader, keepData: true);
        await _nats.WaitUntilHealthyAsync(Deadline);
        var afterRestart = await survivors[1].AcquireWhenAvailableAsync("after-restart", 4000, Gpu, Deadline);
        Assert.NotNull(afterRestart);
        Assert.True(afterRestart.FencingToken > Math.Max(first.FencingToken, fromKilled.FencingToken));
        foreach (var (machine, lease) in new[] { (survivors[0], first), (_machines[leader], fromKilled), (survivors[1], afterRestart) })
        {
            await machine.ReleaseAsync(lease);
        }

        AssertNoOverCommitAndTokensInOrder();
    }

    private async Task<string> StreamLeaderAsync()
    {
        string? leader = null;
        Assert.True(await Poll.UntilAsync(async () => (leader = await _nats.GetStreamLeaderAsync($"KV_fleet-{_fleet}-gpu-ledger")) is not null, Deadline), "the ledger's stream should have a leader");
        return leader!;
    }

    private void AssertNoOverCommitAndTokensInOrder()
    {
        var overCommits = _leases.OverCommits(Gpu, Leasable, out var worst);
        var outOfOrder = _leases.TokensOutOfOrder(Gpu);
        output.WriteLine($"{_leases.Count(Gpu)} grants on {Gpu}: over-commit {overCommits}, tokens out of order {outOfOrder.Count}");
        Assert.True(overCommits == 0, $"over-committed {overCommits} time(s); worst {worst}");
        Assert.Empty(outOfOrder);
    }
}
