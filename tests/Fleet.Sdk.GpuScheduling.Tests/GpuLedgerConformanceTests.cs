using System.Diagnostics;

namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>
/// What every ledger must do, seen through the scheduler. Each ledger runs this suite through a
/// derived class. Leases live 2 s and renew every 200 ms; expiry is observed in real time by polling.
/// </summary>
public abstract class GpuLedgerConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly List<GpuTestFleet> _fleets = [];

    private protected GpuTestFleet Fleet { get; private set; } = null!;

    protected abstract string? RedisConnectionString { get; }

    /// <summary>The ledger could not be reached this time (a script timed out on a loaded machine): poll again until the deadline.</summary>
    private static bool IsTransient(Exception ex) => ex is GpuLedgerUnavailableException;

    public Task InitializeAsync()
    {
        Fleet = Create();
        return Task.CompletedTask;
    }



    public async Task DisposeAsync()
    {
        foreach (var fleet in _fleets)
        {
            await fleet.DisposeAsync();
        }
    }

    /// <summary>Another process on the same ledger as <see cref="Fleet"/> (or as <paramref name="sharing"/>).</summary>
    private protected GpuTestFleet Create(Action<GpuSchedulingOptions>? configure = null, bool threeMachines = false, GpuTestFleet? sharing = null)
    {
        var fleet = GpuTestFleet.Create(RedisConnectionString, configure, threeMachines, sharing ?? (_fleets.Count > 0 ? _fleets[0] : null));
        _fleets.Add(fleet);
        return fleet;
    }

    [SuiteFact]
    public async Task Acquire_Fits_LeaseNamesMachineGpuSizeTokenAndExpiry()
    {
        var result = await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 14336));

        await using var lease = result.Lease!;
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(("mainpc", 0, "RTX 4090", 14336L), (lease.Machine, lease.GpuIndex, lease.GpuName, lease.VramMib));
        Assert.True(lease.FencingToken > 0);
        Assert.True(lease.ExpiresAt > DateTimeOffset.UtcNow.AddSeconds(1), $"expires {lease.ExpiresAt:O}");
        Assert.Equal(GpuLeaseValidity.Valid, await Fleet.Scheduler.ValidateAsync(lease.Token));
    }

    [SuiteFact]
    public async Task Acquire_Repeatedly_FencingTokensIncreasePerGpu()
    {
        var tokens = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var lease = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("tts", 2000, Rules: new GpuPlacementRules { RequiredMachine = "pc2" }))).Lease!;
            tokens.Add(lease.FencingToken);
            await lease.DisposeAsync();
        }

        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [SuiteFact]
    public async Task Acquire_TooBigForEveryGpu_DoesNotFitWithCandidatesAndWhy()
    {
        await using var held = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 20000))).Lease!;

        var result = await Fleet.Scheduler.AcquireAsync(new GpuRequest("vision", 16000));

        Assert.False(result.Succeeded);
        Assert.Contains("'vision' needs 16000 MiB (default)", result.Reason, StringComparison.Ordinal);
        var best = result.Candidates[0];
        Assert.Equal("pc2", best.Machine);
        Assert.Equal(11776, best.FreeMib);
        Assert.Contains("12288 capacity - 512 margin - 0 reserved", best.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Candidates, c => c.Machine == "mainpc" && c.FreeMib == 4064);
    }

    [SuiteFact]
    public async Task Acquire_Variants_BestThatFits()
    {
        await using var big = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("other", 20000))).Lease!;

        var result = await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 14336) { Variant = "fp16", Fallbacks = [new GpuVariant("int8", 8192)] });

        await using var lease = result.Lease!;
        Assert.Equal(("int8", 8192L, "pc2"), (lease.Variant, lease.VramMib, lease.Machine));
    }

    [SuiteFact]
    public async Task Release_FreesTheVramAndStalesTheToken()
    {
        var lease = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 20000))).Lease!;
        Assert.False((await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm2", 20000))).Succeeded);

        await lease.ReleaseAsync();

        await using var again = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm2", 20000))).Lease!;
        Assert.NotNull(again);
        Assert.Equal(GpuLeaseState.Released, lease.State);
        Assert.True(lease.Lost.IsCancellationRequested);
        Assert.Equal(GpuLeaseValidity.Stale, await Fleet.Scheduler.ValidateAsync(lease.Token));
        Assert.True(again.FencingToken > lease.FencingToken);
    }

    [SuiteFact]
    public async Task Heartbeat_KeepsTheLeaseWellPastItsTtl()
    {
        await using var lease = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 4000))).Lease!;
        var first = lease.ExpiresAt;

        Assert.True(await Poll.UntilAsync(() => lease.ExpiresAt > first.AddSeconds(2.5), Deadline), "the heartbeat should have renewed the lease past two TTLs");
        Assert.Equal(GpuLeaseValidity.Valid, await Fleet.Scheduler.ValidateAsync(lease.Token));
        Assert.Equal(GpuLeaseState.Active, lease.State);
    }

    [SuiteFact]
    public async Task HolderStops_LeaseExpiresVramFreedTokenStale()
    {
        var silent = Fleet;
        var lease = (await silent.Scheduler.AcquireAsync(new GpuRequest("llm", 20000))).Lease!;
        var watch = Stopwatch.StartNew();
        lease.StopHeartbeat(); // The holder hangs: no renewal, no release.

        Assert.True(await Poll.UntilAsync(async () => await silent.Scheduler.ValidateAsync(lease.Token) == GpuLeaseValidity.Stale, IsTransient, Deadline));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.5), $"expired after {watch.Elapsed}, before its 2 s TTL");
        Assert.Equal(GpuLeaseState.Lost, await lease.RenewAsync());
        Assert.True(lease.Lost.IsCancellationRequested);
        await using var next = (await silent.Scheduler.AcquireAsync(new GpuRequest("llm", 20000))).Lease!;
        Assert.True(next.FencingToken > lease.FencingToken);
    }

    [SuiteFact]
    public async Task Preemption_HigherPriorityEvictsLower_HolderToldAndGivenGrace()
    {
        // The holder learns of the eviction from its next renewal (every 200 ms). With a 1 s grace, a CI run under load
        // once saw the lease only as lost (no renewal ran within the grace); a 3 s grace, and a lease TTL above it
        // (the grace never outlasts the victim's lease), leave a starved test process time to renew.
        var holder = Create(o => o.LeaseTtl = TimeSpan.FromSeconds(5));
        var preemptor = Create(o => o.PreemptionGrace = TimeSpan.FromSeconds(3));
        var batch = (await holder.Scheduler.AcquireAsync(new GpuRequest("batch", 11000, Priority: 1, new GpuPlacementRules { RequiredMachine = "pc2" }))).Lease!;
        var states = new List<GpuLeaseState>();
        batch.StateChanged += (_, state) =>
        {
            lock (states)
            {
                states.Add(state);
            }
        };

        var watch = Stopwatch.StartNew();
        var result = await preemptor.Scheduler.AcquireAsync(new GpuRequest("llm", 8000, Priority: 10, new GpuPlacementRules { RequiredMachine = "pc2" }));

        await using var lease = result.Lease!;
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("pc2", lease.Machine);
        Assert.True(await Poll.UntilAsync(() => batch.State == GpuLeaseState.Lost, Deadline));
        lock (states)
        {
            Assert.Equal([GpuLeaseState.Revoking, GpuLeaseState.Lost], states);
        }

        Assert.NotNull(batch.RevokeDeadline);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.5), $"the evicted lease got only {watch.Elapsed} of its 3 s grace");
        Assert.Equal(GpuLeaseValidity.Stale, await preemptor.Scheduler.ValidateAsync(batch.Token));
        Assert.True(lease.FencingToken > batch.FencingToken);
    }

    [SuiteFact]
    public async Task Preemption_NotAllowedOrEqualPriority_Refused()
    {
        await using var held = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 11000, Priority: 5, new GpuPlacementRules { RequiredMachine = "pc2" }))).Lease!;

        var equal = await Fleet.Scheduler.AcquireAsync(new GpuRequest("tts", 4000, Priority: 5, new GpuPlacementRules { RequiredMachine = "pc2" }));
        var forbidden = await Fleet.Scheduler.AcquireAsync(new GpuRequest("tts", 4000, Priority: 9, new GpuPlacementRules { RequiredMachine = "pc2", AllowPreemption = false }));

        Assert.False(equal.Succeeded);
        Assert.False(forbidden.Succeeded);
        Assert.Equal(GpuLeaseValidity.Valid, await Fleet.Scheduler.ValidateAsync(held.Token));
    }

    // The failover tests wait for a lease to expire, so every ledger call goes through Poll with IsTransient: under load a
    // Redis script once timed out (2 s) during the wait, and the test failed where the wait should have gone on. A retried
    // acquire whose first try was granted after all leaves a lease nobody renews: it expires within the TTL like the dead one.

    [SuiteFact]
    public async Task Failover_MachineStopsHeartbeating_ItsLeaseExpiresAndAWaitingRequestIsPlaced()
    {
        // pc2's holder goes silent (its machine died) and pc2 leaves discovery.
        var dead = (await Poll.ResultAsync(_ => Fleet.Scheduler.AcquireAsync(new GpuRequest("whisper", 6000, Rules: new GpuPlacementRules { RequiredMachine = "pc2" })), IsTransient, Deadline)).Lease!;
        dead.StopHeartbeat();
        await using var mainpcBusy = (await Poll.ResultAsync(_ => Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 23000, Priority: 99)), IsTransient, Deadline)).Lease!;
        Fleet.Liveness.Down("pc2");

        var refused = await Poll.ResultAsync(_ => Fleet.Scheduler.AcquireAsync(new GpuRequest("whisper", 8000)), IsTransient, Deadline);
        Assert.False(refused.Succeeded);
        Assert.Contains(refused.Candidates, c => c.Machine == "pc2" && c.Reason.Contains("not live", StringComparison.Ordinal));

        // pc2 comes back; 8000 MiB fits only once the silent holder's 6000 MiB expire.
        var waiting = Poll.ResultAsync(left => Fleet.Scheduler.AcquireAsync(new GpuRequest("whisper", 8000), left), IsTransient, TimeSpan.FromSeconds(20));
        Fleet.Liveness.Up("pc2");
        var placed = await waiting;

        await using var lease = placed.Lease!;
        Assert.True(placed.Succeeded, placed.ToString());
        Assert.Equal("pc2", lease.Machine);
        Assert.Equal(GpuLeaseValidity.Stale, await Poll.ResultAsync(_ => Fleet.Scheduler.ValidateAsync(dead.Token), IsTransient, Deadline));
        Assert.True(lease.FencingToken > dead.FencingToken);
    }

    [SuiteFact]
    public async Task Failover_WaitingRequest_PlacedElsewhereWhenRoomAppears()
    {
        var fleet = Create(threeMachines: true, sharing: Fleet);
        await using var a = (await Poll.ResultAsync(_ => fleet.Scheduler.AcquireAsync(new GpuRequest("a", 23000, Rules: new GpuPlacementRules { RequiredMachine = "mainpc" })), IsTransient, Deadline)).Lease!;
        await using var b = (await Poll.ResultAsync(_ => fleet.Scheduler.AcquireAsync(new GpuRequest("b", 11000, Rules: new GpuPlacementRules { RequiredMachine = "pc2" })), IsTransient, Deadline)).Lease!;
        var stopped = (await Poll.ResultAsync(_ => fleet.Scheduler.AcquireAsync(new GpuRequest("c", 23000, Rules: new GpuPlacementRules { RequiredMachine = "pc3" })), IsTransient, Deadline)).Lease!;
        stopped.StopHeartbeat();

        var placed = await Poll.ResultAsync(left => fleet.Scheduler.AcquireAsync(new GpuRequest("vision", 16000), left), IsTransient, TimeSpan.FromSeconds(20));

        await using var lease = placed.Lease!;
        Assert.True(placed.Succeeded, placed.ToString());
        Assert.Equal("pc3", lease.Machine);
        Assert.Equal(GpuLeaseValidity.Stale, await Poll.ResultAsync(_ => fleet.Scheduler.ValidateAsync(stopped.Token), IsTransient, Deadline));
    }

    [SuiteFact]
    public async Task Status_UsedAboveReserved_ReportsMemoryPressure()
    {
        await using var lease = (await Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 4000, Rules: new GpuPlacementRules { RequiredMachine = "pc2" }))).Lease!;
        await Fleet.Ledger.ReportUsageAsync(new GpuId("pc2", 0), 9000, TimeSpan.FromMinutes(1), CancellationToken.None);

        var status = await Fleet.Scheduler.GetStatusAsync();

        var pc2 = Assert.Single(status, s => s.Machine == "pc2");
        Assert.Equal((12288L, 4000L, 9000L), (pc2.CapacityMib, pc2.ReservedMib, pc2.UsedMib!.Value));
        Assert.True(pc2.UnderMemoryPressure);
        Assert.Equal("llm", Assert.Single(pc2.Leases).Workload);
        Assert.False(Assert.Single(status, s => s.Machine == "mainpc").UnderMemoryPressure);
    }

    [SuiteFact]
    public async Task Plan_ShowsWhereRequestsWouldGoWithoutReserving()
    {
        var plans = await Fleet.Scheduler.PlanAsync([new GpuRequest("llm", 20000), new GpuRequest("tts", 6000), new GpuRequest("vision", 8000)]);

        Assert.Equal([("mainpc", true), ("pc2", true), (null, false)], plans.Select(p => (p.Machine, p.Fits)));
        Assert.NotNull(plans[2].Reason);
        Assert.All(await Fleet.Scheduler.GetStatusAsync(), s => Assert.Equal(0, s.ReservedMib));
    }

    [SuiteFact]
    public async Task Concurrency_ManyClientsRandomSizes_NeverOverCommittedAndNoExpiredLeaseHonoured()
    {
        var ledger = Fleet.Ledger;
        GpuId[] gpus = [new("mainpc", 0), new("pc2", 0)];
        var leasable = new Dictionary<GpuId, long> { [gpus[0]] = 24576 - 512, [gpus[1]] = 12288 - 512 };
        var abandoned = new List<(GpuId Gpu, LedgerEntry Entry, long Token, DateTimeOffset LocalExpiry)>();
        var granted = 0;
        var refused = 0;
        var staleChecks = 0;
        var abandonedCount = 0;

        async Task CheckInvariantsAsync()
        {
            foreach (var view in await ledger.SnapshotAsync(gpus, includeOthers: false, CancellationToken.None))
            {
                Assert.True(view.GrantedMib <= leasable[view.Gpu], $"{view.Gpu} over-committed: {view.GrantedMib} MiB leased of {leasable[view.Gpu]}");
                Assert.All(view.Entries, e => Assert.True(e.ExpiresAtMs > view.NowMs, $"expired entry {e.LeaseId} still held on {view.Gpu}"));
            }

            List<(GpuId Gpu, LedgerEntry Entry, long Token, DateTimeOffset LocalExpiry)> due;
            lock (abandoned)
            {
                // 50 ms of slack for the ledger's clock reading against ours.
                due = abandoned.Where(a => DateTimeOffset.UtcNow > a.LocalExpiry.AddMilliseconds(50)).ToList();
                abandoned.RemoveAll(due.Contains);
            }

            foreach (var (gpu, entry, token, _) in due)
            {
                Assert.Null((await ledger.ValidateAsync(gpu, entry.LeaseId, token, CancellationToken.None)).State);
                Assert.Equal(RenewStatus.Lost, (await ledger.RenewAsync(gpu, entry.LeaseId, token, TimeSpan.FromSeconds(5), CancellationToken.None)).Status);
                Interlocked.Increment(ref staleChecks);
            }
        }

        async Task ClientAsync(int seed)
        {
            var random = new Random(seed);
            var held = new List<(GpuId Gpu, LedgerEntry Entry, long Token)>();
            for (var step = 0; step < 30; step++)
            {
                var roll = random.Next(10);
                if (roll < 5 || held.Count == 0)
                {
                    var gpu = gpus[random.Next(gpus.Length)];
                    var entry = new LedgerEntry(Guid.NewGuid().ToString("N"), $"w{seed}", "default", $"client-{seed}", random.Next(256, 8192), random.Next(5));
                    var abandon = random.Next(5) == 0;
                    var ttl = abandon ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(30);
                    var before = DateTimeOffset.UtcNow;
                    var outcome = await ledger.ReserveAsync(gpu, leasable[gpu], entry, ttl, null, CancellationToken.None);
                    if (!outcome.Granted)
                    {
                        Interlocked.Increment(ref refused);
                    }
                    else if (abandon)
                    {
                        Interlocked.Increment(ref granted);
                        Interlocked.Increment(ref abandonedCount);
                        lock (abandoned)
                        {
                            abandoned.Add((gpu, entry, outcome.Token, DateTimeOffset.FromUnixTimeMilliseconds(outcome.ExpiresAtMs)));
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref granted);
                        held.Add((gpu, entry, outcome.Token));
                    }
                }
                else if (roll < 8)
                {
                    var victim = held[random.Next(held.Count)];
                    held.Remove(victim);
                    Assert.True(await ledger.ReleaseAsync(victim.Gpu, victim.Entry.LeaseId, victim.Token, CancellationToken.None));
                }
                else
                {
                    var lease = held[random.Next(held.Count)];
                    Assert.Equal(RenewStatus.Renewed, (await ledger.RenewAsync(lease.Gpu, lease.Entry.LeaseId, lease.Token, TimeSpan.FromSeconds(30), CancellationToken.None)).Status);
                }

                await CheckInvariantsAsync();
            }

            foreach (var lease in held)
            {
                Assert.True(await ledger.ReleaseAsync(lease.Gpu, lease.Entry.LeaseId, lease.Token, CancellationToken.None));
            }
        }

        // Connect first: the shared Redis connection is made synchronously on first use, and 16
        // clients blocked on it would starve a 2-core thread pool for seconds.
        await CheckInvariantsAsync();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => ClientAsync(i))));

        // Every abandoned lease is past its TTL by now, or soon: each must be refused.
        Assert.True(await Poll.UntilAsync(
            () => { lock (abandoned) { return abandoned.All(a => DateTimeOffset.UtcNow > a.LocalExpiry.AddMilliseconds(50)); } },
            TimeSpan.FromSeconds(5)));
        await CheckInvariantsAsync();
        Assert.Equal(abandonedCount, staleChecks);
        Assert.True(granted >= 20 && refused > 0, $"granted {granted}, refused {refused}: the test should both fill the GPUs and be refused");
        Assert.All(await ledger.SnapshotAsync(gpus, includeOthers: false, CancellationToken.None), v => Assert.Empty(v.Entries));
    }

    [SuiteFact]
    public async Task Concurrency_SchedulersAcquireReleaseAndPreempt_NeverOverCommitted()
    {
        var clients = Enumerable.Range(0, 8).Select(_ => Create()).ToList();
        GpuId[] gpus = [new("mainpc", 0), new("pc2", 0)];
        var leasable = new Dictionary<GpuId, long> { [gpus[0]] = 24576 - 512, [gpus[1]] = 12288 - 512 };
        foreach (var client in clients.Prepend(Fleet))
        {
            // Connect each before the race: the shared connection is made synchronously on first use.
            await client.Ledger.SnapshotAsync(gpus, includeOthers: false, CancellationToken.None);
        }

        var granted = 0;

        async Task ClientAsync(GpuTestFleet client, int seed)
        {
            var random = new Random(seed);
            var held = new List<GpuLease>();
            for (var step = 0; step < 12; step++)
            {
                if (held.Count > 0 && random.Next(3) == 0)
                {
                    var lease = held[random.Next(held.Count)];
                    held.Remove(lease);
                    await lease.DisposeAsync();
                }
                else
                {
                    var rules = new GpuPlacementRules { AllowPreemption = random.Next(5) == 0 };
                    var result = await client.Scheduler.AcquireAsync(new GpuRequest($"w{seed}-{step}", random.Next(512, 9000), random.Next(4), rules));
                    if (result.Lease is { } lease)
                    {
                        Interlocked.Increment(ref granted);
                        held.Add(lease);
                    }
                }

                foreach (var view in await Fleet.Ledger.SnapshotAsync(gpus, includeOthers: false, CancellationToken.None))
                {
                    Assert.True(view.GrantedMib <= leasable[view.Gpu], $"{view.Gpu} over-committed: {view.GrantedMib} MiB leased of {leasable[view.Gpu]}");
                }
            }

            foreach (var lease in held)
            {
                await lease.DisposeAsync();
            }
        }

        await Task.WhenAll(clients.Select((c, i) => Task.Run(() => ClientAsync(c, i))));

        Assert.True(granted >= 8, $"only {granted} leases granted");
        Assert.True(await Poll.UntilAsync(async () => (await Fleet.Ledger.SnapshotAsync(gpus, includeOthers: false, CancellationToken.None)).All(v => v.Entries.Count == 0), IsTransient, Deadline));
    }

    [SuiteFact]
    public async Task Acquire_MalformedRequest_SaysWhichFieldAndHow()
    {
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => Fleet.Scheduler.AcquireAsync(new GpuRequest("my model", 1000)));
        var zero = await Assert.ThrowsAsync<ArgumentException>(() => Fleet.Scheduler.AcquireAsync(new GpuRequest("llm", 0)));

        Assert.Contains("letters, digits", bad.Message, StringComparison.Ordinal);
        Assert.Contains("14 GiB = 14336", zero.Message, StringComparison.Ordinal);
    }
}

public sealed class InProcessLedgerConformanceTests : GpuLedgerConformanceTests
{
    protected override string? RedisConnectionString => null;
}

[Collection(RedisCollection.Name)]
[RequiresRedisServer]
public sealed class RedisLedgerConformanceTests(RedisFixture redis) : GpuLedgerConformanceTests
{
    protected override string? RedisConnectionString => redis.Server.ConnectionString;
}
