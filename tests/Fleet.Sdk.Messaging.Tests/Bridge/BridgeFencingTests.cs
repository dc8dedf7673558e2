namespace Fleet.Sdk.Messaging.Tests.Bridge;

/// <summary>The fencing rule as pure logic: timeouts 600 ms, beacons 100 ms, so a take-over needs 800 ms of peer silence.</summary>
public sealed class BridgeFencingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(600);
    private static readonly TimeSpan BeaconEvery = TimeSpan.FromMilliseconds(100);
    private static readonly BridgeClientHeartbeat Vote = new("c1", null, 0);

    [Fact]
    public void BothStartPassive_PrimaryLeadsWithEpochOne_BackupStaysPassive()
    {
        var primary = new BridgeFencing(BridgeRole.Primary, Timeout, BeaconEvery, 0);
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);

        backup.OnPeerBeacon(Beacon(primary, "p", BridgeRole.Primary), 100);
        primary.OnPeerBeacon(Beacon(backup, "b", BridgeRole.Backup), 100);

        Assert.NotNull(primary.Evaluate(100));
        Assert.Null(backup.Evaluate(100));
        Assert.Equal((BridgeState.Active, 1L), (primary.State, primary.Epoch));
        Assert.Equal(BridgeState.Passive, backup.State);
    }

    [Fact]
    public void PrimarySilentAndAClientLostIt_BackupTakesOverWithANewerEpoch()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 3), 1000);

        backup.OnClientHeartbeat(Vote, 1700);
        Assert.Null(backup.Evaluate(1700)); // silent 700 ms: not yet past 600 + 2 x 100

        backup.OnClientHeartbeat(Vote, 1800);
        var reason = backup.Evaluate(1800);

        Assert.Contains("silent for 800 ms", reason, StringComparison.Ordinal);
        Assert.Equal((BridgeState.Active, 4L), (backup.State, backup.Epoch));
    }

    [Fact]
    public void OnlyThePeerLinkIsCut_ClientsStillFollowThePrimary_BackupStaysPassive()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 0);

        for (var now = 100; now <= 5000; now += 100)
        {
            backup.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "p", 1), now);
            Assert.Null(backup.Evaluate(now));
        }

        Assert.Equal(BridgeState.Passive, backup.State);
    }

    [Fact]
    public void ActiveCutOffFromPeerAndClients_StepsDownBeforeThePeerMayTakeOver()
    {
        var primary = new BridgeFencing(BridgeRole.Primary, Timeout, BeaconEvery, 0);
        primary.OnPeerBeacon(new BridgeBeacon("b", BridgeRole.Backup, BridgeState.Passive, 0), 0);
        primary.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "p", 1), 0);
        primary.Evaluate(0);
        Assert.Equal(BridgeState.Active, primary.State);

        Assert.Null(primary.Evaluate(599));
        Assert.Contains("cut off", primary.Evaluate(600), StringComparison.Ordinal);
        Assert.Equal(BridgeState.Passive, primary.State);
        Assert.Null(primary.Evaluate(5000)); // no votes reach it: it stays passive
    }

    [Fact]
    public void PeerLostButClientsStillHere_ActiveStaysActive()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 0);
        backup.OnClientHeartbeat(Vote, 800);
        backup.Evaluate(800);
        Assert.Equal(BridgeState.Active, backup.State);

        for (var now = 900; now <= 5000; now += 100)
        {
            backup.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "b", 2), now);
            Assert.Null(backup.Evaluate(now));
        }
    }

    [Theory]
    [InlineData(BridgeRole.Primary, 5, 4, BridgeState.Active)]
    [InlineData(BridgeRole.Primary, 4, 5, BridgeState.Passive)]
    [InlineData(BridgeRole.Backup, 5, 5, BridgeState.Passive)]
    [InlineData(BridgeRole.Primary, 5, 5, BridgeState.Active)]
    public void BothActiveAfterAHeal_NewestEpochWinsAndEqualEpochsGoToThePrimary(BridgeRole role, long ownEpoch, long peerEpoch, BridgeState expected)
    {
        var bridge = ActiveAt(role, ownEpoch);

        bridge.OnPeerBeacon(new BridgeBeacon("other", role == BridgeRole.Primary ? BridgeRole.Backup : BridgeRole.Primary, BridgeState.Active, peerEpoch), 10_000);
        bridge.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "x", 1), 10_000);
        bridge.Evaluate(10_000);

        Assert.Equal(expected, bridge.State);
    }

    [Fact]
    public void JustStarted_WaitsForThePeerBeforeAnsweringAVote()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 5000);

        backup.OnClientHeartbeat(Vote, 5100);
        Assert.Null(backup.Evaluate(5100));
        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 5200);
        backup.OnClientHeartbeat(Vote, 5900);

        Assert.Null(backup.Evaluate(5900));
        Assert.Equal(BridgeState.Passive, backup.State);
    }

    [Fact]
    public void OneWayLink_ActivePeerCannotHearIt_YieldsAfterThePeerTimeoutAndStaysPassive()
    {
        // Equal epochs would give the lead to the primary, but the backup cannot hear it and so never yields.
        var primary = ActiveAt(BridgeRole.Primary, 2);

        for (var now = 10_000; now <= 12_000; now += 100)
        {
            primary.OnPeerBeacon(new BridgeBeacon("b", BridgeRole.Backup, BridgeState.Active, 2, PeerLost: true), now);
            primary.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "b", 2), now);
            var reason = primary.Evaluate(now);
            if (now < 10_600)
            {
                Assert.Null(reason);
                Assert.Equal(BridgeState.Active, primary.State);
            }
            else if (now == 10_600)
            {
                Assert.Contains("cannot hear this bridge (a one-way link)", reason, StringComparison.Ordinal);
            }
            else
            {
                Assert.Null(reason);
            }
        }

        Assert.Equal(BridgeState.Passive, primary.State);
    }

    [Fact]
    public void AfterAHeal_PeerBrieflyCannotHearIt_TheEpochRuleDecides()
    {
        var primary = ActiveAt(BridgeRole.Primary, 5);

        // The peer's first beacons after the heal were sent before it heard this bridge; then it hears it.
        for (var now = 10_000; now <= 12_000; now += 100)
        {
            primary.OnPeerBeacon(new BridgeBeacon("b", BridgeRole.Backup, BridgeState.Active, 4, PeerLost: now < 10_300), now);
            primary.OnClientHeartbeat(new BridgeClientHeartbeat("c1", "p", 5), now);
            Assert.Null(primary.Evaluate(now));
        }

        Assert.Equal(BridgeState.Active, primary.State);
    }

    [Fact]
    public void HearsPeer_TrueOnlyWithinThePeerTimeoutOfItsLastBeacon()
    {
        var backup = new BridgeFencing(BridgeRole.Backup, Timeout, BeaconEvery, 0);
        Assert.False(backup.HearsPeer(0));

        backup.OnPeerBeacon(new BridgeBeacon("p", BridgeRole.Primary, BridgeState.Active, 1), 1000);

        Assert.True(backup.HearsPeer(1599));
        Assert.False(backup.HearsPeer(1600));
    }

    [Fact]
    public void Beacon_PeerLostTravelsAsCamelCaseAndIsFalseWhenAnOlderBridgeLeavesItOut()
    {
        var encoded = BridgeWire.Encode(new BridgeBeacon("bridge2", BridgeRole.Backup, BridgeState.Active, 3, PeerLost: true));

        Assert.Contains("\"peerLost\":true", System.Text.Encoding.UTF8.GetString(encoded), StringComparison.Ordinal);
        Assert.True(BridgeWire.TryDecode<BridgeBeacon>(encoded, out var roundTrip));
        Assert.True(roundTrip!.PeerLost);
        Assert.True(BridgeWire.TryDecode<BridgeBeacon>("{\"name\":\"bridge1\",\"role\":\"primary\",\"state\":\"active\",\"epoch\":3}"u8, out var old));
        Assert.Equal(new BridgeBeacon("bridge1", BridgeRole.Primary, BridgeState.Active, 3, PeerLost: false), old);
    }

    private static BridgeFencing ActiveAt(BridgeRole role, long epoch)
    {
        var bridge = new BridgeFencing(role, Timeout, BeaconEvery, 0);
        bridge.OnPeerBeacon(new BridgeBeacon("seed", BridgeRole.Primary, BridgeState.Passive, epoch - 1), 0);
        bridge.OnClientHeartbeat(Vote, 1000);
        Assert.NotNull(bridge.Evaluate(1000));
        Assert.Equal(epoch, bridge.Epoch);
        return bridge;
    }

    private static BridgeBeacon Beacon(BridgeFencing fencing, string name, BridgeRole role) => new(name, role, fencing.State, fencing.Epoch);
}
