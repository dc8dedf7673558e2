using Fleet.Sdk.Messaging;
using Fleet.Sdk.Testing;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Resilience;

/// <summary>
/// The bridge pair under faults (docs/resilience.md has each scenario's assertions and figures).
/// Every test checks: at most one bridge active at every 5 ms sample, traffic flowing again by
/// itself after the fault or heal, no event delivered twice, and, where the publishers' resend
/// window covers the outage, no event lost. Timing bounds are tolerant (they prove "bounded");
/// the measured figures go to the report.
/// </summary>
[Trait("Category", "Partition")]
[Collection(ResilienceCollection.Name)]
public sealed class BridgePartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ActiveBridgeKilled_BackupTakesOverWithinASecondAndNoEventIsLost()
    {
        await using var fleet = await StartedAsync();

        var t0 = fleet.Now;
        fleet.Kill("bridge1");

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(fleet.Backup.State == BridgeState.Active), Deadline));
        var takeOver = fleet.Now - t0;
        var restored = await FlowRestoredAsync(fleet, t0);
        Assert.True(await fleet.SettledAsync("bridge2", Deadline, stopPublishing: true), "not every event arrived after the fail-over");
        AssertInvariants(fleet, lossless: true);
        Assert.True(restored < 5000, $"traffic flowed again only after {restored} ms; the owners' target is 5 s");
        Report("active bridge killed", takeOver, restored, fleet);
    }

    [Fact]
    public async Task ActiveBridgeIsolated_SplitBrainAttempt_OldPrimaryStepsDownBackupTakesOverAndAfterHealOneStaysActive()
    {
        await using var fleet = await StartedAsync();

        var t0 = fleet.Now;
        await fleet.Cluster.IsolateAsync("bridge1");

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(fleet.Backup.State == BridgeState.Active), Deadline));
        var takeOver = fleet.Now - t0;
        Assert.Equal(BridgeState.Passive, fleet.Primary.State);
        var restored = await FlowRestoredAsync(fleet, t0);

        await fleet.Cluster.HealAsync();
        var healed = fleet.Now;
        Assert.True(await fleet.SettledAsync("bridge2", Deadline, stopPublishing: true));
        Assert.Equal(BridgeState.Passive, fleet.Primary.State);
        Assert.True(fleet.Backup.Epoch > fleet.Primary.Epoch || fleet.Primary.Epoch == fleet.Backup.Epoch);
        AssertInvariants(fleet, lossless: true);
        Report("active bridge isolated (split-brain attempt)", takeOver, restored, fleet);
        ResilienceReport.Record(output, "active bridge isolated (split-brain attempt)", "settled after heal", fleet.Now - healed, "ms");
    }

    [Fact]
    public async Task PeerLinkCutBothWays_ClientsStillReachThePrimary_NoTakeOverAndNothingLost()
    {
        await using var fleet = await StartedAsync();

        await fleet.Cluster.PartitionAsync("bridge1", "bridge2");
        await WatchAsync(fleet, TimeSpan.FromSeconds(2));

        AssertPrimaryLeads(fleet);
        await HealAndDeliverEverythingAsync(fleet);
    }

    [Fact]
    public async Task OneDirectionOnly_BackupNoLongerHearsThePrimary_NoTakeOverWhileClientsFollowIt()
    {
        await using var fleet = await StartedAsync();

        await fleet.Cluster.PartitionAsync("bridge1", "bridge2", PartitionDirection.OneWay);
        await WatchAsync(fleet, TimeSpan.FromSeconds(2));

        AssertPrimaryLeads(fleet);
        await HealAndDeliverEverythingAsync(fleet);
    }

    [Fact]
    public async Task Pc2IsolatedFromEverything_Pc2HoldsItsEventsMainpcFlowsOnAndAllArriveAfterTheHeal()
    {
        await using var fleet = await StartedAsync();

        var t0 = fleet.Now;
        await fleet.Cluster.IsolateAsync("pc2");
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(fleet.Publisher("pc2").ActiveBridge is null), Deadline));
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(fleet.Subscriber("mainpc").NewestPublishedAt > t0 + 1000), Deadline), "mainpc's own traffic stopped while pc2 was cut off");
        AssertPrimaryLeads(fleet);

        await fleet.Cluster.HealAsync();
        var healed = fleet.Now;
        Assert.True(await fleet.SettledAsync("bridge1", Deadline, stopPublishing: true));
        AssertInvariants(fleet, lossless: true);
        ResilienceReport.Record(output, "pc2 isolated from everything", "recovery after heal (every held event delivered)", fleet.Now - healed, "ms");
    }

    [Fact]
    public async Task FlappingLinkBetweenPc2AndTheActiveBridge_AtMostOneActiveAndEverythingArrives()
    {
        await using var fleet = await StartedAsync();

        await fleet.Cluster.FlapAsync("pc2", "bridge1", down: TimeSpan.FromMilliseconds(400), up: TimeSpan.FromMilliseconds(600), cycles: 4);

        var healed = fleet.Now;
        Assert.True(await fleet.FlowingAgainAsync(Deadline), fleet.Describe());
        AssertInvariants(fleet, lossless: false);
        ResilienceReport.Record(output, "flapping link pc2-bridge1 (4 x 400 ms down)", "traffic flowing after the last flap", fleet.Now - healed, "ms");
        ResilienceReport.Record(output, "flapping link pc2-bridge1 (4 x 400 ms down)", "events lost (non-durable path)", fleet.TotalLost, "events");
    }

    [Fact]
    public async Task Latency500MsWithJitter_EventsArriveLateButAllArriveAndNoBridgeFlaps()
    {
        await using var fleet = await StartedAsync();

        await fleet.Cluster.AddLatencyAsync("pc2", "bridge1", TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100));
        await fleet.Cluster.AddLatencyAsync("pc2", "bridge2", TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100));
        await WatchAsync(fleet, TimeSpan.FromSeconds(3));
        AssertPrimaryLeads(fleet);

        await HealAndDeliverEverythingAsync(fleet);
    }

    [Fact]
    public async Task BandwidthLimitedTo32KBps_EventsStillFlowAndNoBridgeFlaps()
    {
        await using var fleet = await StartedAsync();

        var t0 = fleet.Now;
        await fleet.Cluster.LimitBandwidthAsync("pc2", "bridge1", 32);
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(fleet.Subscriber("pc2").NewestPublishedAt > t0 + 2000), Deadline));
        AssertPrimaryLeads(fleet);

        await HealAndDeliverEverythingAsync(fleet);
    }

    [Fact]
    public async Task ResetPeers_ConnectionsResetAndRebuiltAtMostOneActiveLossesCounted()
    {
        await using var fleet = await StartedAsync();

        foreach (var link in fleet.Cluster.GetLinks("pc2", "bridge1"))
        {
            await fleet.Cluster.Toxiproxy.AddToxicAsync(link.ProxyName, ToxiproxyToxic.ResetPeer(TimeSpan.Zero, ToxicStream.Upstream, "reset"));
        }

        await WatchAsync(fleet, TimeSpan.FromSeconds(1));
        foreach (var link in fleet.Cluster.GetLinks("pc2", "bridge1"))
        {
            await fleet.Cluster.Toxiproxy.RemoveToxicAsync(link.ProxyName, "reset");
        }

        var healed = fleet.Now;
        Assert.True(await fleet.FlowingAgainAsync(Deadline), fleet.Describe());
        AssertInvariants(fleet, lossless: false);
        ResilienceReport.Record(output, "reset peers pc2-bridge1 (1 s)", "recovery after the resets stop", fleet.Now - healed, "ms");
        ResilienceReport.Record(output, "reset peers pc2-bridge1 (1 s)", "events lost (non-durable path)", fleet.TotalLost, "events");
    }

    private static async Task<BridgeFleet> StartedAsync()
    {
        var fleet = await BridgeFleet.StartAsync();
        Assert.True(await fleet.SettledAsync("bridge1", Deadline), "the pair did not settle with the primary active");
        fleet.ResetActiveWatch();
        return fleet;
    }

    /// <summary>Watches the pair through a fault for <paramref name="duration"/>, ending early if the backup takes over (which the caller then reports as the failure).</summary>
    private static Task WatchAsync(BridgeFleet fleet, TimeSpan duration)
    {
        var until = fleet.Now + (long)duration.TotalMilliseconds;
        return Poll.UntilAsync(() => Task.FromResult(fleet.Now >= until || fleet.Backup.State == BridgeState.Active), duration + Deadline);
    }

    private static void AssertPrimaryLeads(BridgeFleet fleet) =>
        Assert.True((fleet.Primary.State, fleet.Backup.State) == (BridgeState.Active, BridgeState.Passive), fleet.Describe());

    /// <summary>Heals every link; then the primary still leads and every event published arrives, once.</summary>
    private static async Task HealAndDeliverEverythingAsync(BridgeFleet fleet)
    {
        await fleet.Cluster.HealAsync();
        Assert.True(await fleet.SettledAsync("bridge1", Deadline, stopPublishing: true));
        AssertInvariants(fleet, lossless: true);
    }

    private static async Task<long> FlowRestoredAsync(BridgeFleet fleet, long t0)
    {
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(BridgeFleet.Agents.All(a => fleet.Subscriber(a).NewestPublishedAt > t0)), Deadline), "no event published after the fault arrived");
        return fleet.Now - t0;
    }

    private static void AssertInvariants(BridgeFleet fleet, bool lossless)
    {
        Assert.True(fleet.MaxActive <= 1, $"{fleet.MaxActive} bridges were active at once: {fleet.Describe()}");
        foreach (var subscriber in BridgeFleet.Agents)
        {
            Assert.Equal(0, fleet.Subscriber(subscriber).Repeats);
            foreach (var publisher in BridgeFleet.Agents)
            {
                if (lossless)
                {
                    Assert.True(fleet.Lost(subscriber, publisher) <= 0, $"{subscriber} lost {fleet.Lost(subscriber, publisher)} event(s) from {publisher}");
                }
            }
        }
    }

    private void Report(string scenario, long takeOver, long restored, BridgeFleet fleet)
    {
        ResilienceReport.Record(output, scenario, "backup active after", takeOver, "ms");
        ResilienceReport.Record(output, scenario, "traffic flowing again after (detection + switch)", restored, "ms");
        ResilienceReport.Record(output, scenario, "events resent by publishers", BridgeFleet.Agents.Sum(a => fleet.Publisher(a).Resent), "events");
        ResilienceReport.Record(output, scenario, "events lost (non-durable path)", fleet.TotalLost, "events");
    }
}
